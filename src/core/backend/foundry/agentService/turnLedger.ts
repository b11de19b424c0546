import type { Run, RunStep } from '../../../domain/run';
import type { ItemOrigin } from './agentServiceMapping';
import type { RunLedger } from './conversationThreads';
import type { LedgerLimits, LedgerSnapshot, TurnLedgerFile } from './turnLedgerFile';

export const LEDGER_LIMITS: LedgerLimits = {
  /** Runs kept per conversation, newest first: the tree and run details need the recent ones only. */
  runsPerThread: 20,
  /** Conversations whose runs are kept, the most recently run ones: bounds the ledger (and its file) over months of use. */
  threads: 100,
  /** Function call outputs and item origins remembered, newest first, bounded over a long session. */
  remembered: 2000,
};

/**
 * What this window knows of the runs it made (and, with a file, what earlier windows made). Foundry keeps responses,
 * not runs, and a run here is a turn: the chain of responses from the user's message to the answer, with the function
 * call rounds between.
 */
export class TurnLedger implements RunLedger {
  private readonly byThread = new Map<string, Run[]>();
  private readonly stepsByRun = new Map<string, RunStep[]>();
  private readonly rememberedOrigins = new Map<string, ItemOrigin>();
  private readonly rememberedOutputs = new Map<string, string>();

  constructor(private readonly file?: TurnLedgerFile) {
    const saved = file?.load();
    if (!saved) return;
    for (const [threadId, runs] of saved.runs) this.byThread.set(threadId, runs);
    for (const [runId, steps] of saved.steps) this.stepsByRun.set(runId, steps);
    for (const [itemId, origin] of saved.origins) this.rememberedOrigins.set(itemId, origin);
    for (const [callId, output] of saved.outputs) this.rememberedOutputs.set(callId, output);
  }

  get origins(): ReadonlyMap<string, ItemOrigin> {
    return this.rememberedOrigins;
  }

  get outputs(): ReadonlyMap<string, string> {
    return this.rememberedOutputs;
  }

  /** Oldest first, as every backend's listRuns gives them (kept newest first here). */
  runs(threadId: string): Run[] {
    return [...(this.byThread.get(threadId) ?? [])].reverse();
  }

  run(threadId: string, runId: string): Run | undefined {
    return this.byThread.get(threadId)?.find((run) => run.id === runId);
  }

  steps(_threadId: string, runId: string): RunStep[] | undefined {
    return this.stepsByRun.get(runId);
  }

  save(run: Run, steps: readonly RunStep[]): void {
    const runs = (this.byThread.get(run.thread_id) ?? []).filter((known) => known.id !== run.id);
    runs.unshift(run);
    for (const dropped of runs.splice(LEDGER_LIMITS.runsPerThread)) this.stepsByRun.delete(dropped.id);
    // Delete first: a Map keeps insertion order, so the conversation run last moves to the end, the oldest to the front.
    this.byThread.delete(run.thread_id);
    this.byThread.set(run.thread_id, runs);
    this.stepsByRun.set(run.id, [...steps]);
    for (const [threadId, dropped] of [...this.byThread].slice(0, -LEDGER_LIMITS.threads)) {
      this.byThread.delete(threadId);
      for (const old of dropped) this.stepsByRun.delete(old.id);
    }
    this.changed();
  }

  remember(itemId: string, origin: ItemOrigin): void {
    bounded(this.rememberedOrigins, itemId, origin);
    this.changed();
  }

  rememberOutput(callId: string, output: string): void {
    bounded(this.rememberedOutputs, callId, output);
    this.changed();
  }

  /** Saves what is pending now (the backend is going away). */
  flush(): void {
    this.file?.flush();
  }

  private changed(): void {
    this.file?.scheduleSave(() => this.snapshot());
  }

  private snapshot(): LedgerSnapshot {
    return {
      version: 1,
      runs: [...this.byThread],
      steps: [...this.stepsByRun],
      origins: [...this.rememberedOrigins],
      outputs: [...this.rememberedOutputs],
    };
  }
}

function bounded<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > LEDGER_LIMITS.remembered) map.delete(map.keys().next().value!);
}
