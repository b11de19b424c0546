// Where a window's turn ledger outlives it. Foundry keeps a conversation's items, not our runs: without this file a
// reload forgets which run wrote each answer (its footer, its agent version, its time) and every run's steps.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import type { Run, RunStep } from '../../../domain/run';
import { isTerminal } from '../../../runs/runState';
import { INTERRUPTED_MESSAGE } from '../../../runs/runRecovery';
import { errnoCode, errorMessage } from '../../../util/errors';
import type { Logger } from '../../../util/logger';
import type { ItemOrigin } from './agentServiceMapping';

/** What the file holds: the ledger's maps as entry lists, newest last within each. */
export interface LedgerSnapshot {
  version: 1;
  runs: [threadId: string, runs: Run[]][];
  steps: [runId: string, steps: RunStep[]][];
  origins: [itemId: string, origin: ItemOrigin][];
  outputs: [callId: string, output: string][];
}

/** How much a ledger keeps: runs per conversation, conversations, and item origins and call outputs. */
export interface LedgerLimits {
  runsPerThread: number;
  threads: number;
  remembered: number;
}

/** A save waits this long for more changes: a turn remembers several items and saves its run within a second or so. */
const SAVE_DELAY_MS = 1000;

export class TurnLedgerFile {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private snapshotOf: (() => LedgerSnapshot) | undefined;

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
    private readonly limits: LedgerLimits,
  ) {}

  /**
   * What an earlier window saved; nothing when there is no file or it cannot be read (said in the log: the
   * conversations themselves are the service's, so a lost ledger costs footers and labels, never messages). Runs it
   * left unfinished end as interrupted, as a local thread's do.
   */
  load(): LedgerSnapshot | undefined {
    const snapshot = this.read();
    if (snapshot) snapshot.runs = snapshot.runs.map(([threadId, runs]) => [threadId, runs.map(interruptedIfUnfinished)]);
    return snapshot;
  }

  private read(): LedgerSnapshot | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') this.logger.warn(`Could not read the Foundry run history ${this.path}: ${errorMessage(error)}`);
      return undefined;
    }
    try {
      const snapshot = JSON.parse(text) as LedgerSnapshot;
      if (snapshot?.version !== 1 || ![snapshot.runs, snapshot.steps, snapshot.origins, snapshot.outputs].every(Array.isArray))
        throw new Error('not a run history of this version');
      return snapshot;
    } catch (error) {
      this.logger.warn(`Ignored the Foundry run history ${this.path}, which is damaged: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /** Saves soon, the ledger as `snapshot` gives it then. */
  scheduleSave(snapshot: () => LedgerSnapshot): void {
    this.snapshotOf = snapshot;
    this.timer ??= setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  /** Saves now what a scheduled save would have (also when the backend goes: a window closing keeps its runs). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ours = this.snapshotOf?.();
    this.snapshotOf = undefined;
    if (!ours) return;
    // Another window on the same project saves here too: what it saved stays, and this window's own entries win.
    const onDisk = this.read();
    const snapshot = onDisk ? mergeSnapshots(ours, onDisk, this.limits) : ours;
    // Synchronous: the file is small (bounded by the ledger), and a flush on dispose must land before the host exits.
    // A temp file and a rename, so a reader never sees half of it.
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.mkdirSync(dirname(this.path), { recursive: true });
      fs.writeFileSync(temp, JSON.stringify(snapshot));
      fs.renameSync(temp, this.path);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      this.logger.warn(`Could not save the Foundry run history ${this.path}: ${errorMessage(error)}`);
    }
  }
}

function interruptedIfUnfinished(run: Run): Run {
  if (isTerminal(run.status)) return run;
  const now = Math.floor(Date.now() / 1000);
  const last_error = { code: 'interrupted' as const, message: INTERRUPTED_MESSAGE };
  return { ...run, status: 'failed', required_action: null, expires_at: null, failed_at: now, last_error };
}

/** Both windows' entries, this one's winning where both have one, within the ledger's bounds. */
export function mergeSnapshots(ours: LedgerSnapshot, theirs: LedgerSnapshot, limits: LedgerLimits): LedgerSnapshot {
  const runs = new Map(theirs.runs);
  for (const [threadId, mine] of ours.runs) {
    const known = new Set(mine.map((run) => run.id));
    const merged = [...mine, ...(runs.get(threadId) ?? []).filter((run) => !known.has(run.id))];
    merged.sort((a, b) => b.created_at - a.created_at);
    runs.delete(threadId); // this window's conversations are the most recently run: they go last, and are kept
    runs.set(threadId, merged.slice(0, limits.runsPerThread));
  }
  const keptRuns = [...runs].slice(-limits.threads);
  const runIds = new Set(keptRuns.flatMap(([, list]) => list.map((run) => run.id)));
  const steps = new Map([...theirs.steps, ...ours.steps].filter(([runId]) => runIds.has(runId)));
  const latest = <V>(a: [string, V][], b: [string, V][]) => [...new Map([...a, ...b])].slice(-limits.remembered);
  return {
    version: 1,
    runs: keptRuns,
    steps: [...steps],
    origins: latest(theirs.origins, ours.origins),
    outputs: latest(theirs.outputs, ours.outputs),
  };
}
