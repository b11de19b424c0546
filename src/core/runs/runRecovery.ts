// Closes runs a previous session left unfinished (VS Code closed or crashed mid-run), or carries on those that can go
// on (a run paused at a budget; a background response cut off in a model turn, when the engine is asked to). A run
// marks its thread's metadata with its id while it is active, so recovery reads the thread list (two small files per
// thread, which the UI reads at start anyway) and only opens the logs of threads that carry a marker.

import { hostname } from 'node:os';
import type { Message } from '../domain/message';
import type { Run } from '../domain/run';
import type { ThreadStore } from '../store/threadStore';
import type { Logger } from '../util/logger';
import type { RunEngineEvent } from './runRecorder';
import { isTerminal, transition } from './runState';
import { errnoCode, errorMessage } from '../util/errors';

/** Thread metadata key naming the run that is active on the thread. */
export const ACTIVE_RUN_KEY = 'active_run';
/** Thread metadata key naming the process running it (`host:pid`), so a second window leaves live runs alone. */
export const ACTIVE_RUN_OWNER_KEY = 'active_run_owner';

/** This process, as recorded in ACTIVE_RUN_OWNER_KEY. */
export function runOwner(): string {
  return `${hostname()}:${process.pid}`;
}

/** Whether another live process on this machine owns the run (another VS Code window on the same workspace). */
function ownedByAnotherLiveProcess(owner: string | undefined): boolean {
  if (!owner || owner === runOwner()) return false;
  const separator = owner.lastIndexOf(':');
  const host = owner.slice(0, separator);
  const pid = Number(owner.slice(separator + 1));
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it is alive all the same.
    return errnoCode(error) === 'EPERM';
  }
}

export const INTERRUPTED_MESSAGE =
  'The run was interrupted because VS Code closed or the extension stopped while it was running. Run the agent again to continue.';

export interface RecoveryHooks {
  /** Whether this engine is running something on the thread right now (then it is not interrupted). */
  isActive(threadId: string): boolean;
  now(): number;
  clearMarker(threadId: string, runId: string): Promise<void>;
  announce(event: RunEngineEvent): void;
  logger: Logger;
  /** Takes over a run that waits at a budget (such a pause survives restarts); false when it cannot. */
  adoptPaused?(run: Run): Promise<boolean>;
  /**
   * Starts the model turn of an interrupted background response again, calling `tidy` (see tidyCutOffTurn) once it
   * knows it can and before it does; false when it cannot (nothing was changed), and the run is closed as interrupted.
   */
  restartBackground?(run: Run, tidy: () => Promise<void>): Promise<boolean>;
}

/**
 * Marks every interrupted run (of thread `onlyThreadId`, when given) failed with code `interrupted`, its open
 * message incomplete and open steps failed.
 */
export async function recoverInterruptedRuns(threads: ThreadStore, hooks: RecoveryHooks, onlyThreadId?: string): Promise<Run[]> {
  const recovered: Run[] = [];
  for (const thread of onlyThreadId === undefined ? await threads.list() : [await threads.get(onlyThreadId)]) {
    const runId = thread.metadata[ACTIVE_RUN_KEY];
    if (!runId || hooks.isActive(thread.id) || ownedByAnotherLiveProcess(thread.metadata[ACTIVE_RUN_OWNER_KEY])) continue;
    try {
      const run = await threads.getRun(thread.id, runId).catch(() => undefined);
      if (run && waitsAtBudget(run) && (await hooks.adoptPaused?.(run))) continue;
      if (
        run &&
        hooks.restartBackground &&
        (await restartableTurn(threads, run)) &&
        (await hooks.restartBackground(run, () => tidyCutOffTurn(threads, run, hooks)))
      )
        continue;
      if (run && !isTerminal(run.status)) recovered.push(await closeInterrupted(threads, run, hooks));
      await hooks.clearMarker(thread.id, runId);
    } catch (error) {
      hooks.logger.warn(`Could not close interrupted run ${runId} of thread ${thread.id}: ${errorMessage(error)}`);
    }
  }
  if (recovered.length) hooks.logger.info(`Closed ${recovered.length} run(s) interrupted when the extension last stopped.`);
  return recovered;
}

