// After VS Code's DisposableStore (src/vs/base/common/lifecycle.ts), without importing vscode: whatever has a
// synchronous `dispose()` (a vscode.Disposable, an Emitter, a subscription) can be added.

import type { Disposable } from './emitter';

/**
 * A group of resources released together: `add` each one where it is created, `dispose` the store once. Adding to a
 * store that is already disposed disposes the newcomer at once, so a subscription made late cannot leak.
 */
export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  /** Whether `dispose` has run; the store then keeps nothing. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Keeps `item` until the store is disposed (disposes it now when the store already is); returns it for chaining. */
  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.add(item);
    return item;
  }

  /** Disposes everything added so far and keeps the store usable (for a group that is replaced, not ended). */
  clear(): void {
    const items = [...this.items];
    this.items.clear();
    disposeAll(items);
  }

  /** Disposes everything added, in the order added, and every later addition; running it again does nothing. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clear();
  }
}

/** Disposes each item even when an earlier one throws, then rethrows (all of the errors when several threw). */
function disposeAll(items: readonly Disposable[]): void {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      item.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} resources failed to dispose.`);
}
