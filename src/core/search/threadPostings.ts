// The search index of one thread: for each term, the ordinals (0 = oldest) of the messages that contain it, plus
// each ordinal's message id and created_at. Ordinals are small integers, so postings delta-encode to a few
// characters per entry when persisted. Postings only ever grow: an edited message adds its new terms and keeps the
// old ones, and queries verify every candidate against the message's current text, so a stale term costs a
// wasted read, never a wrong hit.
//
// Opening must be cheap at a million messages, so a saved thread is kept as it was read: its sorted terms, their
// encoded lists, the ids and created_at stay the joined strings of the file (see joinedFields.ts). A list is decoded
// when a query or an append first touches it; terms new since the file was read are kept apart until it is saved.

import type { Message } from '../domain/message';
import { searchableText } from './searchableText';
import { termsOf } from './searchTerms';
import { lowerBound } from '../util/lowerBound';
import { JoinedFields } from './joinedFields';

/** The persisted form of one thread's postings (format version 2). Terms hold no spaces (see searchTerms.ts). */
export interface ThreadPostingsFile {
  version: 2;
  threadId: string;
  count: number;
  /** Message ids by ordinal, joined by spaces. */
  ids: string;
  /** created_at by ordinal, delta-encoded in base 36, joined by commas. */
  created: string;
  /** Every term, in ascending order, joined by spaces. */
  terms: string;
  /** Each term's ordinals (in the order of `terms`), delta-encoded in base 36 joined by commas; lists joined by spaces. */
  postings: string;
}

/** Version 1 kept postings as an object keyed by term, slow to parse at scale; it is still read (and saved as 2). */
interface ThreadPostingsFileV1 {
  version: 1;
  threadId: string;
  count: number;
  ids: string;
  created: string;
  postings: Record<string, string>;
}

export const POSTINGS_FORMAT_VERSION = 2;
/** New terms scanned linearly before they are merged into the sorted new terms (a merge is linear, a sort is not). */
const MAX_UNSORTED_TERMS = 4_096;
const NO_FIELDS = new JoinedFields('', ' ');

/** One thread's inverted index, kept in memory and saved as one small JSON file. */
export class ThreadPostings {
  /** What the file said; `idList` and `createdList` take over once they are first needed as arrays. */
  private savedCount = 0;
  private savedIds = NO_FIELDS;
  private savedCreated = '';
  private idList: string[] | undefined;
  private createdList: number[] | undefined;
  /** The file's terms, ascending, and their encoded lists in the same order (unless `lists` holds one decoded). */
  private savedTerms = NO_FIELDS;
  private savedLists = NO_FIELDS;
  /** Terms not in the file: those merged so far (ascending), and the newest ones in the order they were seen. */
  private addedTerms: string[] = [];
  private unsortedTerms: string[] = [];
  /** Decoded lists: every saved list touched since the file was read, and every new term's. */
  private readonly lists = new Map<string, number[]>();
  private ordinals: Map<string, number> | undefined;

  constructor(readonly threadId: string) {}

  /** How many messages are indexed (the next ordinal). */
  get count(): number {
    return this.idList?.length ?? this.savedCount;
  }

  /** The id of the message at `ordinal`. */
  idAt(ordinal: number): string | undefined {
    return this.idList ? this.idList[ordinal] : this.savedIds.get(ordinal);
  }

  /** created_at by ordinal. */
  get created(): readonly number[] {
    return (this.createdList ??= decodeDeltas(this.savedCreated));
  }

  /** Indexes messages appended at the end of the thread. */
  append(messages: readonly Message[]): void {
    const ids = (this.idList ??= this.savedIds.toArray());
    const created = (this.createdList ??= decodeDeltas(this.savedCreated));
    for (const message of messages) {
      const ordinal = ids.length;
      ids.push(message.id);
      created.push(message.created_at);
      this.ordinals?.set(message.id, ordinal);
      this.addTerms(ordinal, searchableText(message));
    }
  }

  /** Indexes the new text of an already indexed message; false when the message is not indexed here. */
  update(message: Message): boolean {
    const ordinal = this.ordinalOf(message.id);
    if (ordinal === undefined) return false;
    this.addTerms(ordinal, searchableText(message));
    return true;
  }

  /** This thread's terms that start with `prefix`. */
  termsStartingWith(prefix: string): string[] {
    const out: string[] = [];
    const saved = this.savedTerms;
    for (let i = this.savedLowerBound(prefix), term = saved.get(i); term?.startsWith(prefix); term = saved.get(++i)) out.push(term);
    const added = this.addedTerms;
    for (let i = lowerBound(added, prefix); i < added.length && added[i].startsWith(prefix); i++) out.push(added[i]);
    for (const term of this.unsortedTerms) if (term.startsWith(prefix)) out.push(term);
    return out;
  }

  /** The ordinals holding every term of `all` and at least one of `any`, ascending. */
  match(all: readonly string[], any: readonly string[]): number[] {
    const lists: number[][] = [];
    for (const term of all) {
      const list = this.listOf(term);
      if (!list) return [];
      lists.push(list);
    }
    const union = unionOf(any.map((term) => this.listOf(term)).filter((list): list is number[] => list !== undefined));
    if (!union.length) return [];
    lists.push(union);
    lists.sort((a, b) => a.length - b.length);
    return lists.reduce(intersect);
  }

