// Search across threads: one ThreadPostings per thread, kept in memory, updated from ThreadStore events and saved
// beside the logs as `<storage>/search/<threadId>.json`. The index is a cache: a missing, unreadable or stale file
// (fewer messages indexed than the thread has) is caught up from the store or rebuilt, never trusted blindly.
// Every change goes through one queue, so events that arrive while a thread is being (re)built wait for it.
//
// The index opens on first use (a search, a filter, or an edit it must record), not at activation: reading a
// million messages' postings is a second of work, done a thread per task so the extension host stays responsive.
// While it is closed, appends need no work: opening compares each thread's saved count with the store's and reads
// what is missing. Only an edit of a message the saved index may hold opens it, since counts cannot reveal edits.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isValidId } from '../domain/ids';
import type { Message } from '../domain/message';
import { searchableText } from './searchableText';
import { atomicWrite } from '../store/atomicWrite';
import type { ThreadStore } from '../store/threadStore';
import type { Disposable } from '../util/emitter';
import { type Logger, silentLogger } from '../util/logger';
import { type Candidate, NewestFirstCandidates } from './newestFirst';
import { matchIn, parseQuery, type SearchQuery, snippetAround } from './searchTerms';
import { POSTINGS_FORMAT_VERSION, ThreadPostings, type ThreadPostingsFile } from './threadPostings';
import { errnoCode, errorMessage } from '../util/errors';

/** One message that matches a search. */
export interface SearchHit {
  threadId: string;
  messageId: string;
  role: Message['role'];
  /** About 120 characters of the message around the match, on one line. */
  snippet: string;
  /** Where the match is in `snippet`, as [start, end). */
  highlight: [number, number];
  created_at: number;
}

export interface SearchIndexOptions {
  /** The storage folder; the index lives in `<root>/search/`. */
  root: string;
  store: ThreadStore;
  logger?: Logger;
  /** How long changes wait before they are saved, so a streaming run writes the index once. Default 2 s. */
  saveDelayMs?: number;
}

const DEFAULT_LIMIT = 50;

/** An incremental inverted index of every thread's message text. */
export class SearchIndex implements Disposable {
  private readonly threads = new Map<string, ThreadPostings>();
  /** Messages appended while the index was closed: opening reads them from the store, so their edits need no opening. */
  private readonly appendedWhileClosed = new Set<string>();
  private readonly dirty = new Set<string>();
  /** Threads whose postings are being rebuilt because a query found their ordinals off. */
  private readonly rebuilding = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private ready: Promise<void> | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private readonly subscriptions: Disposable[];
  private readonly folder: string;
  private readonly logger: Logger;

  constructor(private readonly options: SearchIndexOptions) {
    this.folder = join(options.root, 'search');
    this.logger = options.logger ?? silentLogger;
    const { store } = options;
    // enqueue() reports its tasks' failures to the log, so the events' listeners need not wait for them.
    this.subscriptions = [
      store.onDidAppendMessage(({ threadId, messages, firstOrdinal }) => {
        if (!this.ready) for (const message of messages) this.appendedWhileClosed.add(message.id);
        else void this.enqueue(() => this.indexAppended(threadId, messages, firstOrdinal)); // enqueue() logs a failure
      }),
      store.onDidUpdateMessage(({ threadId, message }) => {
        if (!this.ready && this.appendedWhileClosed.has(message.id)) return;
        void this.open(); // the queue below runs after the opening; a failed opening is logged by enqueue()
        void this.enqueue(() => this.indexUpdated(threadId, message));
      }),
      store.onDidChangeThreads(({ threadId, type, grewOutside }) => {
        if (type === 'deleted')
          void this.enqueue(() => this.forget(threadId)); // enqueue() logs a failure
        // A merged thread carries no messages in its event: read what came in (an index not open yet reads it on opening).
        else if (grewOutside && this.ready) void this.enqueue(() => this.indexGrown(threadId));
        // A thread that arrives with its messages (a restore) is read in; a closed index does so when it opens.
        else if (type === 'created' && this.ready) void this.enqueue(() => this.indexArrived(threadId));
      }),
    ];
  }

  /**
   * Loads the saved index and brings every thread up to date with the store (once; later calls wait for it).
   * Searches open it themselves; call it only to have it ready ahead of the first search.
   */
  open(): Promise<void> {
    this.ready ??= this.enqueue(() => this.loadAll());
    return this.ready;
  }

  /** Messages matching every word of `text` (the last word as a prefix), newest first, at most `limit`. */
  async search(text: string, limit = DEFAULT_LIMIT): Promise<SearchHit[]> {
    await this.open();
    await this.queue; // changes already announced are searchable
    const query = parseQuery(text);
    if (!query) return [];
    const candidates = new NewestFirstCandidates(
      [...this.threads.values()].map((postings) => ({ postings, ordinals: matchesOf(postings, query) })),
    );
    // Candidates are read a batch at a time until enough are confirmed against the messages' current text (an edit
    // since indexing can drop one).
    const hits: SearchHit[] = [];
    for (let batch = candidates.take(limit); batch.length && hits.length < limit; batch = candidates.take(limit - hits.length)) {
      const messages = await this.readCandidates(batch);
      for (const candidate of batch) {
        const message = messages.get(candidate.postings.idAt(candidate.ordinal)!);
        const hit = message && toHit(candidate.postings.threadId, message, query);
        if (hit) hits.push(hit);
      }
    }
    return hits;
  }

