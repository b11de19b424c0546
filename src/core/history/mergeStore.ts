// Merging one thread store into another: the threads, agents and checkpoints of a store found elsewhere on this
// machine (another workspace identity, a backup being restored) join the store this window uses.
//
// Rules: ids name the same thing in both stores (a thread id in both is one thread that went on in two places).
// Nothing in the target is overwritten or deleted. A thread in both is kept once when one log is a prefix of the
// other: the longer one wins, by appending what the target lacks. Logs that went on differently are both kept: the
// source's becomes a copy with an id of its own (derived, see copyIds.ts) and a title that says where it came from.
// Agents likewise, by their versions. Logs are streamed, never read whole. Crash safety: see mergeJournal.ts.

import { createWriteStream, promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isValidId } from '../domain/ids';
import type { Thread } from '../domain/thread';
import type { AgentStore } from '../store/agentStore';
import { readJsonFile } from '../store/atomicWrite';
import { withFileLock } from '../store/lock';
import type { ThreadStore } from '../store/threadStore';
import { errnoCode, errorMessage } from '../util/errors';
import { type Logger, silentLogger } from '../util/logger';
import { copyId } from './copyIds';
import { completeLength, fileChunks, type LogRelation, relateLogs, rewriteThreadLog } from './logStreams';
import { MERGING_FOLDER, MergeJournal } from './mergeJournal';

/** The store to merge into: the window's own stores (their events tell the views). */
export interface MergeTarget {
  threads: ThreadStore;
  agents: AgentStore;
}

/** A point a merge has reached; tests stop a merge there to check what a crash leaves. */
export type MergeStep =
  | { step: 'staged'; kind: 'thread' | 'agent'; id: string }
  | { step: 'appending'; kind: 'thread'; id: string; bytes: number }
  | { step: 'merged'; kind: 'thread' | 'agent'; id: string };

export interface MergeOptions {
  /** Said in the title of a copy, "<title> (<copyLabel>)"; say where it came from. Default "from another workspace". */
  copyLabel?: string;
  logger?: Logger;
  /** Called as the merge goes (progress, and tests). */
  onStep?: (step: MergeStep) => void | Promise<void>;
  /** How long to wait for another window's merge into the same store. Default 15 s. */
  lockTimeoutMs?: number;
}

/** What happened to each thread or agent of the source. */
export interface MergeOutcome {
  /** New to the target, copied in as they were. */
  added: string[];
  /** In both; the target's was a prefix of the source's and was continued. */
  extended: string[];
  /** In both; the target already had everything (the same, or more). */
  unchanged: string[];
  /** In both, gone on differently: the source's kept beside the target's as `id`. */
  copied: { of: string; id: string }[];
}

export interface MergeReport {
  threads: MergeOutcome;
  agents: MergeOutcome;
  /** Checkpoint contents copied, and change journals copied or continued. */
  checkpoints: { contents: number; journals: number };
  /** What was left out and why (an unreadable thread, change journals that went on differently). */
  problems: string[];
}

const DEFAULT_COPY_LABEL = 'from another workspace';

/**
 * Merges the store at `sourceRoot` (a folder laid out like a storage folder: threads/, agents/, checkpoints/) into
 * `target`. Safe to repeat: a second merge of the same source changes nothing. One merge at a time per target store,
 * across windows. A crash half-way is finished (or rolled back) by recoverInterruptedMerges at the next start; a
 * failure is rolled back before it is thrown. The source is only read.
 */
export async function mergeStore(sourceRoot: string, target: MergeTarget, options: MergeOptions = {}): Promise<MergeReport> {
  const root = target.threads.storageRoot;
  if (resolve(sourceRoot) === resolve(root)) throw new Error('A thread store cannot be merged into itself.');
  return withMergeLock(root, options, async () => {
    const journal = await MergeJournal.begin(root, resolve(sourceRoot), options.copyLabel ?? DEFAULT_COPY_LABEL);
    return runJournaled(journal, target, options);
  });
}

/** What the next start did about a merge a crash interrupted. */
export interface RecoveredMerge {
  source: string | undefined;
  outcome: 'finished' | 'rolled_back';
  report?: MergeReport;
}

/**
 * Finishes merges a crash interrupted when their source is still there, and otherwise rolls back what was half-done
 * (an append cut short is cut back; staged copies are dropped; threads and agents that had moved in whole stay).
 * Cheap when there is nothing to do (one readdir). Skips, and says so, while another window is merging.
 */
