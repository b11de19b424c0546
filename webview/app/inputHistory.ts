const MAX_ENTRIES = 50;

/**
 * What the user sent from this composer, for Up and Down as in a terminal or Copilot Chat: Up in an empty input
 * recalls the last message, Up again the one before; Down goes back towards the newest and then to an empty input.
 * Browsing goes on only while the input still holds the recalled text: once edited, Up and Down move the caret.
 */
export class InputHistory {
  /** Oldest first. */
  private entries: string[];
  /** The entry shown, counted from the newest (0); undefined when not browsing. */
  private shown: number | undefined;

  constructor(
    saved: readonly string[],
    private readonly save: (entries: string[]) => void,
    /** What to recall when nothing was sent from here yet: the last message of yours in the thread shown. */
    private readonly fallback: () => string | undefined = () => undefined,
  ) {
    this.entries = saved.slice(-MAX_ENTRIES);
  }

  add(text: string): void {
    this.entries = [...this.entries.filter((entry) => entry !== text), text].slice(-MAX_ENTRIES);
    this.shown = undefined;
    this.save(this.entries);
  }

  /** The text Up shows for the input's current `value`, or undefined when Up should do what it normally does. */
  older(value: string): string | undefined {
    const entries = this.withFallback();
    if (value === '') this.shown = undefined;
    else if (this.shown === undefined || entries[entries.length - 1 - this.shown] !== value) return undefined;
    const next = this.shown === undefined ? 0 : this.shown + 1;
    if (next >= entries.length) return undefined;
    this.shown = next;
    return entries[entries.length - 1 - next];
  }

  /** The text Down shows, or undefined when Down should do what it normally does. */
  newer(value: string): string | undefined {
    const entries = this.withFallback();
    if (this.shown === undefined || entries[entries.length - 1 - this.shown] !== value) return undefined;
    this.shown = this.shown === 0 ? undefined : this.shown - 1;
    return this.shown === undefined ? '' : entries[entries.length - 1 - this.shown];
  }

  private withFallback(): string[] {
    if (this.entries.length > 0) return this.entries;
    const last = this.fallback();
    return last ? [last] : [];
  }
}
