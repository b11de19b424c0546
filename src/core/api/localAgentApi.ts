// The opt-in local agent API: an HTTP server on 127.0.0.1 that speaks the Responses and Conversations APIs (and
// Assistants v2 for older scripts), so scripts using the official `openai` package or the OpenAI Agents SDK drive
// the same agents, threads and runs the UI shows.
//
// Every request passes, in order: the loopback Host / no-Origin check (403), the bearer token (401), the body size
// limit (413), JSON parsing (400), then its route. The routes serve the workspace's active backend: the local
// stores and run engine, or, while the views show a Foundry project, that project through the Backend interface
// (a route it cannot serve answers 400 unsupported_on_backend). Errors use the OpenAI shape, never stack traces.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, toApiError } from './apiErrors';
import type { ApiServices } from './apiServices';
import { readJsonBody, sendJson } from './httpIo';
import { assertAuthorized, assertLocalNonBrowserRequest, newToken } from './requestGuard';
import { Router, STREAMED } from './router';
import { addAssistantRoutes } from './routes/assistantRoutes';
import { addConversationRoutes } from './routes/conversationRoutes';
import { addMessageRoutes } from './routes/messageRoutes';
import { addResponseRoutes } from './routes/responseRoutes';
import { addRunRoutes } from './routes/runRoutes';
import { addThreadRoutes } from './routes/threadRoutes';
import { addRemoteAssistantsRoutes } from './remote/remoteAssistantsRoutes';
import { addRemoteResponseRoutes } from './remote/remoteResponseRoutes';
import { type RemoteServices, unsupported } from './remote/remoteServices';

/** The only address the server ever binds: never a LAN or public interface. */
export const LOOPBACK_HOST = '127.0.0.1';
const PREFIX = '/v1';

/** Where the running server listens and the token clients must present. */
export interface LocalAgentApiAddress {
  /** Base URL for the openai package, ending in /v1. */
  url: string;
  port: number;
  token: string;
}

/** The local agent API server; `start` and `stop` may be called again (each start makes a new token). */
export class LocalAgentApi {
  private readonly router = new Router();
  /** The same API over the active backend when it is not local storage; only what that backend can do. */
  private readonly remoteRouter = new Router();
  private readonly remote: RemoteServices | undefined;
  private server: Server | undefined;
  private address: LocalAgentApiAddress | undefined;

  constructor(private readonly services: ApiServices) {
    addAssistantRoutes(this.router, services);
    addThreadRoutes(this.router, services);
    addMessageRoutes(this.router, services);
    addRunRoutes(this.router, services);
    addConversationRoutes(this.router, services);
    addResponseRoutes(this.router, services);
    const remoteBackend = services.remoteBackend;
    if (remoteBackend) {
      this.remote = {
        backend: () => {
          const backend = remoteBackend();
          if (!backend)
            throw new ApiError(
              409,
              'conflict_error',
              'The workspace switched back to local storage during this request; send it again.',
              'backend_switched',
            );
          return backend;
        },
        tools: services.tools,
        lookup: (name) => services.tools.get(name),
        logger: services.logger,
        responseOptions: new Map(),
        starting: new Map(),
      };
      addRemoteAssistantsRoutes(this.remoteRouter, this.remote);
      addRemoteResponseRoutes(this.remoteRouter, this.remote);
    }
  }

  /** Whether the server is listening, and where. */
  get current(): LocalAgentApiAddress | undefined {
    return this.address;
  }

  /** Listens on 127.0.0.1 (port 0 = any free port) with a fresh random token. */
  async start(options: { port?: number } = {}): Promise<LocalAgentApiAddress> {
    if (this.address) throw new Error('The local agent API is already running.');
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`The local agent API port must be 0 to 65535, not ${port}.`);
    const token = newToken();
    const server = createServer((req, res) => void this.handle(req, res, token)); // handle() answers every failure
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, LOOPBACK_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address() as AddressInfo;
    if (bound.address !== LOOPBACK_HOST) {
      server.close();
      throw new Error(`The local agent API bound ${bound.address} instead of ${LOOPBACK_HOST}; it has been stopped.`);
    }
    server.on('error', (error) => this.services.logger.error(`Local agent API server error: ${error.message}`));
    this.server = server;
    this.address = { url: `http://${LOOPBACK_HOST}:${bound.port}${PREFIX}`, port: bound.port, token };
    return this.address;
  }

  /** Stops listening and closes every connection, open event streams included; runs in progress go on. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.address = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, token: string): Promise<void> {
    try {
      const port = this.address?.port ?? -1;
      assertLocalNonBrowserRequest(req.headers, port);
      assertAuthorized(req.headers, token);
      const url = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}`);
      if (!url.pathname.startsWith(`${PREFIX}/`))
        throw new ApiError(404, 'not_found_error', `Unknown path ${url.pathname}; the API lives under ${PREFIX}/.`);
      const path = url.pathname.slice(PREFIX.length).replace(/\/+$/, '');
      const method = req.method ?? 'GET';
      const remote = this.remote && this.services.remoteBackend?.() ? this.remote : undefined;
      const route = (remote ? this.remoteRouter : this.router).match(method, path);
      // A route of the local API the active backend has no counterpart for: say so, rather than 404 a real route.
      const local = remote && typeof route !== 'object' ? this.router.match(method, path) : undefined;
      if (remote && typeof local === 'object') throw unsupported(remote, `${method} ${PREFIX}${local.path}`);
      if (route === undefined) throw new ApiError(404, 'not_found_error', `Unknown route ${method} ${PREFIX}${path}.`);
      if (route === 'method_not_allowed')
        throw new ApiError(405, 'invalid_request_error', `${method} is not supported on ${PREFIX}${path}.`);
      const body = (await readJsonBody(req)) ?? {};
      const result = await route.handler({ params: route.params, query: url.searchParams, body, res });
      if (result !== STREAMED) sendJson(res, 200, result.json, result.headers);
    } catch (error) {
      const apiError = toApiError(error, (unexpected) => this.services.logger.error(`Local agent API: ${describe(unexpected)}`));
      // The openai package retries 409s by default; our refusals are final, so say so (5xx may be retried).
      const headers: Record<string, string> = apiError.status < 500 ? { 'x-should-retry': 'false' } : {};
      // Refused before its body was read (413, or 401/403/404 to an upload): the rest of the body is still on the
      // socket, so a keep-alive client reusing it would wait or be reset. Close it after the answer, and read the
      // rest meanwhile so the client's upload ends normally rather than in a reset.
      if (!req.complete) {
        headers.Connection = 'close';
        req.resume();
      }
      if (!res.headersSent) sendJson(res, apiError.status, apiError.toBody(), headers);
      else res.destroy();
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
