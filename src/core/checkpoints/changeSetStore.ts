// Change sets: what each run did to the workspace's files, kept beside the threads (`<storage>/checkpoints/`): one
// append-only journal per thread and one content store for all of them. A change is recorded, with both contents
// stored, BEFORE the file is written; if that fails the write does not happen, so nothing is changed that could
// not be put back.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  type ChangeRecord,
  type FileState,
  type InterruptedOutcome,
  type JournalRecord,
  type Unrestorable,
  appendToJournal,
  readJournal,
} from './changeJournal';
import { ContentStore, hashOf } from './contentStore';
import { withRestoreLock } from './restoreLock';

/** A file's content handed to the recorder: its bytes, undefined when it does not exist, or only its size when it is too large to read. */
export type RecordedContent = Uint8Array | undefined | { tooLarge: number };

/** Who makes a change: the run (or restore) it belongs to, and the tool. */
export interface ChangeScope {
  threadId: string;
  runId: string;
  source: string;
  restoreOf?: string;
}

/** A recorded change waiting for its write; say how the write went. */
export interface PendingChange {
  readonly record: ChangeRecord;
  /** The write happened; `actual` is the file's content read back, kept when it differs from the recorded "after". */
  done(actual?: RecordedContent): Promise<void>;
  failed(error: unknown): Promise<void>;
}

/** One file's net change in a change set: its content before the first change and after the last. */
export interface FileChange {
  path: string;
  relative: string;
  before: FileState;
  after: FileState;
  unrestorable?: Unrestorable;
}

/** What one run (or restore) changed. */
export interface ChangeSet {
  threadId: string;
  runId: string;
  restoreOf?: string;
  /** What made its first change: a tool's name, `restore`, or `apply_to_file` (a code block the user applied). */
  source: string;
  /** When its first change was recorded (Unix seconds). */
  at: number;
  files: FileChange[];
}

/** A change the editor was killed in the middle of, as the next start found it. */
export interface InterruptedChange {
  threadId: string;
  runId: string;
  relative: string;
  outcome: InterruptedOutcome;
}

export interface ChangeSetStoreOptions {
  /** The extension's storage folder; change sets live in its `checkpoints` folder. */
  root: string;
  /** Files larger than this are recorded as changed but not kept (the `agentThreads.checkpoints.maxFileSizeKB` setting). */
  maxFileBytes: () => number;
}

const THREAD_ID = /^[A-Za-z0-9_-]{1,128}$/;
// Git's test for binary content: a NUL byte in the first 8000 bytes.
const BINARY_PROBE = 8000;

/** The change sets of every thread in one storage folder. */
export class ChangeSetStore {
  readonly contents: ContentStore;
  private readonly folder: string;
  private readonly tailChecked = new Set<string>();

  constructor(private readonly options: ChangeSetStoreOptions) {
    this.folder = join(options.root, 'checkpoints');
    this.contents = new ContentStore(join(this.folder, 'contents'));
  }

  /**
   * Records a change to one file before it is made: stores both contents, then appends the change to the thread's
   * journal. Throws (and nothing should be written) when either cannot be saved: a disk full, a read-only store.
   */
  async begin(
    scope: ChangeScope,
    file: { absolute: string; relative: string },
    before: RecordedContent,
    after: RecordedContent,
  ): Promise<PendingChange> {
    const journal = this.journalOf(scope.threadId);
    const unrestorable = this.unrestorable(before) ?? this.unrestorable(after);
    const beforeState = stateOf(before);
    const afterState = stateOf(after);
    if (!unrestorable) {
      if (before instanceof Uint8Array) await this.contents.put(before);
      // The "before" in hand is the delta's base: no need to rebuild it from the store.
      if (after instanceof Uint8Array) await this.contents.put(after, beforeState?.hash, before instanceof Uint8Array ? before : undefined);
    }
    const record = changeRecord(scope, file, beforeState, afterState, unrestorable);
    await this.append(journal, [record]);
    return {
      record,
      done: async (actual) => {
        const real = actual === undefined ? undefined : stateOf(actual);
        const differs = real !== undefined && !sameState(real, afterState);
        if (differs && !unrestorable && actual instanceof Uint8Array && !this.unrestorable(actual))
          await this.contents.put(actual, beforeState?.hash, before instanceof Uint8Array ? before : undefined);
        await this.append(journal, [{ t: 'done', at: nowSeconds(), id: record.id, ...(differs ? { after: real } : {}) }]);
      },
      failed: (error) =>
        this.append(journal, [
          { t: 'failed', at: nowSeconds(), id: record.id, error: error instanceof Error ? error.message : String(error) },
        ]),
    };
  }

