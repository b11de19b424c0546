import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { nowSeconds } from '../domain/common';
import { StoreError } from '../domain/errors';
import { assertValidId, isValidId, newId } from '../domain/ids';
import { buildMessage, type Message, type MessageInput, type MessageUpdate } from '../domain/message';
import type { Run, RunStep } from '../domain/run';
import { UNTITLED_THREAD_TITLE, type CreateThreadOptions, type Thread, type ThreadChange, type ThreadUpdate } from '../domain/thread';
import { Emitter } from '../util/emitter';
import { mapWithConcurrency } from '../util/mapWithConcurrency';
import { type Logger, silentLogger } from '../util/logger';
import { atomicWrite, readJsonFile } from './atomicWrite';
import { withFileLock } from './lock';
import { validateMessageInput } from './messageValidation';
import { type ListQuery, normaliseQuery, type Page, pageOrdinals } from './pagination';
import { toStoreError } from './storageErrors';
import { StaleIndexError, ThreadFiles } from './threadFiles';
import { EMPTY_HEADER, type IndexHeader, type MessageSlot, type RunEntry } from './threadIndex';
import { encodeRecord, type LogRecord, readRecords } from './threadLog';
import { changesFor, repairIndex, UnknownRecordTypes } from './threadRecovery';
import { errnoCode } from '../util/errors';

export interface ThreadStoreOptions {
  /** The storage folder (the extension passes ExtensionContext.storageUri's path). */
  root: string;
  logger?: Logger;
  /** Appends beyond this many messages in one thread fail with `thread_message_limit`. Default 100,000. */
  maxMessagesPerThread?: number;
  /** A thread lock not refreshed for this long is taken over. Default 10 s (minimum 2 s). */
  lockStaleMs?: number;
  /** How long an append waits for another window's lock. Default 15 s. */
  lockTimeoutMs?: number;
}

export type { CreateThreadOptions, ThreadChange, ThreadUpdate } from '../domain/thread';

type ThreadMeta = Omit<Thread, 'message_count' | 'last_activity_at'>;

export const DEFAULT_MESSAGE_LIMIT = 100_000;

/** Threads list() reads at once (see mapWithConcurrency: a big store read all at once held the loop ~100 ms). */
const LIST_CONCURRENCY = 8;

/**
 * Threads with their messages, runs and run steps, one append-only JSON Lines log per thread plus a rebuildable
 * index (see threadIndex.ts). Appends are serialised in-process by a queue and across processes by a lock file.
 */
export class ThreadStore {
  private readonly threadsChanged = new Emitter<ThreadChange>();
  /** `firstOrdinal` is the position of the first appended message: another window's appends in between show as a gap. */
  private readonly messagesAppended = new Emitter<{ threadId: string; messages: Message[]; firstOrdinal: number }>();
  private readonly messageUpdated = new Emitter<{ threadId: string; message: Message }>();
  private readonly runSaved = new Emitter<{ threadId: string; run: Run }>();
  private readonly runStepSaved = new Emitter<{ threadId: string; step: RunStep }>();
  /** Fires when a thread is created, renamed, changed, appended to or deleted through this store. */
  readonly onDidChangeThreads = this.threadsChanged.event;
  readonly onDidAppendMessage = this.messagesAppended.event;
  readonly onDidUpdateMessage = this.messageUpdated.event;
  readonly onDidSaveRun = this.runSaved.event;
  readonly onDidSaveRunStep = this.runStepSaved.event;

  private readonly root: string;
  private readonly threadsFolder: string;
  private readonly logger: Logger;
  private readonly maxMessages: number;
  private readonly lockOptions: { staleMs: number; timeoutMs: number; logger: Logger };
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Threads whose index this instance has checked against the log once. */
  private readonly opened = new Set<string>();
  /** Record types from later versions met in any thread, each warned about once. */
  private readonly unknownTypes: UnknownRecordTypes;

  constructor(options: ThreadStoreOptions) {
    this.root = options.root;
    this.threadsFolder = join(options.root, 'threads');
    this.logger = options.logger ?? silentLogger;
    this.unknownTypes = new UnknownRecordTypes(this.logger);
    this.maxMessages = options.maxMessagesPerThread ?? DEFAULT_MESSAGE_LIMIT;
    this.lockOptions = { staleMs: options.lockStaleMs ?? 10_000, timeoutMs: options.lockTimeoutMs ?? 15_000, logger: this.logger };
  }