  /** The thread ids with at least one match (for filtering the tree). */
  async threadsMatching(text: string): Promise<Set<string>> {
    await this.open();
    await this.queue;
    const query = parseQuery(text);
    const matching = new Set<string>();
    if (!query) return matching;
    for (const postings of this.threads.values()) if (matchesOf(postings, query).length) matching.add(postings.threadId);
    return matching;
  }

  /** Writes every changed thread's index now. */
  flush(): Promise<void> {
    return this.enqueue(() => this.saveDirty());
  }

  /** Stops listening and saves what changed. */
  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    // Disposal cannot wait; the write finishes on its own and a failure is logged.
    void this.flush().catch((error: unknown) => this.logger.warn(`Could not save the search index: ${String(error)}`));
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch((error: unknown) => this.logger.warn(`Search index: ${errorMessage(error)}`));
    return run;
  }

  private async loadAll(): Promise<void> {
    await fs.mkdir(this.folder, { recursive: true });
    const threads = await this.options.store.list();
    const live = new Set(threads.map((thread) => thread.id));
    for (const name of await fs.readdir(this.folder)) {
      const threadId = name.replace(/\.json$/, '');
      if (name.endsWith('.json') && !live.has(threadId)) await fs.rm(join(this.folder, name), { force: true });
    }
    // One thread per task: each awaits its file, so the event loop runs between threads.
    for (const thread of threads) {
      const saved = await this.readSaved(thread.id);
      const postings = saved?.postings ?? new ThreadPostings(thread.id);
      this.adopt(postings, saved?.current !== true);
      if (postings.count !== thread.message_count) await this.catchUp(postings);
    }
    this.appendedWhileClosed.clear();
    await this.saveDirty();
  }

  /** The thread's saved postings, and whether they are in the current format (else they are rewritten). */
  private async readSaved(threadId: string): Promise<{ postings: ThreadPostings; current: boolean } | undefined> {
    try {
      const file = JSON.parse(await fs.readFile(this.fileOf(threadId), 'utf8')) as ThreadPostingsFile;
      const postings = ThreadPostings.fromFile(file, threadId);
      if (!postings) this.logger.info(`Search index of ${threadId} is from another version; rebuilding it.`);
      return postings && { postings, current: file.version === POSTINGS_FORMAT_VERSION };
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') this.logger.warn(`Search index of ${threadId} is unreadable; rebuilding it.`);
      return undefined;
    }
  }

  /**
   * Indexes the messages the store has beyond what `postings` holds, reading newest first down to the last indexed
   * message (reads by position cost the same anywhere in a thread; cursor look-ups far from the end do not).
   * When that message is not in the thread, the saved index belongs to another history and is rebuilt.
   */
  private async catchUp(postings: ThreadPostings): Promise<void> {
    const lastIndexed = postings.idAt(postings.count - 1);
    const missing: Message[] = [];
    let found = lastIndexed === undefined;
    for await (const message of this.options.store.messagesNewestFirst(postings.threadId, 1_000)) {
      if (message.id === lastIndexed) {
        found = true;
        break;
      }
      missing.push(message);
    }
    const target = found ? postings : this.rebuildFrom(postings);
    target.append(missing.reverse());
    this.dirty.add(target.threadId);
  }

  private async indexArrived(threadId: string): Promise<void> {
    if (this.threads.has(threadId) || !isValidId('thread', threadId)) return;
    const postings = new ThreadPostings(threadId);
    this.adopt(postings);
    await this.catchUp(postings);
    this.markDirty(threadId);
  }

  private async rebuild(threadId: string): Promise<void> {
    const stale = this.threads.get(threadId);
    if (!stale) return; // deleted meanwhile
    const fresh = this.rebuildFrom(stale);
    await this.catchUp(fresh);
    this.markDirty(threadId);
  }

  private rebuildFrom(stale: ThreadPostings): ThreadPostings {
    this.logger.info(`Search index of ${stale.threadId} does not match the thread; rebuilding it.`);
    const fresh = new ThreadPostings(stale.threadId);
    this.adopt(fresh);
    return fresh;
  }

  /**
   * Indexes messages appended at `firstOrdinal`. Ordinals must match the thread's: messages another window appended
   * in between (a gap) are read from the store first, and messages a catch-up already holds (an overlap) are skipped.
   */
  private async indexAppended(threadId: string, messages: Message[], firstOrdinal: number): Promise<void> {
    if (!isValidId('thread', threadId)) return;
    const postings = this.threads.get(threadId);
    if (!postings) {
      const fresh = new ThreadPostings(threadId);
      this.adopt(fresh);
      await this.catchUp(fresh);
      return this.markDirty(threadId);
    }
    if (firstOrdinal > postings.count) {
      const gap = Array.from({ length: firstOrdinal - postings.count }, (_, i) => postings.count + i);
      const missing = await this.options.store.readMessagesAt(threadId, gap);
      if (missing.some((message) => !message)) {
        await this.catchUp(postings); // unreadable records: let the catch-up sort it out
        return this.markDirty(threadId);
      }
      postings.append(missing as Message[]);
    }
    postings.append(messages.slice(postings.count - firstOrdinal));
    this.markDirty(threadId);
  }

  private async indexGrown(threadId: string): Promise<void> {
    if (!isValidId('thread', threadId)) return;
    let postings = this.threads.get(threadId);
    if (!postings) {
      postings = new ThreadPostings(threadId);
      this.adopt(postings);
    }
    await this.catchUp(postings);
    this.markDirty(threadId);
  }

  private async indexUpdated(threadId: string, message: Message): Promise<void> {
    if (this.threads.get(threadId)?.update(message)) this.markDirty(threadId);
  }

  private async forget(threadId: string): Promise<void> {
    this.threads.delete(threadId);
    this.dirty.delete(threadId);
    if (isValidId('thread', threadId)) await fs.rm(this.fileOf(threadId), { force: true });
  }

  /**
   * The candidates' messages by id, read by the ordinals the postings hold: one batched read per thread, however far
   * from the end. Where the message at an ordinal is not the indexed one, the indexed id is looked up instead, so a
   * wrong ordinal costs a slower read, never a wrong or a lost hit.
   */
  private async readCandidates(batch: Candidate[]): Promise<Map<string, Message>> {
    const byThread = new Map<string, { postings: ThreadPostings; ordinals: number[] }>();
    for (const { ordinal, postings } of batch) {
      const entry = byThread.get(postings.threadId) ?? { postings, ordinals: [] };
      entry.ordinals.push(ordinal);
      byThread.set(postings.threadId, entry);
    }
    const found = new Map<string, Message>();
    await Promise.all(
      [...byThread.entries()].map(async ([threadId, { postings, ordinals }]) => {
        const messages = await this.options.store.readMessagesAt(threadId, ordinals).catch(() => []); // deleted since it was indexed
        const misplaced: string[] = [];
        ordinals.forEach((ordinal, i) => {
          const message = messages[i];
          if (message && message.id === postings.idAt(ordinal)) found.set(message.id, message);
          else misplaced.push(postings.idAt(ordinal)!);
        });
        // Not where the index says (a record it could not read, or a history it does not describe): look it up by id.
        let moved = false;
        for (const id of misplaced) {
          const message = await this.options.store.getMessage(threadId, id).catch(() => undefined);
          if (message) found.set(id, message);
          moved ||= message !== undefined;
        }
        // A message found at another position means the thread's ordinals are off: rebuild them once, in the queue.
        if (moved && !this.rebuilding.has(threadId)) {
          this.rebuilding.add(threadId);
          // Not awaited: the search answers now, with what it found by id; enqueue() logs a failed rebuild.
          const done = (): boolean => this.rebuilding.delete(threadId);
          void this.enqueue(() => this.rebuild(threadId)).then(done, done);
        }
      }),
    );
    return found;
  }

  private adopt(postings: ThreadPostings, unsaved = true): void {
    this.threads.set(postings.threadId, postings);
    if (unsaved) this.dirty.add(postings.threadId);
  }

  private markDirty(threadId: string): void {
    this.dirty.add(threadId);
    if (this.saveTimer || this.options.saveDelayMs === 0) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.flush(); // enqueue() logs a failed save; the next change schedules another
    }, this.options.saveDelayMs ?? 2_000);
    this.saveTimer.unref?.();
  }

  private async saveDirty(): Promise<void> {
    const threadIds = [...this.dirty];
    this.dirty.clear();
    for (const threadId of threadIds) {
      const postings = this.threads.get(threadId);
      if (postings) await atomicWrite(this.fileOf(threadId), JSON.stringify(postings.toFile()));
    }
  }

  private fileOf(threadId: string): string {
    return join(this.folder, `${threadId}.json`);
  }
}

function toHit(threadId: string, message: Message, query: SearchQuery): SearchHit | undefined {
  const text = searchableText(message);
  const at = matchIn(text, query);
  if (!at) return undefined;
  const snippet = snippetAround(text, at);
  return {
    threadId,
    messageId: message.id,
    role: message.role,
    snippet: snippet.text,
    highlight: snippet.highlight,
    created_at: message.created_at,
  };
}

function matchesOf(postings: ThreadPostings, query: SearchQuery): number[] {
  return postings.match(query.words, postings.termsStartingWith(query.prefix));
}