  /** Runs `work` as the only restore of this store; throws RestoreInProgressError while another one runs. */
  exclusiveRestore<T>(work: () => Promise<T>): Promise<T> {
    return withRestoreLock(this.folder, work);
  }

  /** Records a change, makes it with `write`, and records the outcome; a failed write is recorded as failed and rethrown. */
  async recorded<T>(
    scope: ChangeScope,
    file: { absolute: string; relative: string },
    before: RecordedContent,
    after: RecordedContent,
    write: () => Promise<T>,
    readBack?: () => Promise<RecordedContent>,
  ): Promise<T> {
    const pending = await this.begin(scope, file, before, after);
    let result: T;
    try {
      result = await write();
    } catch (error) {
      await pending.failed(error).catch(() => undefined); // the write's own error is the one to report
      throw error;
    }
    await pending.done(readBack ? await readBack().catch(() => undefined) : undefined);
    return result;
  }

  /**
   * Records a change that already happened outside our tools (a shell command's): its content before, when known
   * (`'unknown'` records it as changed, cannot restore), and what the file holds now.
   */
  async recordObserved(
    scope: ChangeScope,
    file: { absolute: string; relative: string },
    before: RecordedContent | 'unknown',
    after: RecordedContent,
  ): Promise<void> {
    if (before !== 'unknown') return (await this.begin(scope, file, before, after)).done();
    // Kept all the same: the review shows it, and an earlier change of the same set may know the file's "before".
    if (after instanceof Uint8Array && !this.unrestorable(after)) await this.contents.put(after);
    const record = changeRecord(scope, file, { hash: '', size: 0 }, stateOf(after), 'unknown_before');
    await this.append(this.journalOf(scope.threadId), [record, { t: 'done', at: record.at, id: record.id }]);
  }

  /** Every change set of a thread, oldest first; changes that did not happen (failed, interrupted before the write) are left out. */
  async changeSets(threadId: string): Promise<ChangeSet[]> {
    const records = await readJournal(this.journalOf(threadId));
    const outcome = outcomes(records);
    const sets = new Map<string, { set: ChangeSet; byPath: Map<string, FileChange> }>();
    for (const record of records) {
      const settled = outcome.get(record.id);
      if (record.t !== 'change' || !happened(settled)) continue;
      let entry = sets.get(record.runId);
      if (!entry) {
        const set: ChangeSet = {
          threadId,
          runId: record.runId,
          source: record.source,
          at: record.at,
          files: [],
          ...(record.restoreOf ? { restoreOf: record.restoreOf } : {}),
        };
        entry = { set, byPath: new Map() };
        sets.set(record.runId, entry);
      }
      mergeChange(
        entry.byPath,
        entry.set.files,
        settled?.t === 'done' && settled.after !== undefined ? { ...record, after: settled.after } : record,
      );
    }
    // A file created and deleted again by the same run has no net change.
    for (const { set } of sets.values()) set.files = set.files.filter((file) => !sameState(file.before, file.after));
    return [...sets.values()].map((entry) => entry.set).filter((set) => set.files.length > 0);
  }

  /** The change set of one run; undefined when the run changed no file. */
  async changeSet(threadId: string, runId: string): Promise<ChangeSet | undefined> {
    return (await this.changeSets(threadId)).find((set) => set.runId === runId);
  }

  /**
   * The net change of a run and everything the thread changed after it (later runs, restores), per file: what
   * "restore the files as they were before this run" must put back.
   */
  async changesSince(threadId: string, runId: string): Promise<FileChange[]> {
    const sets = await this.changeSets(threadId);
    const start = sets.findIndex((set) => set.runId === runId);
    if (start < 0) return [];
    const byPath = new Map<string, FileChange>();
    const files: FileChange[] = [];
    for (const set of sets.slice(start)) for (const file of set.files) mergeChange(byPath, files, file);
    return files;
  }

  /** Threads that have a change journal. */
  async threadIds(): Promise<string[]> {
    const names = await fs.readdir(this.folder).catch(() => [] as string[]);
    return names.filter((name) => name.endsWith('.jsonl')).map((name) => name.slice(0, -'.jsonl'.length));
  }

