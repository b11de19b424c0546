// What every ModelClient over the `openai` package shares, whichever wire API it speaks (Chat Completions or
// Responses): key handling, retries, timeouts and cancellation. The package's own retries are off: they live here
// so the consumer hears about every restart (a `retry` event) and a cancel stops everything at once.

import type { OpenAI } from 'openai';
import { missingApiKeyError, toModelError, type ErrorContext } from './modelErrors';
import { openaiPackage } from './openaiPackage';
import { abortableDelay, cancelledError, defaultRetryPolicy, retryDelayMs, type RetryPolicy } from './retry';
import { AttemptWatchdog, type Interruption } from './attemptWatchdog';
import { ModelError, type ChatRequest, type ChatStreamEvent, type ModelClient, type ModelProfile } from './types';

export interface OpenAIChatClientOptions {
  profile: ModelProfile;
  /** Reads the profile's key from secret storage; undefined or '' when none is stored. */
  getApiKey: (profileId: string) => Promise<string | undefined>;
  retry?: Partial<RetryPolicy>;
  /** How long to wait for the response headers before giving up on an attempt. Default 60 s. */
  firstByteTimeoutMs?: number;
  /** How long a started stream may go without a chunk before the attempt counts as stalled. Default 60 s. */
  idleTimeoutMs?: number;
  /** Title of the command that stores a key, named in 401 messages, e.g. "Agent Threads: Set API Key". */
  setApiKeyCommand?: string;
  /** Source of jitter for backoff; tests may pin it. */
  random?: () => number;
}

/** Azure API version used when the profile names none: the current GA Chat Completions version. */
export const defaultAzureApiVersion = '2024-10-21';

// Keyless local servers (Ollama, LM Studio) ignore the header, but the openai client insists on one.
const placeholderApiKey = 'no-key-required';

/** Turns one wire API's stream chunks into ChatStreamEvents. */
export interface ChunkAssembler<Chunk> {
  /** Events made complete by `chunk`; throws when the chunk reports a failure. */
  push(chunk: Chunk): ChatStreamEvent[];
  /** Events for the end of the stream, or undefined when the stream ended before the model finished. */
  finish(): ChatStreamEvent[] | undefined;
}

/** One attempt's stream, as the wire API's client returned it, and the assembler that reads it. */
export interface OpenedStream<Chunk> {
  stream: AsyncIterable<Chunk>;
  assembler: ChunkAssembler<Chunk>;
}

export abstract class OpenAIStreamingClient<Chunk> implements ModelClient {
  private readonly policy: RetryPolicy;
  private readonly firstByteTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private cached: { apiKey: string; client: OpenAI } | undefined;

  constructor(protected readonly options: OpenAIChatClientOptions) {
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.firstByteTimeoutMs = options.firstByteTimeoutMs ?? 60_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  }

  /** Streams a chat completion, retrying transient failures; throws ModelError when it gives up. */
  async *streamChat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatStreamEvent> {
    for (let retry = 1; ; retry++) {
      if (signal.aborted) throw cancelledError();
      try {
        yield* this.attempt(request, signal);
        return;
      } catch (thrown) {
        const error = signal.aborted ? cancelledError() : toModelError(thrown, this.errorContext(request, []));
        const delayMs = retryDelayMs(error, retry, this.policy, this.options.random);
        if (delayMs === undefined) throw error;
        yield { type: 'retry', attempt: retry, delayMs, error };
        await abortableDelay(delayMs, signal);
      }
    }
  }

  /** Sends the request of one attempt; `signal` aborts it. */
  protected abstract open(client: OpenAI, request: ChatRequest, signal: AbortSignal): Promise<OpenedStream<Chunk>>;

