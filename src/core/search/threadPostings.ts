// The search index of one thread: for each term, the ordinals (0 = oldest) of the messages that contain it, plus
// each ordinal's message id and created_at. Ordinals are small integers, so postings delta-encode to a few
// characters per entry when persisted. Postings only ever grow: an edited message adds its new terms and keeps the
// old ones, and queries verify every candidate against the message's current text, so a stale term costs a
// wasted read, never a wrong hit.

import type { Message } from '../domain/message';
import { messageText } from '../domain/message';
import { termsOf } from './searchTerms';
import { lowerBound } from '../util/lowerBound';

/** The persisted form of one thread's postings (format version 1). */
export interface ThreadPostingsFile {
  version: 1;
  threadId: string;
  count: number;
  /** Message ids by ordinal, joined by spaces. */
  ids: string;
  /** created_at by ordinal, delta-encoded in base 36, joined by commas. */
  created: string;
  /** Term → ordinals, delta-encoded in base 36, joined by commas. */
  postings: Record<string, string>;
}

export const POSTINGS_FORMAT_VERSION = 1;

/** One thread's inverted index, kept in memory and saved as one small JSON file. */
export class ThreadPostings {
  readonly ids: string[] = [];
  readonly created: number[] = [];
  readonly postings = new Map<string, number[]>();
  private ordinals: Map<string, number> | undefined;

  constructor(readonly threadId: string) {}

  /** How many messages are indexed (the next ordinal). */
  get count(): number {
    return this.ids.length;
  }

  /** Indexes messages appended at the end of the thread; returns the terms that are new to this thread. */
  append(messages: readonly Message[], onNewTerm: (term: string) => void): void {
    for (const message of messages) {
      const ordinal = this.ids.length;
      this.ids.push(message.id);
      this.created.push(message.created_at);
      this.ordinals?.set(message.id, ordinal);
      this.addTerms(ordinal, messageText(message), onNewTerm);
    }
  }

  /** Indexes the new text of an already indexed message; false when the message is not indexed here. */
  update(message: Message, onNewTerm: (term: string) => void): boolean {
    const ordinal = this.ordinalOf(message.id);
    if (ordinal === undefined) return false;
    this.addTerms(ordinal, messageText(message), onNewTerm);
    return true;
  }

  /** The ordinals holding every term of `all` and at least one of `any`, ascending. */
  match(all: readonly string[], any: readonly string[]): number[] {
    const lists: number[][] = [];
    for (const term of all) {
      const list = this.postings.get(term);
      if (!list) return [];
      lists.push(list);
    }
    const union = unionOf(any.map((term) => this.postings.get(term)).filter((list): list is number[] => list !== undefined));
    if (!union.length) return [];
    lists.push(union);
    lists.sort((a, b) => a.length - b.length);
    return lists.reduce(intersect);
  }

  /** The persisted form. */
  toFile(): ThreadPostingsFile {
    const postings: Record<string, string> = {};
    for (const [term, list] of this.postings) postings[term] = deltaEncode(list);
    return {
      version: POSTINGS_FORMAT_VERSION,
      threadId: this.threadId,
      count: this.count,
      ids: this.ids.join(' '),
      created: deltaEncode(this.created),
      postings,
    };
  }

  /** Reads the persisted form back; undefined when it is from another version or inconsistent. */
  static fromFile(file: ThreadPostingsFile, threadId: string): ThreadPostings | undefined {
    if (file?.version !== POSTINGS_FORMAT_VERSION || file.threadId !== threadId) return undefined;
    const index = new ThreadPostings(threadId);
    if (file.count > 0) {
      index.ids.push(...file.ids.split(' '));
      index.created.push(...deltaDecode(file.created));
    }
    if (index.ids.length !== file.count || index.created.length !== file.count) return undefined;
    for (const [term, encoded] of Object.entries(file.postings)) index.postings.set(term, deltaDecode(encoded));
    return index;
  }

  private addTerms(ordinal: number, text: string, onNewTerm: (term: string) => void): void {
    for (const term of termsOf(text)) {
      const list = this.postings.get(term);
      if (!list) {
        this.postings.set(term, [ordinal]);
        onNewTerm(term);
      } else if (list[list.length - 1] < ordinal) {
        list.push(ordinal);
      } else {
        insertSorted(list, ordinal); // an edit of an older message
      }
    }
  }

  private ordinalOf(messageId: string): number | undefined {
    // Built on the first edit only: appends, the common case, never need it.
    this.ordinals ??= new Map(this.ids.map((id, ordinal) => [id, ordinal]));
    return this.ordinals.get(messageId);
  }
}

function insertSorted(list: number[], value: number): void {
  const at = lowerBound(list, value);
  if (list[at] !== value) list.splice(at, 0, value);
}

function intersect(a: number[], b: number[]): number[] {
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) {
      out.push(a[i]);
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return out;
}

function unionOf(lists: number[][]): number[] {
  if (lists.length <= 1) return lists[0] ?? [];
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

function deltaEncode(values: readonly number[]): string {
  let previous = 0;
  return values
    .map((value) => {
      const delta = value - previous;
      previous = value;
      return delta.toString(36);
    })
    .join(',');
}

function deltaDecode(text: string): number[] {
  if (!text) return [];
  let previous = 0;
  return text.split(',').map((part) => (previous += parseInt(part, 36)));
}
