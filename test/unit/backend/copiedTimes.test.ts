import * as assert from 'node:assert/strict';
import { decodeCopiedTimes, encodeCopiedTimes } from '../../../src/core/backend/foundry/agentService/copiedTimes';

describe("a copied thread's message times in conversation metadata", () => {
  it('come back as they went in, oldest first, a clock that went back read as the same second', () => {
    const times = [1_763_000_000, 1_763_000_030, 1_763_090_000, 1_763_090_000, 1_763_089_000];
    const value = encodeCopiedTimes(times);
    assert.deepEqual(decodeCopiedTimes(value), [1_763_000_000, 1_763_000_030, 1_763_090_000, 1_763_090_000, 1_763_090_000]);
  });

  it('keep within the metadata value limit, holding the oldest messages that fit', () => {
    const times = Array.from({ length: 500 }, (_, i) => 1_763_000_000 + i * 97);
    const value = encodeCopiedTimes(times);
    assert.ok(value.length <= 512, String(value.length));
    const decoded = decodeCopiedTimes(value);
    assert.ok(decoded.length > 100, `only ${decoded.length} fit`);
    assert.deepEqual(decoded, times.slice(0, decoded.length));
  });

  it('read nothing from a value this version did not write', () => {
    for (const value of [undefined, '', 'not times!', '12..4']) assert.deepEqual(decodeCopiedTimes(value), []);
  });
});
