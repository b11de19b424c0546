import { strict as assert } from 'node:assert';
import { toApiError } from '../../../src/core/api/apiErrors';

/** The Foundry backend as the extension loads it: its own bundle, so its classes are not the ones the API imports. */
function foundryErrorsOfAnotherBundle(): typeof import('../../../src/core/backend/foundry/foundryErrors') {
  const path = require.resolve('../../../src/core/backend/foundry/foundryErrors');
  const cached = require.cache[path];
  delete require.cache[path];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second copy of the module, as a separate bundle holds
    return require(path) as typeof import('../../../src/core/backend/foundry/foundryErrors');
  } finally {
    if (cached) require.cache[path] = cached;
  }
}

describe('local agent API errors: what the Foundry service said', () => {
  const unexpected: unknown[] = [];
  const map = (error: unknown): ReturnType<typeof toApiError> => toApiError(error, (e) => unexpected.push(e));
  beforeEach(() => (unexpected.length = 0));

  it("passes the service's refusals of the request on with their status and code, from the backend's own bundle too", () => {
    const { FoundryError } = foundryErrorsOfAnotherBundle();
    const missing = map(new FoundryError('foundry_not_found', 'Foundry could not find the thread (404).', 404));
    assert.deepEqual(
      [missing.status, missing.type, missing.code, missing.message],
      [404, 'not_found_error', 'foundry_not_found', 'Foundry could not find the thread (404).'],
    );
    assert.equal(map(new FoundryError('foundry_conflict', 'Changed meanwhile.', 409)).status, 409);
    assert.equal(map(new FoundryError('foundry_rate_limited', 'Slow down.', 429)).status, 429);
    assert.deepEqual(unexpected, []);
  });

  it('answers 502 for what the extension could not do with the service (credentials, network, outage)', () => {
    const { FoundryError } = foundryErrorsOfAnotherBundle();
    for (const error of [
      new FoundryError('foundry_unauthorized', 'Foundry refused the credentials (401).', 401),
      new FoundryError('foundry_network', 'Could not reach the Foundry project.'),
      new FoundryError('foundry_unavailable', 'Unavailable (503).', 503),
    ]) {
      const mapped = map(error);
      assert.deepEqual([mapped.status, mapped.type, mapped.code], [502, 'server_error', error.code]);
    }
    assert.deepEqual(unexpected, []);
  });

  it('still reports an error that only calls itself FoundryError as unexpected', () => {
    const impostor = Object.assign(new Error('no code'), { name: 'FoundryError' });
    assert.equal(map(impostor).status, 500);
    assert.deepEqual(unexpected, [impostor]);
  });
});