export async function recoverInterruptedMerges(target: MergeTarget, options: MergeOptions = {}): Promise<RecoveredMerge[]> {
  const root = target.threads.storageRoot;
  if ((await MergeJournal.unfinished(root)).length === 0) return [];
  return withMergeLock(root, options, async () => {
    const recovered: RecoveredMerge[] = [];
    for (const { folder, journal } of await MergeJournal.unfinished(root)) {
      if (journal && (await isStore(journal.source))) {
        await journal.clearStaging();
        recovered.push({
          source: journal.source,
          outcome: 'finished',
          report: await runJournaled(journal, target, { ...options, copyLabel: journal.copyLabel }),
        });
      } else {
        if (journal) await rollBack(journal, target);
        await fs.rm(folder, { recursive: true, force: true });
        recovered.push({ source: journal?.source, outcome: 'rolled_back' });
      }
    }
    return recovered;
  });
}

function withMergeLock<T>(root: string, options: MergeOptions, fn: () => Promise<T>): Promise<T> {
  const logger = options.logger ?? silentLogger;
  return fs
    .mkdir(join(root, MERGING_FOLDER), { recursive: true })
    .then(() => withFileLock(join(root, MERGING_FOLDER), { staleMs: 10_000, timeoutMs: options.lockTimeoutMs ?? 15_000, logger }, fn));
}

async function runJournaled(journal: MergeJournal, target: MergeTarget, options: MergeOptions): Promise<MergeReport> {
  let report: MergeReport;
  try {
    report = await new StoreMerge(journal, target, options).run();
  } catch (err) {
    await rollBack(journal, target).catch((rollbackError: unknown) =>
      (options.logger ?? silentLogger).error(`Could not roll back the failed merge from ${journal.source}: ${errorMessage(rollbackError)}`),
    );
    await journal.finish();
    throw err;
  }
  await journal.finish();
  return report;
}

async function rollBack(journal: MergeJournal, target: MergeTarget): Promise<void> {
  for (const append of await journal.unfinishedAppends()) {
    if (append.kind === 'thread') {
      await target.threads.rollBackExternalAppend(append.id, append.from, append.to).catch((err: unknown) => {
        if (errnoCode(err) !== 'ENOENT') throw err;
      });
    } else {
      const path = join(target.threads.storageRoot, 'checkpoints', `${append.id}.jsonl`);
      const size = await completeLength(path);
      if (size > append.from && size <= append.to) await fs.truncate(path, append.from);
    }
  }
}

async function isStore(folder: string): Promise<boolean> {
  for (const name of ['threads', 'agents'])
    if (
      await fs.stat(join(folder, name)).then(
        (s) => s.isDirectory(),
        () => false,
      )
    )
      return true;
  return false;
}

function emptyOutcome(): MergeOutcome {
  return { added: [], extended: [], unchanged: [], copied: [] };
}

type ThreadMeta = Omit<Thread, 'message_count' | 'last_activity_at'>;

/** One run of a merge, under its journal. */
class StoreMerge {
  private readonly report: MergeReport = {
    threads: emptyOutcome(),
    agents: emptyOutcome(),
    checkpoints: { contents: 0, journals: 0 },
    problems: [],
  };
  private readonly source: string;
  private readonly root: string;
  private readonly logger: Logger;

  constructor(
    private readonly journal: MergeJournal,
    private readonly target: MergeTarget,
    private readonly options: MergeOptions,
  ) {
    this.source = journal.source;
    this.root = target.threads.storageRoot;
    this.logger = options.logger ?? silentLogger;
  }

  async run(): Promise<MergeReport> {
    // Contents first, then agents, then threads with their change journals: whatever a crash leaves in place can
    // find what it refers to.
    await this.mergeContents();
    for (const id of await validIds(join(this.source, 'agents'), 'asst')) await this.mergeAgent(id);
    for (const id of await validIds(join(this.source, 'threads'), 'thread')) await this.mergeThread(id);
    return this.report;
  }

  // ---- threads ----

