// Cancel at the phases where a run used to stay in `cancelling` forever: while the API key is being read, and
// while the run is handling a streamed event when the HTTP layer does not end a body read on abort (undici leaves
// a locked response body waiting when the abort lands with no read pending, as the soak test found).

import { strict as assert } from 'node:assert';
import type { Run } from '../../../src/core/domain/run';
import { OpenAIChatClient } from '../../../src/core/model/openAIChatClient';
import type { RunEngine } from '../../../src/core/runs';
import { EventLog, type Harness, startHarness, testApiKey } from './helpers';

/** Resolves `work` or fails once `ms` have passed: the product promise is a cancel within a second. */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('RunEngine cancel at every phase', () => {
  let h: Harness;
  const realFetch = globalThis.fetch;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    globalThis.fetch = realFetch;
    await h.close();
  });

  function engineWith(client: OpenAIChatClient): { engine: RunEngine; log: EventLog } {
    const engine = h.newEngine({ resolveModel: () => ({ client, profile: h.profile }) });
    return { engine, log: new EventLog(engine) };
  }

  it('cancels while the API key is being read, without sending the request', async () => {
    const asked = deferred();
    const key = deferred<string>();
    const client = new OpenAIChatClient({
      profile: h.profile,
      getApiKey: () => {
        asked.resolve();
        return key.promise;
      },
      idleTimeoutMs: 5_000,
    });
    const { engine, log } = engineWith(client);
    const agent = await h.agent();
    const threadId = await h.thread('Hello');
    h.server.script({ kind: 'stall', text: 'never finished', afterChunks: 1 });
    const run = await engine.createRun(threadId, agent.id);
    await asked.promise;
    const cancelled = engine.cancelRun(threadId, run.id);
    key.resolve(testApiKey);
    const ended = await within(1_000, 'cancel during key resolution', cancelled);
    assert.equal(ended.status, 'cancelled');
    assert.equal((await log.waitForEnd(run.id)).status, 'cancelled');
    assert.equal(h.server.requests.filter((r) => r.path.endsWith('/chat/completions')).length, 0, 'no request goes out after a cancel');
  });

  it('cancels while a streamed event is being handled, even when the HTTP layer ignores the abort', async () => {
    // A response body that, like undici's locked one, neither ends nor errors when the request is aborted.
    const sse = (data: unknown): Uint8Array => new TextEncoder().encode(`data: ${JSON.stringify(data)}\n\n`);
    const chunk = (delta: Record<string, unknown>): unknown => ({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'fake-model',
      choices: [{ index: 0, delta, finish_reason: null }],
    });
    globalThis.fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(sse(chunk({ role: 'assistant', content: '' })));
            controller.enqueue(sse(chunk({ content: 'Partial' })));
          },
        }),
        { status: 200, headers: { 'content-type': 'text/event-stream' } },
      );
    const client = new OpenAIChatClient({
      profile: h.profile,
      getApiKey: async () => testApiKey,
      idleTimeoutMs: 5_000,
      retry: { maxRetries: 0 },
    });
    const { engine, log } = engineWith(client);
    const agent = await h.agent();
    const threadId = await h.thread('Hello');
    let cancelled: Promise<Run> | undefined;
    // Cancel synchronously while the run is still opening its message for the first text event.
    engine.onEvent((event) => {
      if (event.event === 'thread.message.created' && !cancelled) cancelled = engine.cancelRun(threadId, event.run_id);
    });
    const run = await engine.createRun(threadId, agent.id);
    await log.waitForEvent(run.id, 'thread.run.cancelling');
    const ended = await within(1_000, 'cancel mid-event', cancelled!);
    assert.equal(ended.status, 'cancelled');
    assert.equal(engine.activeRun(threadId), undefined);
    const [newest] = await h.threads.readNewest(threadId, 1);
    assert.equal(newest.status, 'incomplete');
    assert.deepEqual(newest.incomplete_details, { reason: 'run_cancelled' });
  });
});
