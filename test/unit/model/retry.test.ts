import { strict as assert } from 'node:assert';
import { abortableDelay, parseRetryAfterMs, retryDelayMs, type RetryPolicy } from '../../../src/core/model/retry';
import { ModelError } from '../../../src/core/model/types';

const policy: RetryPolicy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 300, maxRetryAfterMs: 1_000 };
const serverError = new ModelError('server_error', 'boom', true, 500);

describe('retry policy', () => {
  it('reads retry-after-ms, Retry-After seconds and Retry-After dates', () => {
    assert.equal(parseRetryAfterMs(new Headers({ 'retry-after-ms': '250' })), 250);
    assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': '2' })), 2_000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now), 3_000);
    assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': 'soon' })), undefined);
    assert.equal(parseRetryAfterMs(new Headers()), undefined);
  });

  it('backs off exponentially with full jitter up to the ceiling', () => {
    assert.equal(
      retryDelayMs(serverError, 1, policy, () => 0.5),
      50,
    );
    assert.equal(
      retryDelayMs(serverError, 2, policy, () => 0.5),
      100,
    );
    assert.equal(
      retryDelayMs(serverError, 3, policy, () => 0.5),
      150,
    );
    assert.equal(
      retryDelayMs(serverError, 3, policy, () => 0),
      0,
    );
  });

  it('stops after maxRetries and never retries non-retryable errors', () => {
    assert.equal(retryDelayMs(serverError, 4, policy), undefined);
    assert.equal(retryDelayMs(new ModelError('invalid_api_key', 'no', false, 401), 1, policy), undefined);
  });

  it('honours the server wait, but not one longer than maxRetryAfterMs', () => {
    const asked = (ms: number): ModelError => new ModelError('rate_limit_exceeded', 'slow down', true, 429, ms);
    assert.equal(retryDelayMs(asked(700), 1, policy), 700);
    assert.equal(retryDelayMs(asked(5_000), 1, policy), undefined);
  });

  it('ends a delay with cancelled as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = abortableDelay(60_000, controller.signal);
    controller.abort();
    await assert.rejects(waiting, (error: unknown) => error instanceof ModelError && error.code === 'cancelled');
  });
});