  /** The persisted form. Lists nobody touched are written back as they were read. */
  toFile(): ThreadPostingsFile {
    this.mergeUnsortedTerms();
    const saved = this.savedTerms.toArray();
    const added = this.addedTerms;
    const terms: string[] = [];
    const lists: string[] = [];
    for (let i = 0, j = 0; i < saved.length || j < added.length;) {
      const fromSaved = j >= added.length || (i < saved.length && saved[i] < added[j]);
      const term = fromSaved ? saved[i] : added[j];
      const decoded = this.lists.get(term);
      terms.push(term);
      lists.push(decoded ? deltaEncode(decoded) : this.savedLists.get(i)!);
      if (fromSaved) i++;
      else j++;
    }
    return {
      version: POSTINGS_FORMAT_VERSION,
      threadId: this.threadId,
      count: this.count,
      ids: this.idList ? this.idList.join(' ') : this.savedIds.text,
      created: this.createdList ? deltaEncode(this.createdList) : this.savedCreated,
      terms: terms.join(' '),
      postings: lists.join(' '),
    };
  }

  /** Reads the persisted form back (cheaply: see the top of this file); undefined when unknown or inconsistent. */
  static fromFile(file: ThreadPostingsFile | ThreadPostingsFileV1, threadId: string): ThreadPostings | undefined {
    if (file?.threadId !== threadId || !Number.isInteger(file.count) || file.count < 0) return undefined;
    if (typeof file.ids !== 'string' || typeof file.created !== 'string') return undefined;
    const index = new ThreadPostings(threadId);
    index.savedCount = file.count;
    index.savedIds = new JoinedFields(file.ids, ' ');
    index.savedCreated = file.created;
    if (index.savedIds.length !== file.count || countOf(file.created, ',', file.count) !== file.count) return undefined;
    if (file.version === 1 && typeof file.postings === 'object' && file.postings) {
      const postings = file.postings;
      const terms = Object.keys(postings).sort();
      index.savedTerms = new JoinedFields(terms.join(' '), ' ');
      index.savedLists = new JoinedFields(terms.map((term) => postings[term]).join(' '), ' ');
      return index;
    }
    if (file.version !== POSTINGS_FORMAT_VERSION || typeof file.terms !== 'string' || typeof file.postings !== 'string') return undefined;
    index.savedTerms = new JoinedFields(file.terms, ' ');
    index.savedLists = new JoinedFields(file.postings, ' ');
    return index.savedTerms.length === index.savedLists.length ? index : undefined;
  }

  private listOf(term: string): number[] | undefined {
    const decoded = this.lists.get(term);
    if (decoded) return decoded;
    const at = this.savedLowerBound(term);
    if (this.savedTerms.get(at) !== term) return undefined;
    const list = decodeDeltas(this.savedLists.text, ...this.savedLists.range(at));
    this.lists.set(term, list);
    return list;
  }

  /** The index of the first saved term not less than `value` (binary search). */
  private savedLowerBound(value: string): number {
    let low = 0;
    let high = this.savedTerms.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.savedTerms.get(mid)! < value) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private addTerms(ordinal: number, text: string): void {
    for (const term of termsOf(text)) {
      const list = this.listOf(term);
      if (!list) {
        this.lists.set(term, [ordinal]);
        this.unsortedTerms.push(term);
      } else if (list[list.length - 1] < ordinal) {
        list.push(ordinal);
      } else {
        insertSorted(list, ordinal); // an edit of an older message
      }
    }
    if (this.unsortedTerms.length > MAX_UNSORTED_TERMS) this.mergeUnsortedTerms();
  }

  private mergeUnsortedTerms(): void {
    if (!this.unsortedTerms.length) return;
    this.addedTerms = mergeSorted(this.addedTerms, this.unsortedTerms.sort());
    this.unsortedTerms = [];
  }

  private ordinalOf(messageId: string): number | undefined {
    // Built on the first edit only: appends, the common case, never need it.
    this.ordinals ??= new Map((this.idList ?? this.savedIds.toArray()).map((id, ordinal) => [id, ordinal]));
    return this.ordinals.get(messageId);
  }
}

/** Two ascending arrays as one ascending array. */
function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const out = new Array<string>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** How many `separator`-joined parts `text` has (0 for ''), counting no further than `limit + 1`. */
function countOf(text: string, separator: string, limit: number): number {
  if (!text) return 0;
  let parts = 1;
  for (let at = text.indexOf(separator); at !== -1 && parts <= limit; at = text.indexOf(separator, at + 1)) parts++;
  return parts;
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

/** Decodes `deltaEncode`'s output in text[start, end) without splitting it into strings. */
function decodeDeltas(text: string, start = 0, end = text.length): number[] {
  const out: number[] = [];
  if (start >= end) return out;
  let previous = 0;
  let value = 0;
  let sign = 1;
  for (let i = start; i <= end; i++) {
    const code = i < end ? text.charCodeAt(i) : COMMA;
    if (code === COMMA) {
      previous += sign * value;
      out.push(previous);
      value = 0;
      sign = 1;
    } else if (code === MINUS) sign = -1;
    else value = value * 36 + (code <= NINE ? code - ZERO : code - LOWER_A + 10);
  }
  return out;
}

const COMMA = 44;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
const LOWER_A = 97;
