import type { Run, RunStep } from '../../../domain/run';
import type { ItemOrigin } from './agentServiceMapping';
import type { RunLedger } from './conversationThreads';

/** Runs kept per conversation, newest first: the tree and run details need the recent ones only. */
const RUNS_PER_THREAD = 20;
/** Function call outputs and item origins remembered, newest first, bounded over a long session. */
const REMEMBERED = 2000;

/**
 * What this window knows of the runs it made. Foundry keeps responses, not runs, and a run here is a turn: the chain
 * of responses from the user's message to the answer, with the function call rounds between.
 */
export class TurnLedger implements RunLedger {
  private readonly byThread = new Map<string, Run[]>();
  private readonly stepsByRun = new Map<string, RunStep[]>();
  readonly origins = new Map<string, ItemOrigin>();
  readonly outputs = new Map<string, string>();

  runs(threadId: string): Run[] {
    return [...(this.byThread.get(threadId) ?? [])];
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
    for (const dropped of runs.splice(RUNS_PER_THREAD)) this.stepsByRun.delete(dropped.id);
    this.byThread.set(run.thread_id, runs);
    this.stepsByRun.set(run.id, [...steps]);
  }

  remember(itemId: string, origin: ItemOrigin): void {
    bounded(this.origins, itemId, origin);
  }

  rememberOutput(callId: string, output: string): void {
    bounded(this.outputs, callId, output);
  }
}

function bounded<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > REMEMBERED) map.delete(map.keys().next().value!);
}