  private async *attempt(request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    const apiKey = await this.resolveApiKey(request);
    // The key may take a while (secret storage): a cancel meanwhile must not let the request go out.
    if (signal.aborted) throw cancelledError();
    const context = this.errorContext(request, [apiKey]);
    const client = this.clientFor(apiKey, context);
    const controller = new AbortController();
    const abortAttempt = (): void => controller.abort();
    signal.addEventListener('abort', abortAttempt, { once: true });
    const watchdog = new AttemptWatchdog(() => controller.abort());
    // Settles when the attempt is aborted (cancel or watchdog). Every wait on the HTTP layer races it: undici does
    // not end a body read when the abort lands while no read is pending (the consumer was handling an event), so
    // relying on the SDK alone left the next read waiting forever on a stalled stream.
    const stopped = new Promise<never>((_, reject) => {
      const onStop = (): void => reject(new Error('The model attempt was aborted.'));
      if (controller.signal.aborted) onStop();
      else controller.signal.addEventListener('abort', onStop, { once: true });
    });
    stopped.catch(() => undefined);
    let chunks: AsyncIterator<Chunk> | undefined;
    try {
      watchdog.expect('first_byte', this.firstByteTimeoutMs);
      const { stream, assembler } = await Promise.race([this.open(client, request, controller.signal), stopped]);
      watchdog.expect('idle', this.idleTimeoutMs);
      chunks = stream[Symbol.asyncIterator]();
      for (;;) {
        const next = await Promise.race([chunks.next(), stopped]);
        if (next.done) {
          chunks = undefined;
          break;
        }
        // The stall clock stops while the consumer handles events, so a slow consumer is no stall.
        watchdog.pause();
        for (const event of assembler.push(next.value)) yield event;
        watchdog.heard();
        if (controller.signal.aborted) break;
      }
      watchdog.stop();
      // The openai stream ends quietly when aborted, so an interruption must be checked for here.
      if (signal.aborted) throw cancelledError();
      if (watchdog.interruption) throw this.timeoutError(watchdog.interruption, context);
      const end = assembler.finish();
      if (!end) {
        throw new ModelError(
          'network_error',
          `The model server for profile '${context.profileId}' ended the answer before it was complete. Check your network connection and try again.`,
          true,
        );
      }
      yield* end;
    } catch (thrown) {
      if (signal.aborted) throw cancelledError();
      if (watchdog.interruption) throw this.timeoutError(watchdog.interruption, context);
      throw toModelError(thrown, context);
    } finally {
      watchdog.stop();
      signal.removeEventListener('abort', abortAttempt);
      // Releases the connection when the consumer stops early; harmless after a complete answer.
      controller.abort();
      // Not awaited: a read the HTTP layer never ends would hold this return up too.
      if (chunks) void chunks.return?.().catch(() => undefined);
    }
  }

  private async resolveApiKey(request: ChatRequest): Promise<string> {
    const { profile } = this.options;
    let key: string | undefined;
    try {
      key = (await this.options.getApiKey(profile.id))?.trim();
    } catch {
      throw new ModelError(
        'invalid_api_key',
        `The API key for model profile '${profile.id}' could not be read from secret storage. Enter it again for this profile.`,
        false,
      );
    }
    if (key) return key;
    if (profile.provider === 'openai-compatible') return placeholderApiKey;
    throw missingApiKeyError(this.errorContext(request, []));
  }

  private clientFor(apiKey: string, context: ErrorContext): OpenAI {
    if (this.cached?.apiKey === apiKey) return this.cached.client;
    const client = this.createClient(apiKey, context);
    this.cached = { apiKey, client };
    return client;
  }

  /** The client options every wire API shares. */
  protected commonClientOptions(apiKey: string) {
    // Everything is passed explicitly so OPENAI_* environment variables cannot redirect requests.
    return {
      apiKey,
      maxRetries: 0,
      timeout: this.firstByteTimeoutMs + 1_000,
      organization: null,
      project: null,
      logLevel: 'off' as const,
    };
  }

  protected createClient(apiKey: string, context: ErrorContext): OpenAI {
    const { profile } = this.options;
    const common = this.commonClientOptions(apiKey);
    const { AzureOpenAI, OpenAI } = openaiPackage();
    switch (profile.provider) {
      case 'openai':
        return new OpenAI({ ...common, baseURL: profile.baseUrl || 'https://api.openai.com/v1' });
      case 'openai-compatible':
        if (!profile.baseUrl) throw configurationError(context, 'a base URL (for example http://localhost:11434/v1)');
        return new OpenAI({ ...common, baseURL: profile.baseUrl });
      case 'azure-openai': {
        if (!profile.endpoint) throw configurationError(context, 'an endpoint (for example https://my-resource.openai.azure.com)');
        return new AzureOpenAI({
          ...common,
          baseURL: `${profile.endpoint.replace(/\/+$/, '')}/openai`,
          apiVersion: profile.apiVersion || defaultAzureApiVersion,
          deployment: profile.deployment || undefined,
        });
      }
      case 'vscode-lm':
        throw new ModelError(
          'bad_request',
          `Model profile '${profile.id}' is served by VS Code's Language Model API, not over HTTP.`,
          false,
        );
    }
  }

  private timeoutError(kind: Interruption, context: ErrorContext): ModelError {
    const server = `The model server for profile '${context.profileId}'`;
    const message =
      kind === 'first_byte'
        ? `${server} did not start answering within ${formatSeconds(this.firstByteTimeoutMs)}. It may be overloaded; try again later.`
        : `${server} stopped sending for ${formatSeconds(this.idleTimeoutMs)} in the middle of an answer. Try again later.`;
    return new ModelError('timeout', message, true);
  }

  protected errorContext(request: ChatRequest, secrets: string[]): ErrorContext {
    const { profile, setApiKeyCommand } = this.options;
    return {
      profileId: profile.id,
      model: profile.provider === 'azure-openai' ? profile.deployment || request.model : request.model,
      setApiKeyCommand,
      secrets,
    };
  }
}

export function configurationError(context: ErrorContext, missing: string): ModelError {
  return new ModelError('bad_request', `Model profile '${context.profileId}' needs ${missing}. Add it in the profile's settings.`, false);
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
