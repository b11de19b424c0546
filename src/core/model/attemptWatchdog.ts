// Gives up on an attempt when the server goes quiet. A stream can deliver tens of thousands of
// chunks, so instead of re-creating a timer per chunk this keeps one timer and a moving deadline.

import { performance } from 'node:perf_hooks';

export type Interruption = 'first_byte' | 'idle';

/** Calls `onExpire` once the server has been silent past the current deadline. */
export class AttemptWatchdog {
  /** Set when the watchdog fired, so the caller can tell a timeout from other aborts. */
  interruption: Interruption | undefined;
  private timer: NodeJS.Timeout | undefined;
  private kind: Interruption = 'first_byte';
  private windowMs = 0;
  private deadline = 0;
  private paused = false;

  constructor(private readonly onExpire: () => void) {}

  /** Starts waiting for `kind` of server activity, at most `windowMs`. */
  expect(kind: Interruption, windowMs: number): void {
    this.kind = kind;
    this.windowMs = windowMs;
    this.heard();
    clearTimeout(this.timer);
    this.schedule(windowMs);
  }

  /** The server sent something: the window starts again. */
  heard(): void {
    this.paused = false;
    this.deadline = performance.now() + this.windowMs;
  }

  /** The consumer is handling events; time spent there is not the server's silence. */
  pause(): void {
    this.paused = true;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(this.check, ms);
  }

  private readonly check = (): void => {
    if (this.paused) return this.schedule(this.windowMs);
    const left = this.deadline - performance.now();
    if (left > 0) return this.schedule(left);
    this.timer = undefined;
    this.interruption = this.kind;
    this.onExpire();
  };
}
