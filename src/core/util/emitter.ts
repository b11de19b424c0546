/** Something that releases a resource (a listener, a timer) when disposed; shaped like vscode.Disposable. */
export interface Disposable {
  dispose(): void;
}

/** Subscribes a listener; shaped like vscode.Event so adapters can pass it straight through. */
export type Event<T> = (listener: (e: T) => void) => Disposable;

/** A tiny typed event emitter with the VS Code `event(listener) => { dispose }` shape, usable without 'vscode'. */
export class Emitter<T> {
  private listeners = new Set<(e: T) => void>();

  /** The subscribe function handed out to consumers. */
  readonly event: Event<T> = (listener) => {
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry = (e: T): void => listener(e);
    this.listeners.add(entry);
    return { dispose: () => this.listeners.delete(entry) };
  };

  /** Delivers `e` to every listener; a throwing listener does not stop the others. */
  fire(e: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(e);
      } catch (err) {
        // A broken listener must not break the store that fired the event; surface it asynchronously instead.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  /** Removes every listener. */
  dispose(): void {
    this.listeners.clear();
  }
}
