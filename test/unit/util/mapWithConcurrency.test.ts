import * as assert from 'node:assert/strict';
import { mapWithConcurrency } from '../../../src/core/util/mapWithConcurrency';

/** A call the test settles by hand, to see how many are in flight at once. */
interface Pending {
  item: number;
  settle(): void;
}

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` calls in flight and returns the results in the order of the items', async () => {
    const pending: Pending[] = [];
    let inFlight = 0;
    let most = 0;
    const done = mapWithConcurrency([1, 2, 3, 4, 5], 2, (item) => {
      inFlight++;
      most = Math.max(most, inFlight);
      return new Promise<number>((resolve) =>
        pending.push({
          item,
          settle: () => {
            inFlight--;
            resolve(item * 10);
          },
        }),
      );
    });
    // Settle the newest call first each time, so results come back out of order.
    while (pending.length > 0 || inFlight > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      pending.pop()?.settle();
    }
    assert.deepEqual(await done, [10, 20, 30, 40, 50]);
    assert.equal(most, 2);
  });

  it('returns an empty list for no items without calling fn', async () => {
    let calls = 0;
    assert.deepEqual(
      await mapWithConcurrency([], 4, () => {
        calls++;
        return Promise.resolve(0);
      }),
      [],
    );
    assert.equal(calls, 0);
  });

  it('rejects with the first failure', async () => {
    await assert.rejects(
      mapWithConcurrency([1, 2, 3], 2, (item) => (item === 2 ? Promise.reject(new Error('two')) : Promise.resolve(item))),
      /two/,
    );
  });
});
