import { strict as assert } from 'node:assert';
import type { ChatStreamEvent, ModelApi } from '../../../src/core/model/types';
import { createOpenAIModelClient } from '../../../src/core/model/openAIModelClient';
import { faults, startFakeModelServer, type FakeModelServer } from '../../fixtures/fakeModelServer';
import { clientFor, collect, collectFailure, finalAttemptText, testApiKey, textOf, userRequest } from './helpers';

type RetryEvent = Extract<ChatStreamEvent, { type: 'retry' }>;
const retriesIn = (events: ChatStreamEvent[]): RetryEvent[] => events.filter((event): event is RetryEvent => event.type === 'retry');
const never = (): AbortSignal => new AbortController().signal;

for (const api of ['chat-completions', 'responses'] as const) describeFaults(api);

function describeFaults(api: ModelApi): void {
  describe(`OpenAI client faults (${api})`, () => {
    let server: FakeModelServer;
    beforeEach(async () => {
      server = await startFakeModelServer({ expectedApiKey: testApiKey });
    });
    afterEach(() => server.close());

    describe('retried', () => {
      it('waits out a 429 retry-after-ms, then succeeds', async () => {
        server.script(faults.rateLimited({ ms: 50 }), { kind: 'text', text: 'Back again.' });
        const started = Date.now();
        const events = await collect(clientFor(server, { api }).streamChat(userRequest('hi'), never()));
        const elapsed = Date.now() - started;
        const [retry] = retriesIn(events);
        assert.equal(retry.delayMs, 50);
        assert.equal(retry.attempt, 1);
        assert.equal(retry.error.code, 'rate_limit_exceeded');
        assert.equal(retry.error.status, 429);
        assert.ok(elapsed >= 50, `took ${elapsed} ms, expected at least the 50 ms the server asked for`);
        assert.equal(finalAttemptText(events), 'Back again.');
        assert.equal(server.requests.length, 2);
      });

      it('honours Retry-After given in seconds', async () => {
        server.script(faults.rateLimited({ seconds: 0.02 }), { kind: 'text', text: 'ok' });
        const events = await collect(clientFor(server, { api }).streamChat(userRequest('hi'), never()));
        assert.equal(retriesIn(events)[0].delayMs, 20);
      });

      it('gives up on a 500 storm after maxRetries with server_error', async () => {
        server.script(faults.serverError(), faults.serverError(), faults.serverError(), faults.serverError(), {
          kind: 'text',
          text: 'too late',
        });
        const { events, error } = await collectFailure(
          clientFor(server, { api, retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 } }).streamChat(userRequest('hi'), never()),
        );
        assert.equal(error.code, 'server_error');
        assert.equal(error.status, 500);
        assert.equal(error.retryable, true);
        assert.deepEqual(
          retriesIn(events).map((event) => event.attempt),
          [1, 2, 3],
        );
        assert.equal(server.requests.length, 4, 'one attempt plus three retries');
        assert.equal(server.pending, 1);
      });

      it('keeps backoff within the configured ceiling', async () => {
        server.script(faults.serverError(), faults.serverError(), { kind: 'text', text: 'ok' });
        const events = await collect(
          clientFor(server, { api, retry: { baseDelayMs: 4, maxDelayMs: 6 }, random: () => 0.999 }).streamChat(userRequest('hi'), never()),
        );
        assert.deepEqual(
          retriesIn(events).map((event) => event.delayMs),
          [3, 5],
        );
      });

      it('restarts after the connection drops mid-stream, telling the consumer to discard the partial answer', async () => {
        server.script(
          { kind: 'drop_connection', text: 'one two three four five', afterChunks: 2 },
          { kind: 'text', text: 'Complete answer.' },
        );
        const events = await collect(clientFor(server, { api }).streamChat(userRequest('hi'), never()));
        const retryAt = events.findIndex((event) => event.type === 'retry');
        assert.ok(retryAt > 0, 'the retry follows the partial output');
        assert.equal(textOf(events.slice(0, retryAt)), 'one two');
        assert.equal((events[retryAt] as RetryEvent).error.code, 'network_error');
        assert.equal(finalAttemptText(events), 'Complete answer.');
        assert.deepEqual(events.at(-1), { type: 'done', finish_reason: 'stop' });
      });

      it('retries an error event sent inside the stream as server_error', async () => {
        server.script(
          { kind: 'stream_error', text: 'a b c', afterChunks: 1, error: { message: 'The server is overloaded.', type: 'server_error' } },
          { kind: 'text', text: 'Fine now.' },
        );
        const events = await collect(clientFor(server, { api }).streamChat(userRequest('hi'), never()));
        const [retry] = retriesIn(events);
        assert.equal(retry.error.code, 'server_error');
        assert.match(retry.error.message, /overloaded/);
        assert.equal(finalAttemptText(events), 'Fine now.');
      });

      it('reports malformed_response for a chunk that is not JSON, after retrying', async () => {
        server.script(...Array.from({ length: 2 }, () => ({ kind: 'malformed_chunk' as const, text: 'a b c', afterChunks: 1 })));
        const { events, error } = await collectFailure(
          clientFor(server, { api, retry: { maxRetries: 1, baseDelayMs: 1 } }).streamChat(userRequest('hi'), never()),
        );
        assert.equal(error.code, 'malformed_response');
        assert.equal(error.retryable, true);
        assert.equal(retriesIn(events).length, 1);
      });
    });

    describe('timeouts', () => {
      it('times out when the first byte is slower than firstByteTimeoutMs', async () => {
        server.script({ kind: 'text', text: 'late', firstByteDelayMs: 2_000 });
        const started = Date.now();
        const { error } = await collectFailure(
          clientFor(server, { api, firstByteTimeoutMs: 100, retry: { maxRetries: 0 } }).streamChat(userRequest('hi'), never()),
        );
        assert.equal(error.code, 'timeout');
        assert.match(error.message, /did not start answering within 100 ms/);
        assert.ok(Date.now() - started < 1_500);
      });

      it('times out a stalled stream within idleTimeoutMs and retries it', async () => {
        server.script({ kind: 'stall', text: 'a b c d', afterChunks: 2 }, { kind: 'text', text: 'Recovered.' });
        const started = Date.now();
        const events = await collect(clientFor(server, { api, idleTimeoutMs: 150 }).streamChat(userRequest('hi'), never()));
        const elapsed = Date.now() - started;
        const [retry] = retriesIn(events);
        assert.equal(retry.error.code, 'timeout');
        assert.match(retry.error.message, /stopped sending for 150 ms/);
        assert.ok(elapsed >= 150 && elapsed < 1_500, `stall noticed after ${elapsed} ms`);
        assert.equal(finalAttemptText(events), 'Recovered.');
        assert.equal(await server.requests[0].ended, 'client_closed');
      });
    });

    describe('not retried', () => {
      it('maps 401 to invalid_api_key with an actionable message that never contains the key', async () => {
        const client = clientFor(server, { api, getApiKey: async () => 'sk-wrong-key-abcdef123456' });
        const { events, error } = await collectFailure(client.streamChat(userRequest('hi'), never()));
        assert.equal(error.code, 'invalid_api_key');
        assert.equal(error.status, 401);
        assert.equal(error.retryable, false);
        assert.equal(retriesIn(events).length, 0);
        assert.equal(server.requests.length, 1);
        assert.match(error.message, /profile 'fake' was rejected \(401\)\. Run 'Agent Threads: Set API Key'/);
        assert.ok(!error.message.includes('sk-wrong'), error.message);
        assert.ok(!JSON.stringify({ ...error, message: error.message, stack: error.stack }).includes('abcdef123456'));
      });

      it('reports a missing key without calling the server', async () => {
        const client = createOpenAIModelClient({
          profile: { id: 'oa', provider: 'openai', baseUrl: server.url, model: 'gpt-4o', contextWindow: 128_000, api },
          getApiKey: async () => '',
        });
        const { error } = await collectFailure(client.streamChat(userRequest('hi'), never()));
        assert.equal(error.code, 'invalid_api_key');
        assert.match(error.message, /No API key is set for model profile 'oa'/);
        assert.equal(server.requests.length, 0);
      });

      it('maps 404 to model_not_found', async () => {
        server.script(faults.modelNotFound('gpt-9'));
        const { error } = await collectFailure(clientFor(server, { api }).streamChat({ ...userRequest('hi'), model: 'gpt-9' }, never()));
        assert.equal(error.code, 'model_not_found');
        assert.match(error.message, /Model 'gpt-9' was not found/);
        assert.equal(server.requests.length, 1);
      });

      it('maps 400 context_length_exceeded', async () => {
        server.script(faults.contextLengthExceeded());
        const { error } = await collectFailure(clientFor(server, { api }).streamChat(userRequest('hi'), never()));
        assert.equal(error.code, 'context_length_exceeded');
        assert.equal(error.retryable, false);
        assert.equal(server.requests.length, 1);
      });

      it('maps other 400s to bad_request with the server detail, redacted', async () => {
        server.script({
          kind: 'http_error',
          status: 400,
          body: { error: { message: `Invalid 'temperature' for key ${testApiKey}`, type: 'invalid_request_error', code: null } },
        });
        const { error } = await collectFailure(clientFor(server, { api }).streamChat(userRequest('hi'), never()));
        assert.equal(error.code, 'bad_request');
        assert.match(error.message, /Invalid 'temperature'/);
        assert.ok(!error.message.includes(testApiKey));
      });

      it('maps 403 to permission_denied', async () => {
        server.script({ kind: 'http_error', status: 403 });
        const { error } = await collectFailure(clientFor(server, { api }).streamChat(userRequest('hi'), never()));
        assert.equal(error.code, 'permission_denied');
      });

      it('reports network_error when nothing listens', async () => {
        const gone = await startFakeModelServer();
        await gone.close();
        const { events, error } = await collectFailure(
          clientFor(gone, { api, retry: { maxRetries: 1, baseDelayMs: 1 } }).streamChat(userRequest('hi'), never()),
        );
        assert.equal(error.code, 'network_error');
        assert.equal(retriesIn(events).length, 1);
      });
    });

    describe('cancellation', () => {
      it('cancels mid-stream within a second and closes the connection', async () => {
        server.script({ kind: 'stall', text: 'partial answer then nothing', afterChunks: 2 });
        const controller = new AbortController();
        const events: ChatStreamEvent[] = [];
        let cancelledAt = 0;
        const failure = await (async () => {
          try {
            for await (const event of clientFor(server, { api, idleTimeoutMs: 30_000 }).streamChat(userRequest('hi'), controller.signal)) {
              events.push(event);
              if (events.length === 2) {
                cancelledAt = Date.now();
                controller.abort();
              }
            }
          } catch (error) {
            return error as { code?: string };
          }
          return undefined;
        })();
        const took = Date.now() - cancelledAt;
        assert.equal(failure?.code, 'cancelled');
        assert.ok(took < 1_000, `cancel took ${took} ms`);
        assert.equal(textOf(events), 'partial answer');
        assert.equal(await server.requests[0].ended, 'client_closed');
      });

      it('cancels a backoff wait at once', async () => {
        server.script(faults.rateLimited({ seconds: 30 }));
        const controller = new AbortController();
        let cancelledAt = 0;
        const { events, error } = await collectFailure(
          (async function* () {
            for await (const event of clientFor(server, { api }).streamChat(userRequest('hi'), controller.signal)) {
              yield event;
              if (event.type === 'retry') {
                cancelledAt = Date.now();
                controller.abort();
              }
            }
          })(),
        );
        assert.equal(error.code, 'cancelled');
        assert.equal(retriesIn(events)[0].delayMs, 30_000);
        assert.ok(Date.now() - cancelledAt < 1_000);
        assert.equal(server.requests.length, 1);
      });

      it('does not call the server when already cancelled', async () => {
        const controller = new AbortController();
        controller.abort();
        const { error } = await collectFailure(clientFor(server, { api }).streamChat(userRequest('hi'), controller.signal));
        assert.equal(error.code, 'cancelled');
        assert.equal(server.requests.length, 0);
      });
    });
  });
}
