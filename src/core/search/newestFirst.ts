// Merges each thread's matches into one newest-first stream without sorting them all: a query for common words
// matches thousands of messages per thread, of which only the newest few dozen are ever read.

import type { ThreadPostings } from './threadPostings';

/** One matching message: its thread's postings and its ordinal there. */
export interface Candidate {
  postings: ThreadPostings;
  ordinal: number;
}

interface Cursor {
  postings: ThreadPostings;
  /** The thread's matching ordinals, ascending. */
  ordinals: number[];
  /** Index into `ordinals` of the next candidate (walking down from the end). */
  at: number;
}

/**
 * Takes candidates newest first across threads (by created_at, then ordinal). Within a thread a later ordinal is
 * taken as the newer message: messages are appended in time order, so a thread's newest matches are its last ones.
 */
export class NewestFirstCandidates {
  private readonly heap: Cursor[] = [];

  constructor(matches: Iterable<{ postings: ThreadPostings; ordinals: number[] }>) {
    for (const { postings, ordinals } of matches) if (ordinals.length) this.heap.push({ postings, ordinals, at: ordinals.length - 1 });
    for (let i = (this.heap.length >>> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** Up to `count` more candidates, newest first. */
  take(count: number): Candidate[] {
    const out: Candidate[] = [];
    while (out.length < count && this.heap.length) {
      const top = this.heap[0];
      out.push({ postings: top.postings, ordinal: top.ordinals[top.at] });
      if (--top.at < 0) {
        const last = this.heap.pop()!;
        if (this.heap.length) this.heap[0] = last;
      }
      if (this.heap.length) this.siftDown(0);
    }
    return out;
  }

  private newer(a: Cursor, b: Cursor): boolean {
    const createdA = a.postings.created[a.ordinals[a.at]];
    const createdB = b.postings.created[b.ordinals[b.at]];
    return createdA > createdB || (createdA === createdB && a.ordinals[a.at] > b.ordinals[b.at]);
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let newest = index;
      if (left < heap.length && this.newer(heap[left], heap[newest])) newest = left;
      if (right < heap.length && this.newer(heap[right], heap[newest])) newest = right;
      if (newest === index) return;
      [heap[index], heap[newest]] = [heap[newest], heap[index]];
      index = newest;
    }
  }
}