  /** Creates a thread, optionally with initial messages. */
  async create(options: CreateThreadOptions = {}): Promise<Thread> {
    const id = options.id ?? newId('thread');
    assertValidId('thread', id);
    options.messages?.forEach(validateMessageInput);
    const files = new ThreadFiles(join(this.threadsFolder, id));
    const meta: ThreadMeta = {
      id,
      object: 'thread',
      title: options.title ?? UNTITLED_THREAD_TITLE,
      agent_id: options.agent_id ?? null,
      created_at: options.created_at ?? nowSeconds(),
      metadata: options.metadata ?? {},
    };
    try {
      await fs.mkdir(this.threadsFolder, { recursive: true });
      await fs.mkdir(files.folder);
    } catch (err) {
      if (errnoCode(err) === 'EEXIST' && (await this.exists(files)))
        throw new StoreError('invalid_id', `A thread with id ${id} already exists.`);
      throw toStoreError(err, 'create a thread', this.root);
    }
    try {
      await fs.writeFile(files.log, '', { flag: 'wx' });
      await files.index.writeFresh({ ...EMPTY_HEADER, lastActivityAt: meta.created_at }, [], []);
      // thread.json last: a thread exists once it is there, so a crash before leaves nothing listed.
      await atomicWrite(files.meta, JSON.stringify(meta));
    } catch (err) {
      await fs.rm(files.folder, { recursive: true, force: true }).catch(() => undefined);
      throw toStoreError(err, 'create a thread', this.root);
    }
    this.threadsChanged.fire({ type: 'created', threadId: id });
    if (options.messages?.length) await this.appendMessages(id, options.messages);
    return this.get(id);
  }

  /** The thread with its message count and last activity. */
  async get(threadId: string): Promise<Thread> {
    const files = this.files(threadId);
    const meta = await this.readMeta(files, threadId);
    return toThread(meta, await this.header(threadId, files));
  }