  private async mergeThread(sourceId: string): Promise<void> {
    const folder = join(this.source, 'threads', sourceId);
    const log = join(folder, 'messages.jsonl');
    let meta: ThreadMeta | undefined;
    try {
      meta = (await readJsonFile(join(folder, 'thread.json'))) as ThreadMeta | undefined;
    } catch (err) {
      this.report.problems.push(`Thread ${sourceId}: its thread.json is unreadable (${errorMessage(err)}).`);
      return;
    }
    if (!meta) return; // a thread being created or deleted there: not a thread yet
    const length = await completeLength(log);
    for (let n = 0; ; n++) {
      const id = n === 0 ? sourceId : copyId('thread', sourceId, n);
      const bytes = () => (n === 0 ? fileChunks(log, 0, length) : rewriteThreadLog(fileChunks(log, 0, length), id));
      if (!(await this.target.threads.has(id))) {
        const staged = join(this.journal.staging, id);
        await fs.mkdir(staged, { recursive: true });
        await pipeline(bytes(), createWriteStream(join(staged, 'messages.jsonl')));
        if (n === 0) {
          await fs.copyFile(join(folder, 'thread.json'), join(staged, 'thread.json'));
          // The index is rebuildable; a copy that covers the log spares rebuilding it at the first open.
          for (const name of ['messages.idx', 'runs.idx']) await fs.copyFile(join(folder, name), join(staged, name)).catch(() => undefined);
        } else {
          const copy: ThreadMeta = { ...meta, id, title: `${meta.title} (${this.journal.copyLabel})` };
          await fs.writeFile(join(staged, 'thread.json'), JSON.stringify(copy));
        }
        await this.options.onStep?.({ step: 'staged', kind: 'thread', id });
        await this.target.threads.adoptThread(staged, id);
        if (n === 0) this.report.threads.added.push(id);
        else {
          this.report.threads.copied.push({ of: sourceId, id });
          this.logger.info(`Thread ${sourceId} went on differently in ${this.source}; kept its version there as ${id}.`);
        }
        return this.threadMerged(sourceId, id);
      }
      const relation = await this.continueThread(id, bytes);
      if (relation === 'diverged') continue;
      (relation === 'longer' ? this.report.threads.extended : this.report.threads.unchanged).push(id);
      return this.threadMerged(sourceId, id);
    }
  }

  /** Compares a thread's log with the source's under its lock, and appends what the source has beyond it. */
  private async continueThread(id: string, bytes: () => AsyncIterable<Uint8Array>): Promise<LogRelation['kind']> {
    let kind = 'covered' as LogRelation['kind'];
    await this.target.threads.appendExternalRecords(id, async (log) => {
      const relation = await relateLogs(log.path, log.size, bytes());
      kind = relation.kind;
      if (relation.kind !== 'longer') return undefined;
      // Staged first, so the journal can say where the append will end before it starts.
      const tail = join(this.journal.staging, `${id}.tail`);
      await pipeline(relation.tail, createWriteStream(tail));
      const { size } = await fs.stat(tail);
      await this.journal.noteAppend({ kind: 'thread', id, from: log.size, to: log.size + size });
      return this.reporting(id, fileChunks(tail, 0, size));
    });
    if (kind === 'longer') await this.journal.noteAppended('thread', id);
    return kind;
  }

  private async *reporting(id: string, chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let bytes = 0;
    for await (const chunk of chunks) {
      if (bytes > 0) await this.options.onStep?.({ step: 'appending', kind: 'thread', id, bytes });
      bytes += chunk.length;
      yield chunk;
    }
  }

  private async threadMerged(sourceId: string, id: string): Promise<void> {
    await this.mergeChangeJournal(sourceId, id);
    await this.options.onStep?.({ step: 'merged', kind: 'thread', id });
  }

  // ---- checkpoints ----

