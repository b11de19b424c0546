// What the API's routes drive while the workspace's active backend is not its local storage (a Foundry project):
// the backend's own agents, threads and runs through the Backend interface, so a script sees what the tree shows.
// Responses are runs there too; the Responses options a run was started with live here, in memory, because the
// service keeps only the run (a run started elsewhere reads as a response with the defaults).

import type { Backend } from '../../backend/backend';
import type { ResponseRunOptions, Run } from '../../domain/run';
import type { RunEngineEvent } from '../../runs/runRecorder';
import type { ToolRegistry } from '../../tools/toolRegistry';
import type { Event } from '../../util/emitter';
import type { Logger } from '../../util/logger';
import { ApiError } from '../apiErrors';
import type { ToolLookup } from '../render';
import type { RunSource } from '../responseStream';

export interface RemoteServices {
  /** The active backend; read at every request, since the workspace may switch between requests. */
  backend: () => Backend;
  tools: Pick<ToolRegistry, 'get' | 'names'>;
  /** The tool lookup renderers use. */
  lookup: ToolLookup;
  logger: Logger;
  /** The Responses options of runs started through this API, by run id. */
  responseOptions: Map<string, ResponseRunOptions>;
  /**
   * The options of a response being started, by thread: the run's first events fire before its id is known, so
   * the first run seen on that thread meanwhile takes them.
   */
  starting: Map<string, ResponseRunOptions>;
}

/** The backend's runs and threads with each run carrying the Responses options it was started with. */
export function runSource(services: RemoteServices): RunSource {
  const backend = services.backend();
  const withOptions = (run: Run): Run => {
    let response = services.responseOptions.get(run.id);
    const starting = services.starting.get(run.thread_id);
    if (!response && starting) rememberOptions(services, run.id, (response = starting));
    return response && !run.response ? { ...run, response } : run;
  };
  const onEvent: Event<RunEngineEvent> = (listener) =>
    backend.runs.onEvent((event) =>
      listener(event.data.object === 'thread.run' ? ({ ...event, data: withOptions(event.data) } as RunEngineEvent) : event),
    );
  return {
    engine: {
      onEvent,
      activeRun: (threadId) => {
        const run = backend.runs.activeRun(threadId);
        return run && withOptions(run);
      },
    },
    threads: {
      getRun: async (threadId, runId) => withOptions(await backend.threads.getRun(threadId, runId)),
      listRunSteps: (threadId, runId) => backend.threads.listRunSteps(threadId, runId),
      getMessage: (threadId, messageId) => backend.threads.getMessage(threadId, messageId),
    },
    logger: services.logger,
  };
}

/** How many responses' options are kept: a window's recent responses, not its whole history. */
const REMEMBERED_RESPONSES = 1000;

/** Keeps the Responses options of a run, forgetting the oldest beyond REMEMBERED_RESPONSES. */
export function rememberOptions(services: RemoteServices, runId: string, options: ResponseRunOptions): void {
  services.responseOptions.set(runId, options);
  for (const oldest of services.responseOptions.keys()) {
    if (services.responseOptions.size <= REMEMBERED_RESPONSES) break;
    services.responseOptions.delete(oldest);
  }
}

/** The error code of a request the active backend cannot serve. */
export const UNSUPPORTED_ON_BACKEND = 'unsupported_on_backend';

/** A 400 saying what the active backend cannot do, and why. */
export function unsupported(services: RemoteServices, what: string, param: string | null = null): ApiError {
  return new ApiError(
    400,
    'invalid_request_error',
    `${what} is not available while the workspace uses ${services.backend().label}; switch with "Agent Threads: Use Local Storage" for it.`,
    UNSUPPORTED_ON_BACKEND,
    param,
  );
}

/** Refuses every parameter of `body` in `keys` that is set (not absent or null), naming it. */
export function refuseParams(services: RemoteServices, body: Record<string, unknown>, keys: readonly string[], where: string): void {
  for (const key of keys) {
    if (body[key] !== undefined && body[key] !== null) throw unsupported(services, `'${key}' on ${where}`, key);
  }
}

/** An opaque id of the backend (the service checks it); 404 when it could not be one. */
export function remoteId(value: string | undefined, kind: string): string {
  if (typeof value === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(value)) return value;
  throw new ApiError(404, 'not_found_error', `No ${kind} found with id ${JSON.stringify(String(value).slice(0, 80))}.`);
}

/** As in the Assistants API, one run at a time per thread, and nothing added to a thread in the middle of a run. */
export function assertIdle(services: RemoteServices, threadId: string, doing: string): void {
  const active = services.backend().runs.activeRun(threadId);
  if (!active) return;
  throw new ApiError(
    409,
    'conflict_error',
    `Can't ${doing} while run ${active.id} (${active.status}) is active on ${threadId}; wait for it to finish or cancel it.`,
    'thread_busy',
  );
}
