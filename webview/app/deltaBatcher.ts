/**
 * Collects streamed text per message and hands it over at most about once per animation frame, so a model that
 * sends thousands of deltas a second costs one re-render per frame instead of one per delta. Text that arrives
 * when no frame is pending is handed over at once (the first words of an answer do not wait for a frame); what
 * arrives after it waits for the next frame.
 */
export class DeltaBatcher {
  private pending = new Map<string, string>();
  private frameRequested = false;

  constructor(private readonly flush: (messageId: string, text: string) => void) {}

  add(messageId: string, text: string): void {
    this.pending.set(messageId, (this.pending.get(messageId) ?? '') + text);
    if (this.frameRequested) return;
    this.drain();
    this.waitForFrame();
  }

  /** Hands over everything now (e.g. before a message's final version replaces it). */
  drain(): void {
    const batch = this.pending;
    this.pending = new Map();
    for (const [messageId, text] of batch) this.flush(messageId, text);
  }

  /** Until the next frame, text is held; then what was held goes out, and the frame after that is waited for. */
  private waitForFrame(): void {
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      if (this.pending.size === 0) return;
      this.drain();
      this.waitForFrame();
    });
  }
}