  /** Copies the content objects the target lacks; they are named by their hash, so one that exists is the same. */
  private async mergeContents(): Promise<void> {
    const from = join(this.source, 'checkpoints', 'contents');
    const to = join(this.root, 'checkpoints', 'contents');
    for (const shard of await fs.readdir(from).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await fs.readdir(join(from, shard)).catch(() => [] as string[])) {
        if (!/^[0-9a-f]{64}$/.test(name) || !name.startsWith(shard)) continue;
        const destination = join(to, shard, name);
        if (
          await fs.stat(destination).then(
            () => true,
            () => false,
          )
        )
          continue;
        await fs.mkdir(join(to, shard), { recursive: true });
        const staged = join(this.journal.staging, name);
        await fs.copyFile(join(from, shard, name), staged);
        try {
          await fs.link(staged, destination); // never replaces: another writer's copy of the same hash is the same bytes
          this.report.checkpoints.contents++;
        } catch (err) {
          if (errnoCode(err) !== 'EEXIST') throw err;
        } finally {
          await fs.rm(staged, { force: true });
        }
      }
    }
  }

  /** A thread's change journal follows the same prefix rule as its log, under the thread's id in the target. */
  private async mergeChangeJournal(sourceId: string, id: string): Promise<void> {
    const from = join(this.source, 'checkpoints', `${sourceId}.jsonl`);
    const length = await completeLength(from);
    if (length === 0) return;
    const folder = join(this.root, 'checkpoints');
    const to = join(folder, `${id}.jsonl`);
    await fs.mkdir(folder, { recursive: true });
    const staged = join(this.journal.staging, `${id}.jsonl`);
    const present = await fs.stat(to).then(
      () => true,
      () => false,
    );
    if (!present) {
      await pipeline(fileChunks(from, 0, length), createWriteStream(staged));
      try {
        await fs.link(staged, to);
        this.report.checkpoints.journals++;
        return;
      } catch (err) {
        if (errnoCode(err) !== 'EEXIST') throw err; // a run of this thread started its journal meanwhile: compare
      } finally {
        await fs.rm(staged, { force: true });
      }
    }
    const size = await completeLength(to);
    const relation = await relateLogs(to, size, fileChunks(from, 0, length));
    if (relation.kind === 'diverged') {
      this.report.problems.push(`Thread ${id}: its checkpoints went on differently in both stores; the target's are kept.`);
      return;
    }
    if (relation.kind === 'covered') return;
    await pipeline(relation.tail, createWriteStream(staged));
    const tail = (await fs.stat(staged)).size;
    await this.journal.noteAppend({ kind: 'changeJournal', id, from: size, to: size + tail });
    // A torn last line (a crash mid-write) was never acknowledged: the continuation starts on a line of its own.
    await fs.truncate(to, size);
    await pipeline(fileChunks(staged, 0, tail), createWriteStream(to, { flags: 'a' }));
    await fs.rm(staged, { force: true });
    await this.journal.noteAppended('changeJournal', id);
    this.report.checkpoints.journals++;
  }

  // ---- agents ----

  /** An agent is the list of its versions: the same prefix rule, version by version, byte for byte. */
  private async mergeAgent(sourceId: string): Promise<void> {
    const folder = join(this.source, 'agents', sourceId);
    const versions = new Map<number, Buffer>();
    for (const name of await fs.readdir(folder).catch(() => [] as string[])) {
      const match = /^v(\d{6,})\.json$/.exec(name);
      if (match) versions.set(Number(match[1]), await fs.readFile(join(folder, name)));
    }
    if (versions.size === 0) return;
    const agents = this.target.agents;
    for (let n = 0; ; n++) {
      const id = n === 0 ? sourceId : copyId('asst', sourceId, n);
      const wanted = n === 0 ? versions : this.renamedAgent(versions, id);
      if (!wanted) {
        this.report.problems.push(`Agent ${sourceId}: a version is unreadable; the agent was left out.`);
        return;
      }
      const present = await agents.versions(id);
      if (present.length === 0) {
        const staged = join(this.journal.staging, id);
        await fs.mkdir(staged, { recursive: true });
        for (const [version, data] of wanted) await fs.writeFile(join(staged, `v${String(version).padStart(6, '0')}.json`), data);
        await this.options.onStep?.({ step: 'staged', kind: 'agent', id });
        await agents.adoptAgent(staged, id);
        if (n === 0) this.report.agents.added.push(id);
        else this.report.agents.copied.push({ of: sourceId, id });
        return this.options.onStep?.({ step: 'merged', kind: 'agent', id });
      }
      // Kept once only when one list of versions starts the other and the versions both have are the same bytes.
      const theirs = [...wanted.keys()].sort((a, b) => a - b);
      const shorter = present.length <= theirs.length ? present : theirs;
      const longer = shorter === present ? theirs : present;
      let same = shorter.every((version, i) => longer[i] === version);
      for (const version of same ? shorter : []) {
        const ours = await agents.versionBytes(id, version);
        if (!ours?.equals(wanted.get(version)!)) same = false;
      }
      if (!same) continue;
      let added = false;
      for (const [version, data] of [...wanted].sort(([a], [b]) => a - b)) {
        if (!present.includes(version)) added = (await agents.addVersionBytes(id, version, data)) || added;
      }
      (added ? this.report.agents.extended : this.report.agents.unchanged).push(id);
      return this.options.onStep?.({ step: 'merged', kind: 'agent', id });
    }
  }

  /** The versions of an agent's copy: its own id, and a name that says where it came from. */
  private renamedAgent(versions: Map<number, Buffer>, id: string): Map<number, Buffer> | undefined {
    const renamed = new Map<number, Buffer>();
    for (const [version, data] of versions) {
      try {
        const agent = JSON.parse(data.toString('utf8')) as { id: string; name: string };
        renamed.set(version, Buffer.from(JSON.stringify({ ...agent, id, name: `${agent.name} (${this.journal.copyLabel})` }, null, 2)));
      } catch {
        return undefined;
      }
    }
    return renamed;
  }
}

async function validIds(folder: string, prefix: 'thread' | 'asst'): Promise<string[]> {
  const names = await fs.readdir(folder).catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return [] as string[];
    throw err;
  });
  return names.filter((name) => isValidId(prefix, name)).sort();
}