  /** Every thread, most recent activity first; reads two small files per thread, never a log. */
  async list(): Promise<Thread[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.threadsFolder);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw toStoreError(err, 'list threads', this.root);
    }
    const ids = names.filter((name) => isValidId('thread', name));
    const threads = await mapWithConcurrency(ids, LIST_CONCURRENCY, (id) => this.get(id).catch(() => undefined));
    return threads
      .filter((thread): thread is Thread => thread !== undefined)
      .sort((a, b) => b.last_activity_at - a.last_activity_at || b.created_at - a.created_at || (a.id < b.id ? 1 : -1));
  }

  /** Changes a thread's title, agent or metadata. */
  async update(threadId: string, update: ThreadUpdate): Promise<Thread> {
    const files = this.files(threadId);
    await this.locked(threadId, 'update the thread', async () => {
      const meta = await this.readMeta(files, threadId);
      const next: ThreadMeta = {
        ...meta,
        title: update.title ?? meta.title,
        agent_id: update.agent_id === undefined ? meta.agent_id : update.agent_id,
        metadata: update.metadata ?? meta.metadata,
      };
      await atomicWrite(files.meta, JSON.stringify(next));
    });
    this.threadsChanged.fire({ type: 'updated', threadId });
    return this.get(threadId);
  }

  /** Sets a thread's title. */
  rename(threadId: string, title: string): Promise<Thread> {
    return this.update(threadId, { title });
  }

  /** Deletes a thread's folder (and nothing outside the storage folder). */
  async delete(threadId: string): Promise<void> {
    const files = this.files(threadId);
    await this.serialize(threadId, async () => {
      const trash = join(this.root, 'trash');
      const doomed = join(trash, `${threadId}-${randomBytes(4).toString('hex')}`);
      try {
        await fs.mkdir(trash, { recursive: true });
        // Rename first so a reader never sees a half-deleted thread.
        await fs.rename(files.folder, doomed);
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') throw notFound(threadId);
        throw toStoreError(err, 'delete the thread', this.root);
      }
      await fs.rm(doomed, { recursive: true, force: true });
    });
    this.opened.delete(threadId);
    this.threadsChanged.fire({ type: 'deleted', threadId });
  }

  /** Appends one message and resolves once it is in the log. */
  async appendMessage(threadId: string, input: MessageInput): Promise<Message> {
    return (await this.appendMessages(threadId, [input]))[0];
  }

  /** Appends messages in one write under one lock (the fast path for import and bulk loads); all or none. */
  async appendMessages(threadId: string, inputs: MessageInput[]): Promise<Message[]> {
    return this.appendMessagesAfter(threadId, inputs, []);
  }

  /**
   * Saves a run step and appends a message in one write under one lock: a model turn's message_creation step and
   * its empty in-progress message, which would otherwise cost two locked appends before the first token shows.
   */
  async saveRunStepWithMessage(step: RunStep, input: MessageInput): Promise<Message> {
    assertValidId('step', step.id);
    assertValidId('run', step.run_id);
    const [message] = await this.appendMessagesAfter(step.thread_id, [input], [{ t: 'step', at: nowSeconds(), step }]);
    return message;
  }

  /** Appends `before` then the messages, in one write under one lock; all or none. */
  private async appendMessagesAfter(threadId: string, inputs: MessageInput[], before: LogRecord[]): Promise<Message[]> {
    inputs.forEach(validateMessageInput);
    let firstOrdinal = 0;
    const messages = await this.locked(threadId, 'append a message', async (files, header) => {
      if (header.messageCount + inputs.length > this.maxMessages) {
        throw new StoreError(
          'thread_message_limit',
          `Thread ${threadId} has reached its limit of ${this.maxMessages} messages; start a new thread to continue.`,
        );
      }
      const at = nowSeconds();
      const built = inputs.map((input) => buildMessage(threadId, input, at));
      firstOrdinal = header.messageCount;
      await this.appendRecords(files, header, [...before, ...built.map((message): LogRecord => ({ t: 'message', at, message }))]);
      return built;
    });
    for (const record of before) if (record.t === 'step') this.runStepSaved.fire({ threadId, step: record.step });
    this.messagesAppended.fire({ threadId, messages, firstOrdinal });
    this.threadsChanged.fire({ type: 'updated', threadId });
    return messages;
  }

  /** Records a new version of a message (e.g. final content and status at the end of a run); history is kept. */
  async updateMessage(threadId: string, messageId: string, update: MessageUpdate): Promise<Message> {
    const message = await this.locked(threadId, 'update a message', async (files, header) => {
      const ordinal = await this.ordinalOf(files, header, messageId, 'message_not_found');
      const [current] = await files.readMessages(ordinal, ordinal + 1, this.logger);
      if (!current) throw new StoreError('message_not_found', `Message ${messageId} in thread ${threadId} is unreadable.`);
      const next: Message = { ...current, ...update, id: current.id, thread_id: current.thread_id, role: current.role };
      validateMessageInput(next);
      await this.appendRecords(files, header, [{ t: 'message_update', at: nowSeconds(), ord: ordinal, message: next }]);
      return next;
    });
    this.messageUpdated.fire({ threadId, message });
    return message;
  }

  /** One message in its latest version. */
  getMessage(threadId: string, messageId: string): Promise<Message> {
    return this.readingChecked(threadId, async (strict) => {
      const files = this.files(threadId);
      const header = await this.header(threadId, files);
      const ordinal = await this.ordinalOf(files, header, messageId, 'message_not_found');
      const [message] = await files.readMessages(ordinal, ordinal + 1, this.logger, strict);
      if (!message) throw new StoreError('message_not_found', `Message ${messageId} in thread ${threadId} was deleted or is unreadable.`);
      return message;
    });
  }

  /**
   * Deletes a message from the thread as every reader sees it (pages, context, search, the views) by appending a
   * tombstone (see LogRecord): the log is never rewritten. The message's id stays usable as a page cursor.
   */
  async hideMessage(threadId: string, messageId: string): Promise<void> {
    await this.locked(threadId, 'delete a message', async (files, header) => {
      const ordinal = await this.ordinalOf(files, header, messageId, 'message_not_found');
      const [current] = await files.readMessages(ordinal, ordinal + 1, this.logger);
      if (!current) throw new StoreError('message_not_found', `No message ${messageId} in this thread.`);
      await this.appendRecords(files, header, [{ t: 'message_hidden', at: nowSeconds(), ord: ordinal, id: messageId }]);
    });
    this.threadsChanged.fire({ type: 'updated', threadId, removedMessageIds: [messageId] });
  }

  /** A page of messages with the Assistants pagination contract (limit, order, after, before). */
  listMessages(threadId: string, query: ListQuery = {}): Promise<Page<Message>> {
    return this.readingChecked(threadId, (strict) => this.readPage(threadId, query, strict));
  }

  private async readPage(threadId: string, query: ListQuery, strict: boolean): Promise<Page<Message>> {
    const normal = normaliseQuery(query);
    const files = this.files(threadId);
    const header = await this.header(threadId, files);
    const after = normal.after === undefined ? undefined : await this.ordinalOf(files, header, normal.after, 'invalid_cursor');
    const before = normal.before === undefined ? undefined : await this.ordinalOf(files, header, normal.before, 'invalid_cursor');
    // `before` alone pages towards the cursor: a page short of deleted messages grows away from it, else onwards.
    const backwards = before !== undefined && after === undefined;
    let data: Message[] = [];
    let hasMore = false;
    let [from, to] = [after, before];
    while (data.length < normal.limit) {
      const page = pageOrdinals(header.messageCount, { limit: normal.limit - data.length, order: normal.order }, from, to);
      hasMore = page.hasMore;
      if (!page.ordinals.length) break;
      const { ordinals } = page;
      const low = Math.min(ordinals[0], ordinals[ordinals.length - 1]);
      const read = await files.readMessages(low, low + ordinals.length, this.logger, strict);
      if (normal.order === 'desc') read.reverse();
      data = backwards ? [...read, ...data] : [...data, ...read];
      if (!hasMore) break;
      if (backwards) to = ordinals[0];
      else from = ordinals[ordinals.length - 1];
    }
    return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: hasMore };
  }

  /** The newest `count` messages, oldest first; costs the same however long the thread is. */
  readNewest(threadId: string, count: number): Promise<Message[]> {
    return this.readingChecked(threadId, async (strict) => {
      const files = this.files(threadId);
      const header = await this.header(threadId, files);
      const newest: Message[] = [];
      // Deleted messages are left out: reach further back for as many as were asked for.
      for (let to = header.messageCount; newest.length < count && to > 0;) {
        const from = Math.max(0, to - (count - newest.length));
        newest.unshift(...(await files.readMessages(from, to, this.logger, strict)));
        to = from;
      }
      return newest;
    });
  }

  /**
   * Messages by ordinal (0 = oldest), in the order asked, each in its latest version; undefined for an ordinal past
   * the end or a record that cannot be read. Costs one read per run of adjacent ordinals, wherever they are in the
   * thread (for callers that know positions already, such as the search index).
   */
  async readMessagesAt(threadId: string, ordinals: readonly number[]): Promise<(Message | undefined)[]> {
    const files = this.files(threadId);
    const wanted = [...new Set(ordinals.filter((ordinal) => Number.isInteger(ordinal) && ordinal >= 0))];
    // The header and the slots come through one open file; only an index that needs checking takes the long way.
    let read: { header: IndexHeader | undefined; slots: (MessageSlot | undefined)[] };
    let logSize: number;
    try {
      [read, logSize] = await Promise.all([files.index.readHeaderAndSlotsAt(wanted), fs.stat(files.log).then((stat) => stat.size)]);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') throw notFound(threadId);
      throw toStoreError(err, 'read the thread', this.root);
    }
    let { header, slots } = read;
    if (!header || !this.isCurrent(threadId, header, logSize)) {
      header = await this.header(threadId, files);
      slots = await files.index.readSlotsAt(wanted);
    }
    const count = header.messageCount;
    const messages = await files.messagesAt(
      slots.map((slot, i) => (wanted[i] < count ? slot : undefined)),
      this.logger,
    );
    const byOrdinal = new Map(wanted.map((ordinal, i) => [ordinal, messages[i]]));
    return ordinals.map((ordinal) => byOrdinal.get(ordinal));
  }

  /** Every message from the newest back, read `chunk` at a time, so a caller can stop as soon as it has enough. */
  async *messagesNewestFirst(threadId: string, chunk = 50): AsyncGenerator<Message> {
    const files = this.files(threadId);
    const header = await this.header(threadId, files);
    for (let to = header.messageCount; to > 0; to -= chunk) {
      const page = await files.readMessages(Math.max(0, to - chunk), to, this.logger);
      for (let i = page.length - 1; i >= 0; i--) yield page[i];
    }
  }

  /** Appends a snapshot of a run; getRun and listRuns return the latest snapshot per run. */
  async saveRun(run: Run): Promise<Run> {
    assertValidId('run', run.id);
    await this.locked(run.thread_id, 'save a run', (files, header) =>
      this.appendRecords(files, header, [{ t: 'run', at: nowSeconds(), run }]),
    );
    this.runSaved.fire({ threadId: run.thread_id, run });
    this.threadsChanged.fire({ type: 'updated', threadId: run.thread_id });
    return run;
  }

  /** The latest snapshot of a run. */
  async getRun(threadId: string, runId: string): Promise<Run> {
    assertValidId('run', runId);
    const files = this.files(threadId);
    const header = await this.header(threadId, files);
    // Newest entries first: the latest snapshot of a live run is near the end.
    for (let to = header.runEntryCount; to > 0; to -= 1024) {
      const entries = await files.index.readRunEntries(Math.max(0, to - 1024), to);
      for (let i = entries.length - 1; i >= 0; i--) {
        if (entries[i].kind === 'run' && entries[i].id === runId) {
          const [record] = await readRecords(files.log, [entries[i]]);
          if (record?.t === 'run') return record.run;
        }
      }
    }
    throw new StoreError('run_not_found', `No run ${runId} in thread ${threadId}.`);
  }

  /** The latest snapshot of every run of the thread, oldest run first. */
  async listRuns(threadId: string): Promise<Run[]> {
    const records = await this.latestRecords(threadId, (entry) => entry.kind === 'run');
    return records.flatMap((record) => (record?.t === 'run' ? [record.run] : []));
  }

  /** Appends a snapshot of a run step (tool call/result pairs live here). */
  async saveRunStep(step: RunStep): Promise<RunStep> {
    assertValidId('step', step.id);
    assertValidId('run', step.run_id);
    await this.locked(step.thread_id, 'save a run step', (files, header) =>
      this.appendRecords(files, header, [{ t: 'step', at: nowSeconds(), step }]),
    );
    this.runStepSaved.fire({ threadId: step.thread_id, step });
    return step;
  }

  /** The latest snapshot of every step of a run (or of all runs when `runId` is omitted), oldest first. */
  async listRunSteps(threadId: string, runId?: string): Promise<RunStep[]> {
    const records = await this.latestRecords(threadId, (entry) => entry.kind === 'step' && (runId === undefined || entry.runId === runId));
    return records.flatMap((record) => (record?.t === 'step' ? [record.step] : []));
  }

  /** The storage folder; a merge stages copies inside it so that one rename moves a thread in. */
  get storageRoot(): string {
    return this.root;
  }

  /** Whether a thread with this id exists (its thread.json is in place). */
  has(threadId: string): Promise<boolean> {
    return this.exists(this.files(threadId));
  }

  /**
   * Moves a thread folder prepared on the same volume (a merge's staging copy: thread.json and messages.jsonl, the
   * index optional) into the store with one rename, so readers see all of it or nothing. Fails with `invalid_id` when
   * the store has a thread, or a folder, of that id: nothing is ever replaced.
   */
  async adoptThread(folder: string, threadId: string): Promise<void> {
    const files = this.files(threadId);
    await this.serialize(threadId, async () => {
      try {
        await fs.mkdir(this.threadsFolder, { recursive: true });
        // rename() would replace an empty folder of the same name; a folder there at all is someone else's thread.
        if (
          await fs.stat(files.folder).then(
            () => true,
            () => false,
          )
        )
          throw new StoreError('invalid_id', `A thread with id ${threadId} already exists.`);
        await fs.rename(folder, files.folder);
      } catch (err) {
        if (errnoCode(err) === 'ENOTEMPTY') throw new StoreError('invalid_id', `A thread with id ${threadId} already exists.`);
        throw toStoreError(err, 'add a merged thread', this.root);
      }
    });
    this.threadsChanged.fire({ type: 'created', threadId, grewOutside: true });
  }

  /**
   * Appends whole records from outside (a merge) under the thread's lock. `tail` is told where the log's complete
   * records end and returns the bytes to write there (whole lines), or undefined to write nothing; they are written
   * as they come (a long tail is never held in memory), then indexed and announced. A failure cuts the log back to
   * where it was. Returns the bytes appended.
   */
  async appendExternalRecords(
    threadId: string,
    tail: (log: { path: string; size: number }) => Promise<AsyncIterable<Uint8Array> | undefined>,
  ): Promise<number> {
    const appended = await this.locked(threadId, 'append merged records', async (files, header) => {
      const chunks = await tail({ path: files.log, size: header.covered });
      if (!chunks) return 0;
      const handle = await fs.open(files.log, 'a');
      let written = 0;
      try {
        for await (const chunk of chunks) {
          const { bytesWritten } = await handle.write(chunk);
          if (bytesWritten !== chunk.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
          written += bytesWritten;
        }
      } catch (err) {
        await handle.truncate(header.covered).catch(() => undefined);
        throw err;
      } finally {
        await handle.close();
      }
      if (written > 0) await repairIndex(files.log, files.index, header, this.logger, this.unknownTypes);
      return written;
    });
    if (appended > 0) this.threadsChanged.fire({ type: 'updated', threadId, grewOutside: true });
    return appended;
  }

  /**
   * Undoes an append from outside that was cut short (a merge interrupted by a crash): when the log's complete records
   * end after `from` and no later than `to`, every byte past `from` is the merge's, and the log is cut back to `from`.
   * A log that grew past `to` has more than the merge wrote (the user went on) and is left as it is.
   */
  async rollBackExternalAppend(threadId: string, from: number, to: number): Promise<boolean> {
    const cut = await this.locked(threadId, 'roll back a merge', async (files, header) => {
      if (header.covered <= from || header.covered > to) return false;
      await fs.truncate(files.log, from);
      await repairIndex(files.log, files.index, undefined, this.logger, this.unknownTypes);
      return true;
    });
    if (cut) this.threadsChanged.fire({ type: 'updated', threadId });
    return cut;
  }

  /**
   * Announces threads whose folders were moved into the storage folder from outside the store (a restore from a
   * backup) as created, so the views, context keys and the search index learn of them as of any new thread.
   */
  noticeAddedThreads(threadIds: readonly string[]): void {
    for (const threadId of threadIds) if (isValidId('thread', threadId)) this.threadsChanged.fire({ type: 'created', threadId });
  }

  /** Removes every event listener. */
  dispose(): void {
    for (const emitter of [this.threadsChanged, this.messagesAppended, this.messageUpdated, this.runSaved, this.runStepSaved])
      emitter.dispose();
  }

  private files(threadId: string): ThreadFiles {
    assertValidId('thread', threadId);
    return new ThreadFiles(join(this.threadsFolder, threadId));
  }

  private async exists(files: ThreadFiles): Promise<boolean> {
    return fs.stat(files.meta).then(
      () => true,
      () => false,
    );
  }

  private async readMeta(files: ThreadFiles, threadId: string): Promise<ThreadMeta> {
    let meta: unknown;
    try {
      meta = await readJsonFile(files.meta);
    } catch (err) {
      throw toStoreError(err, 'read the thread', this.root);
    }
    if (meta === undefined) throw notFound(threadId);
    return meta as ThreadMeta;
  }

  /**
   * The index header to read from. The first time this instance touches a thread, or when the log is shorter than
   * the index claims, the index is checked and repaired under the lock; later a log longer than the index just
   * means another window is mid-append, and the snapshot the index describes is returned.
   */
  private async header(threadId: string, files: ThreadFiles): Promise<IndexHeader> {
    let header: IndexHeader | undefined;
    let size: number;
    try {
      header = await files.index.readHeader();
      size = (await fs.stat(files.log)).size;
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') throw notFound(threadId);
      throw toStoreError(err, 'read the thread', this.root);
    }
    if (header && this.isCurrent(threadId, header, size)) return header;
    try {
      return await this.locked(threadId, 'open the thread', async (_files, repaired) => repaired);
    } catch (err) {
      // A read-only folder cannot be repaired; still show what the index describes.
      if (header && err instanceof StoreError && (err.code === 'storage_unwritable' || err.code === 'thread_locked')) {
        this.logger.warn(`Showing thread ${threadId} without repairing it: ${err.message}`);
        return header;
      }
      throw err;
    }
  }

  /** Whether `header` describes the log as it is, or as it was before another window's append that is under way. */
  private isCurrent(threadId: string, header: IndexHeader, logSize: number): boolean {
    return header.covered === logSize || (header.covered < logSize && this.opened.has(threadId));
  }

  private async ordinalOf(
    files: ThreadFiles,
    header: IndexHeader,
    messageId: string,
    code: 'message_not_found' | 'invalid_cursor',
  ): Promise<number> {
    const ordinal = isValidId('msg', messageId) ? await files.index.findOrdinal(messageId, header.messageCount) : -1;
    if (ordinal < 0) {
      throw new StoreError(
        code,
        code === 'invalid_cursor'
          ? `Cursor ${JSON.stringify(messageId)} is not a message of this thread.`
          : `No message ${messageId} in this thread.`,
      );
    }
    return ordinal;
  }

  private async latestRecords(threadId: string, wanted: (entry: RunEntry) => boolean): Promise<(LogRecord | undefined)[]> {
    const files = this.files(threadId);
    const header = await this.header(threadId, files);
    const latest = new Map<string, RunEntry>();
    for (const entry of await files.index.readRunEntries(0, header.runEntryCount)) {
      if (!wanted(entry)) continue;
      // Map keeps first-insertion order, so runs stay in creation order while their entry moves to the newest.
      latest.set(entry.id, entry);
    }
    return readRecords(files.log, [...latest.values()]);
  }

  /** Writes records at the end of the log in one write, then indexes them. Call under the lock. */
  private async appendRecords(files: ThreadFiles, header: IndexHeader, records: LogRecord[]): Promise<void> {
    const buffers = records.map(encodeRecord);
    const lines: { offset: number; length: number; record: LogRecord }[] = [];
    let offset = header.covered;
    records.forEach((record, i) => {
      lines.push({ offset, length: buffers[i].length, record });
      offset += buffers[i].length;
    });
    await files.appendToLog(header.covered, Buffer.concat(buffers));
    const { changes, next } = changesFor(header, lines);
    next.covered = offset;
    await files.index.apply(header, changes, next);
  }

  /** Runs `fn` with the thread's lock held and its index repaired and current (including other windows' appends). */
  private locked<T>(threadId: string, action: string, fn: (files: ThreadFiles, header: IndexHeader) => Promise<T>): Promise<T> {
    const files = this.files(threadId);
    return this.serialize(threadId, async () => {
      try {
        if (!(await this.exists(files))) throw notFound(threadId);
        return await withFileLock(files.log, this.lockOptions, async () => {
          const header = await repairIndex(files.log, files.index, await files.index.readHeader(), this.logger, this.unknownTypes);
          this.opened.add(threadId);
          return fn(files, header);
        });
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') throw notFound(threadId);
        throw toStoreError(err, action, this.root);
      }
    });
  }

  /**
   * Reads strictly first; if the index turns out not to match the log (someone edited the log while the app ran,
   * which the size check cannot always tell from another window's append), rebuilds the index from the log under
   * the lock and reads once more, skipping whatever is still unreadable.
   */
  private async readingChecked<T>(threadId: string, read: (strict: boolean) => Promise<T>): Promise<T> {
    // This window's writes to the thread in flight land first: a turn's opening is announced as its save starts
    // (runRecorder.ts), and whoever reads the message it was told of (a local API client) must find it.
    await this.queues.get(threadId);
    try {
      return await read(true);
    } catch (err) {
      if (!(err instanceof StaleIndexError)) throw err;
    }
    const files = this.files(threadId);
    await this.serialize(threadId, async () => {
      try {
        await withFileLock(files.log, this.lockOptions, async () => {
          this.logger.warn(`The index of ${files.log} does not match the log (was the log changed outside the app?); rebuilding it.`);
          await repairIndex(files.log, files.index, undefined, this.logger, this.unknownTypes);
        });
      } catch (err) {
        throw toStoreError(err, 'repair the thread', this.root);
      }
    });
    return read(false);
  }

  /** Runs operations on one thread one after another within this process. */
  private serialize<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, tail);
    // `tail` never rejects; this only forgets a queue that has drained.
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return result;
  }
}

function notFound(threadId: string): StoreError {
  return new StoreError('thread_not_found', `Thread ${threadId} does not exist (it may have been deleted in another window).`);
}

function toThread(meta: ThreadMeta, header: IndexHeader): Thread {
  return { ...meta, message_count: header.messageCount, last_activity_at: Math.max(meta.created_at, header.lastActivityAt) };
}