/** A run that paused before a model call at a budget: nothing was in flight, so it can wait on after a restart. */
function waitsAtBudget(run: Run): boolean {
  return run.status === 'requires_action' && run.required_action?.type === 'budget_exceeded';
}

/**
 * Whether an interrupted run is a background response whose model turn can simply start again: only a model turn
 * is restarted. A run with a tool call left without its output (a workspace tool may have half run) or with answers
 * to earlier calls not yet written is closed as interrupted, as any other run.
 */
async function restartableTurn(threads: ThreadStore, run: Run): Promise<boolean> {
  if (isTerminal(run.status) || run.status === 'requires_action' || run.status === 'cancelling' || !run.response?.background) return false;
  const recent = await threads.readNewest(run.thread_id, 20);
  const answered = new Set(run.response.answered_calls.map((answer) => answer.call_id));
  const unanswered = (message: Message): boolean =>
    Boolean(message.tool_calls?.some((call) => call.function.output === null && (message.run_id === run.id || answered.has(call.id))));
  if (recent.some(unanswered)) return false;
  const steps = await threads.listRunSteps(run.thread_id, run.id);
  return !steps.some((step) => step.status === 'in_progress' && step.type === 'tool_calls');
}

/** Fails the run's steps the cut-off session left in progress, saying why. */
async function failUnfinishedSteps(threads: ThreadStore, run: Run, message: string, now: number, hooks: RecoveryHooks): Promise<void> {
  for (const step of await threads.listRunSteps(run.thread_id, run.id)) {
    if (step.status !== 'in_progress') continue;
    const failed = { ...step, status: 'failed' as const, failed_at: now, last_error: { code: 'server_error' as const, message } };
    await threads.saveRunStep(failed);
    hooks.announce({ event: 'thread.run.step.failed', data: failed, thread_id: run.thread_id, run_id: run.id });
  }
}

/**
 * Tidies what the interruption cut off before the turn starts again from the stored thread: the half-written answer
 * is hidden (the log is append-only, so a tombstone hides it; neither the model nor the response shows it again) and
 * the step that wrote it fails, saying why.
 */
async function tidyCutOffTurn(threads: ThreadStore, run: Run, hooks: RecoveryHooks): Promise<void> {
  const now = hooks.now();
  for (const message of await threads.readNewest(run.thread_id, 20)) {
    if (message.run_id !== run.id || message.status !== 'in_progress') continue;
    await threads.hideMessage(run.thread_id, message.id);
  }
  await failUnfinishedSteps(threads, run, RESTARTED_MESSAGE, now, hooks);
}

/** Why the step of a restarted background response's cut-off model turn failed. */
export const RESTARTED_MESSAGE = 'VS Code closed during this model turn; the background response started the turn again when it reopened.';

async function closeInterrupted(threads: ThreadStore, run: Run, hooks: RecoveryHooks): Promise<Run> {
  const now = hooks.now();
  // The run's own messages are the newest ones unless the user wrote more since; a short look back is enough.
  for (const message of await threads.readNewest(run.thread_id, 20)) {
    if (message.run_id !== run.id || message.status !== 'in_progress') continue;
    const updated = await threads.updateMessage(run.thread_id, message.id, {
      status: 'incomplete',
      incomplete_details: { reason: 'run_failed' },
      incomplete_at: now,
    });
    hooks.announce({ event: 'thread.message.incomplete', data: updated, thread_id: run.thread_id, run_id: run.id });
  }
  await failUnfinishedSteps(threads, run, INTERRUPTED_MESSAGE, now, hooks);
  const failed = transition(run, 'failed', now, { last_error: { code: 'interrupted', message: INTERRUPTED_MESSAGE } });
  await threads.saveRun(failed);
  hooks.announce({ event: 'thread.run.failed', data: failed, thread_id: run.thread_id, run_id: run.id });
  return failed;
}
