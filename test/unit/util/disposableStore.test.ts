import * as assert from 'node:assert/strict';
import { DisposableStore } from '../../../src/core/util/disposableStore';
import { Emitter } from '../../../src/core/util/emitter';

/** A resource that records when it is released. */
function resource(name: string, log: string[]): { dispose(): void } {
  return { dispose: () => log.push(name) };
}

describe('DisposableStore', () => {
  it('releases everything added, in the order added, once', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(resource('a', log));
    store.add(resource('b', log));
    assert.equal(store.isDisposed, false);
    store.dispose();
    store.dispose();
    assert.deepEqual(log, ['a', 'b']);
    assert.equal(store.isDisposed, true);
  });

  it('releases at once what is added after it was disposed, so a late subscription cannot leak', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const store = new DisposableStore();
    store.dispose();
    const subscription = emitter.event((value) => seen.push(value));
    assert.equal(store.add(subscription), subscription, 'add returns what it was given');
    emitter.fire(1);
    assert.deepEqual(seen, []);
  });

  it('stops listeners it holds', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const store = new DisposableStore();
    store.add(emitter.event((value) => seen.push(value)));
    emitter.fire(1);
    store.dispose();
    emitter.fire(2);
    assert.deepEqual(seen, [1]);
  });

  it('clears a group and stays usable for the next one', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(resource('first', log));
    store.clear();
    store.add(resource('second', log));
    assert.deepEqual(log, ['first']);
    assert.equal(store.isDisposed, false);
    store.dispose();
    assert.deepEqual(log, ['first', 'second']);
  });

  it('releases the rest when one throws, then reports the failure', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(resource('a', log));
    store.add({
      dispose: () => {
        throw new Error('broken');
      },
    });
    store.add(resource('c', log));
    assert.throws(() => store.dispose(), /broken/);
    assert.deepEqual(log, ['a', 'c']);
  });

  it('reports every failure when several throw', () => {
    const store = new DisposableStore();
    for (const name of ['x', 'y'])
      store.add({
        dispose: () => {
          throw new Error(name);
        },
      });
    assert.throws(
      () => store.dispose(),
      (error: unknown) => error instanceof AggregateError && error.errors.map((e: Error) => e.message).join() === 'x,y',
    );
  });
});
