/**
 * Collects streamed text per message and hands it over once per animation frame, so a model that sends thousands
 * of deltas a second costs one re-render per frame instead of one per delta.
 */
export class DeltaBatcher {
  private pending = new Map<string, string>();
  private scheduled = false;

  constructor(private readonly flush: (messageId: string, text: string) => void) {}

  add(messageId: string, text: string): void {
    this.pending.set(messageId, (this.pending.get(messageId) ?? '') + text);
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => this.drain());
  }

  /** Hands over everything now (e.g. before a message's final version replaces it). */
  drain(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    for (const [messageId, text] of batch) this.flush(messageId, text);
  }
}
