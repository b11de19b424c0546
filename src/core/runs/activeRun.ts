// The in-memory state of one run while it is not terminal: its recorder, its abort signal, what is half-done
// (so a cancel or failure can close it), and the tool calls waiting for the user.

import type { Agent } from '../domain/agent';
import type { Usage } from '../domain/common';
import { newId } from '../domain/ids';
import type { FunctionToolCall, Run, RunStep } from '../domain/run';
import type { ModelClient, ModelProfile } from '../model/types';
import type { ThreadStore } from '../store/threadStore';
import type { ToolRegistry } from '../tools/toolRegistry';
import type { Logger } from '../util/logger';
import { noopTracer, type TraceSpan, type Tracer } from '../util/tracing';
import type { RunBudgets } from '../budgets/runBudgets';
import type { ContentReaders } from './contextBuilder';
import type { RunRecorder } from './runRecorder';
import type { ResumeAnswers } from './runState';

/** Why a run was stopped from outside its loop. */
export type StopReason = 'cancelled' | 'expired' | 'disposed' | 'budget';

/** What the user (or the caller running a tool elsewhere) decided for a call waiting in requires_action. */
export type ToolDecision = { kind: 'approve' } | { kind: 'deny' } | { kind: 'output'; output: string };

/** Services the run loop needs, shared by every run of an engine. */
export interface RunServices {
  threads: ThreadStore;
  tools: ToolRegistry;
  logger: Logger;
  /** Current time in Unix seconds. */
  now: () => number;
  readers: ContentReaders;
  maxToolRounds: number;
  approvalTimeoutMs: number;
  /** How often the text of a message being streamed is saved, so a crash keeps what was already shown. */
  checkpointMs: number;
  /** Where the run's spans go (a do-nothing tracer while tracing is off). */
  tracer: Tracer;
  /** Budgets checked before each model call, and the ledger of what calls used; none: no budgets, no ledger. */
  budgets?: RunBudgets;
  /**
   * Marks a run waiting at a budget as owned by no process, so the next session adopts it even while this process
   * lingers (a remote extension host outlives a window reload for a while).
   */
  releaseRun?(threadId: string, runId: string): Promise<void>;
  /** Adds tools to the thread's "always allow" list. */
  allowForThread(threadId: string, toolNames: string[]): Promise<void>;
}

/** The message being written by the current model call, kept so a stop can save its partial text. */
export interface OpenTurn {
  messageId: string;
  step: RunStep;
  text: string;
  /** The reasoning summary streamed so far, one entry per paragraph; the finished item replaces it at the end. */
  reasoningSummary: string[];
  /** When the partial text was last saved (ms since the epoch). */
  savedAt: number;
  /** Settles once the turn's opening (its step and empty message) is saved; it is announced before that. */
  opened: Promise<unknown>;
  /** Why the opening could not be saved, once known: the turn stops at its next event. */
  openingError?: { error: unknown };
}

/** Tool calls of the current round, kept so a stop can give unanswered calls an output. */
export interface OpenToolRound {
  messageId: string;
  step: RunStep & { type: 'tool_calls' };
}

/** Calls in requires_action and the decisions received so far. */
export class PendingApprovals {
  readonly decisions = new Map<string, ToolDecision>();
  constructor(
    readonly calls: ReadonlyMap<string, FunctionToolCall>,
    private readonly onComplete: (decisions: Map<string, ToolDecision>) => void,
  ) {}

  /** Records decisions; resumes the run once every waiting call has one. */
  decide(decisions: Map<string, ToolDecision>): void {
    for (const [id, decision] of decisions) this.decisions.set(id, decision);
    if (this.decisions.size === this.calls.size) this.onComplete(this.decisions);
  }
}

/** One run between createRun and its terminal status. */
export class ActiveRun {
  readonly controller = new AbortController();
  stopReason: StopReason | undefined;
  openTurn: OpenTurn | undefined;
  openToolRound: OpenToolRound | undefined;
  pending: PendingApprovals | undefined;
  usage: Usage | null = null;
  /** Why a Stop on the budget card ended the run (its cancelled run's last_error). */
  budgetStopMessage: string | undefined;
  /** Answers to calls an earlier response left open, applied before the first model call. */
  resume: ResumeAnswers | undefined;
  /** The run's `invoke_agent` span, parent of its model and tool calls' spans. */
  span: TraceSpan = noopTracer.startSpan('');
  /** Settles when the run loop has finished (the run is terminal, or the engine was disposed). */
  done: Promise<void> = Promise.resolve();

  constructor(
    readonly recorder: RunRecorder,
    readonly agent: Agent,
    readonly client: ModelClient,
    readonly profile: ModelProfile,
    private readonly now: () => number,
  ) {}

  private budgetGo: (() => void) | undefined;
  private budgetContinued = false;

  get run(): Run {
    return this.recorder.run;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the run: the first reason wins, and every await in the loop ends at once. */
  stop(reason: StopReason): void {
    this.stopReason ??= reason;
    this.controller.abort();
  }

  /** Throws when the run was stopped, so the loop unwinds to its single place that finishes runs. */
  throwIfStopped(): void {
    if (this.signal.aborted) throw new RunStopped(this.stopReason ?? 'cancelled');
  }

  /** Continue on a budget card: lets the run past the budget it waits at, now or as soon as it starts waiting. */
  continueBudget(): void {
    const go = this.budgetGo;
    this.budgetGo = undefined;
    if (go) go();
    else this.budgetContinued = true;
  }

  /** Resolves on continueBudget (or at once when it came first); rejects with RunStopped when the run is stopped. */
  budgetContinue(): Promise<void> {
    return new Promise((resolve, reject) => {
      const signal = this.signal;
      if (signal.aborted) return reject(new RunStopped(this.stopReason ?? 'cancelled'));
      if (this.budgetContinued) {
        this.budgetContinued = false;
        return resolve();
      }
      const onAbort = (): void => {
        this.budgetGo = undefined;
        reject(new RunStopped(this.stopReason ?? 'cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.budgetGo = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
    });
  }

  /** Adds a model call's usage to the run's total. */
  addUsage(usage: Usage | null): void {
    if (!usage) return;
    const total = this.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    this.usage = {
      prompt_tokens: total.prompt_tokens + usage.prompt_tokens,
      completion_tokens: total.completion_tokens + usage.completion_tokens,
      total_tokens: total.total_tokens + usage.total_tokens,
    };
    this.recorder.patch({ usage: this.usage });
  }

  /** A new in-progress step of this run. */
  newStep<T extends RunStep['type']>(type: T, details: Extract<RunStep, { type: T }>['step_details']): Extract<RunStep, { type: T }> {
    return {
      id: newId('step'),
      object: 'thread.run.step',
      thread_id: this.run.thread_id,
      run_id: this.run.id,
      assistant_id: this.run.assistant_id,
      status: 'in_progress',
      last_error: null,
      usage: null,
      metadata: null,
      created_at: this.now(),
      completed_at: null,
      cancelled_at: null,
      failed_at: null,
      expired_at: null,
      type,
      step_details: details,
    } as Extract<RunStep, { type: T }>;
  }
}

/** Thrown inside the loop when the run was stopped from outside. */
export class RunStopped extends Error {
  constructor(readonly reason: StopReason) {
    super(`The run was stopped (${reason}).`);
  }
}
