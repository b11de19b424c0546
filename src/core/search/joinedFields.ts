// Random access into a long string of fields joined by one separator, without splitting it: a saved index holds
// tens of thousands of fields per thread, and splitting them all at open would allocate millions of small strings
// for the few a query ever reads.

/** The fields of `text` joined by `separator` (one character); '' has none. */
export class JoinedFields {
  private starts: Uint32Array | undefined;

  constructor(
    readonly text: string,
    private readonly separator: string,
  ) {}

  /** How many fields there are. */
  get length(): number {
    return this.offsets().length - 1;
  }

  /** The field at `index`, or undefined past the end. */
  get(index: number): string | undefined {
    if (index < 0 || index >= this.length) return undefined;
    const starts = this.offsets();
    return this.text.slice(starts[index], starts[index + 1] - 1);
  }

  /** Where field `index` starts and ends (exclusive) in `text`. */
  range(index: number): [number, number] {
    const starts = this.offsets();
    return [starts[index], starts[index + 1] - 1];
  }

  /** Every field, as an array (for when all of them are needed anyway). */
  toArray(): string[] {
    return this.text ? this.text.split(this.separator) : [];
  }

  /** Field starts, plus one past the end, so field i is [starts[i], starts[i + 1] - 1). */
  private offsets(): Uint32Array {
    if (this.starts) return this.starts;
    const { text, separator } = this;
    const found: number[] = text ? [0] : [];
    for (let at = text.indexOf(separator); at !== -1; at = text.indexOf(separator, at + 1)) found.push(at + 1);
    found.push(text.length + 1);
    const starts = new Uint32Array(found);
    this.starts = starts;
    return starts;
  }
}