  /**
   * Finds changes whose process died between recording and finishing them, decides from each file's current content
   * whether the write landed, and records that, so each is reported once. `read` gives a file's current content.
   */
  async settleInterrupted(read: (absolute: string) => Promise<Uint8Array | undefined>): Promise<InterruptedChange[]> {
    const found: InterruptedChange[] = [];
    for (const threadId of await this.threadIds()) {
      const journal = this.journalOf(threadId);
      const records = await readJournal(journal);
      const outcome = outcomes(records);
      const settled: JournalRecord[] = [];
      for (const record of records) {
        if (record.t !== 'change' || outcome.has(record.id) || isAlive(record.pid)) continue;
        const current = await read(record.path).then(
          (content) => stateOf(content),
          () => undefined,
        );
        const applied: InterruptedOutcome =
          current === undefined
            ? 'unknown'
            : sameState(current, record.after)
              ? 'applied'
              : sameState(current, record.before)
                ? 'not_applied'
                : 'unknown';
        settled.push({ t: 'interrupted', at: nowSeconds(), id: record.id, applied });
        found.push({ threadId, runId: record.runId, relative: record.relative, outcome: applied });
      }
      if (settled.length) await this.append(journal, settled);
    }
    return found;
  }

  private unrestorable(content: RecordedContent): Unrestorable | undefined {
    if (content === undefined) return undefined;
    if (!(content instanceof Uint8Array) || content.length > this.options.maxFileBytes()) return 'too_large';
    return content.subarray(0, BINARY_PROBE).includes(0) ? 'binary' : undefined;
  }

  private async append(journal: string, records: JournalRecord[]): Promise<void> {
    const first = !this.tailChecked.has(journal);
    if (first) await fs.mkdir(this.folder, { recursive: true });
    appendToJournal(journal, records, first);
    this.tailChecked.add(journal);
  }

  private journalOf(threadId: string): string {
    if (!THREAD_ID.test(threadId)) throw new Error(`Invalid thread id for a change journal: ${JSON.stringify(threadId)}`);
    return join(this.folder, `${threadId}.jsonl`);
  }
}

function changeRecord(
  scope: ChangeScope,
  file: { absolute: string; relative: string },
  before: FileState,
  after: FileState,
  unrestorable: Unrestorable | undefined,
): ChangeRecord {
  return {
    t: 'change',
    at: nowSeconds(),
    id: `chg_${randomBytes(8).toString('hex')}`,
    runId: scope.runId,
    path: file.absolute,
    relative: file.relative,
    before,
    after,
    ...(unrestorable ? { unrestorable } : {}),
    source: scope.source,
    ...(scope.restoreOf ? { restoreOf: scope.restoreOf } : {}),
    pid: process.pid,
  };
}

/** The state of a content: its hash and size, null when absent; a too-large content has no hash (''). */
export function stateOf(content: RecordedContent): FileState {
  if (content === undefined) return null;
  if (!(content instanceof Uint8Array)) return { hash: '', size: content.tooLarge };
  return { hash: hashOf(content), size: content.length };
}

/** Whether two states are the same content (both absent, or the same known hash). */
export function sameState(a: FileState, b: FileState): boolean {
  if (a === null || b === null) return a === b;
  return a.hash !== '' && a.hash === b.hash;
}

function outcomes(records: JournalRecord[]): Map<string, JournalRecord> {
  const map = new Map<string, JournalRecord>();
  for (const record of records) if (record.t !== 'change') map.set(record.id, record);
  return map;
}

function happened(outcome: JournalRecord | undefined): boolean {
  return outcome?.t === 'done' || (outcome?.t === 'interrupted' && outcome.applied === 'applied');
}

/** Folds one more change of a file into the net changes: the first "before" stays, the last "after" wins. */
function mergeChange(byPath: Map<string, FileChange>, files: FileChange[], change: FileChange): void {
  const known = byPath.get(change.path);
  if (!known) {
    const file: FileChange = {
      path: change.path,
      relative: change.relative,
      before: change.before,
      after: change.after,
      ...(change.unrestorable ? { unrestorable: change.unrestorable } : {}),
    };
    byPath.set(change.path, file);
    files.push(file);
    return;
  }
  known.after = change.after;
  // A command's change whose "before" was unknown is no loss when an earlier change of the set already knew it.
  const beforeKnown = known.before === null || known.before.hash !== '';
  if (change.unrestorable && !(change.unrestorable === 'unknown_before' && beforeKnown && !known.unrestorable))
    known.unrestorable ??= change.unrestorable;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false; // this process just started: whatever it recorded earlier is from a previous life
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
