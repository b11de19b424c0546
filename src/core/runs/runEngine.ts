// Public face of runs: starts them, lets the UI approve tools, cancel, and hear every event. One active run per
// thread. The run itself lives in runLoop.ts; this class owns the bookkeeping around it.

import { type Agent, type AgentModel, agentDefaults } from '../domain/agent';
import { nowSeconds } from '../domain/common';
import type { Run, ToolApproval, ToolOutput } from '../domain/run';
import { UNTITLED_THREAD_TITLE } from '../domain/thread';
import type { ModelClient, ModelProfile } from '../model/types';
import type { AgentStore } from '../store/agentStore';
import type { CreateThreadOptions, ThreadStore } from '../store/threadStore';
import { withAllowedTools } from '../tools/approvalPolicy';
import type { ToolRegistry } from '../tools/toolRegistry';
import { Emitter } from '../util/emitter';
import { type Logger, silentLogger } from '../util/logger';
import { ActiveRun, type RunServices, type ToolDecision } from './activeRun';
import type { ContentReaders } from './contextBuilder';
import { runLoop } from './runLoop';
import type { RunBudgets } from '../budgets/runBudgets';
import { type BudgetDecision, budgetStopMessage } from './budgetHold';
import { compactThread, regenerateSummary } from './compactor';
import type { Message } from '../domain/message';
import { ACTIVE_RUN_KEY, ACTIVE_RUN_OWNER_KEY, recoverInterruptedRuns, runOwner } from './runRecovery';
import { RunError } from './runErrors';
import { RunRecorder, type RunEngineEvent } from './runRecorder';
import { isTerminal, newRun, type RunOverrides } from './runState';
import { titleFromFirstUserMessage } from './threadTitle';
import { errorMessage } from '../util/errors';
import { noopTracer, type Tracer } from '../util/tracing';
import { endRunSpan, startRunSpan } from './runTracing';

export interface RunEngineOptions {
  threads: ThreadStore;
  /** Where agents are looked up (the store, or a catalog that adds agents defined in files). */
  agents: Pick<AgentStore, 'get'>;
  tools: ToolRegistry;
  /** The client and profile for an agent's model, or undefined when that profile is not configured. */
  resolveModel: (model: AgentModel) => { client: ModelClient; profile: ModelProfile } | undefined;
  logger?: Logger;
  /** Current time in Unix seconds (tests may pin it). */
  clock?: () => number;
  /** Tool rounds a run may make before it ends as incomplete. Default 10. */
  maxToolRounds?: number;
  /** How long a run waits in requires_action before it expires. Default 10 minutes. */
  approvalTimeoutMs?: number;
  /** How often a streaming answer's partial text is saved. Default 2 s. */
  checkpointMs?: number;
  /** Readers for image files and file references in messages. */
  readers?: ContentReaders;
  /** Where runs, model calls and tool calls open spans. Default: none. */
  tracer?: Tracer;
  /** Budgets checked before each model call and the ledger of usage. Default: none. */
  budgets?: RunBudgets;
  /**
   * Whether a background response a previous session left in progress starts its model turn again here (the local
   * API is on, so its caller can still retrieve it), rather than ending failed with code `interrupted`. Default: no.
   */
  restartsBackgroundResponses?: () => boolean;
}

/** Runs agents on threads, streaming RunEvents to listeners. */
export class RunEngine {
  private readonly events = new Emitter<RunEngineEvent>();
  /** Every event of every run, in order, delivered synchronously. */
  readonly onEvent = this.events.event;
  private readonly active = new Map<string, ActiveRun>();
  /** Threads whose createRun is between its checks and its first save. */
  private readonly starting = new Set<string>();
  private readonly metadataQueues = new Map<string, Promise<unknown>>();
  private readonly services: RunServices;
  private readonly background = new Set<Promise<void>>();

  constructor(private readonly options: RunEngineOptions) {
    this.services = {
      threads: options.threads,
      tools: options.tools,
      logger: options.logger ?? silentLogger,
      now: options.clock ?? nowSeconds,
      readers: options.readers ?? {},
      maxToolRounds: options.maxToolRounds ?? 10,
      approvalTimeoutMs: options.approvalTimeoutMs ?? 10 * 60_000,
      checkpointMs: options.checkpointMs ?? 2_000,
      tracer: options.tracer ?? noopTracer,
      ...(options.budgets ? { budgets: options.budgets } : {}),
      releaseRun: (threadId, runId) =>
        this.editMetadata(threadId, (metadata) => {
          if (metadata[ACTIVE_RUN_KEY] !== runId || !(ACTIVE_RUN_OWNER_KEY in metadata)) return metadata;
          const { [ACTIVE_RUN_OWNER_KEY]: _owner, ...rest } = metadata;
          return rest;
        }),
      allowForThread: (threadId, names) => this.editMetadata(threadId, (metadata) => withAllowedTools(metadata, names)),
    };
  }

  /**
   * Starts a run; resolves with the queued run once it is saved, while the run goes on in the background. `agent` is
   * an agent id, or an agent the caller made up for this run (a Responses request that names only a model).
   */
  async createRun(threadId: string, agentOrId: string | Agent, overrides: RunOverrides = {}): Promise<Run> {
    this.assertIdle(threadId);
    this.starting.add(threadId);
    try {
      const agent = typeof agentOrId === 'string' ? await this.options.agents.get(agentOrId) : agentOrId;
      const model = overrides.model ?? agent.model;
      const resolved = this.options.resolveModel(model);
      if (!resolved) {
        throw new RunError(
          'no_model',
          `No model is configured for profile '${model.profile}' (model '${model.name}'). Configure a model for this profile, then run the agent again.`,
        );
      }
      if (overrides.additional_messages?.length) await this.options.threads.appendMessages(threadId, overrides.additional_messages);
      const run = newRun(threadId, agent, overrides, this.services.now());
      // Marks the thread so recovery after a crash can find this run without reading every thread's runs.
      await this.editMetadata(threadId, (metadata) => ({ ...metadata, [ACTIVE_RUN_KEY]: run.id, [ACTIVE_RUN_OWNER_KEY]: runOwner() }));
      const recorder = new RunRecorder(run, this.options.threads, (event) => this.announce(event), this.services.now);
      const active = new ActiveRun(recorder, agent, resolved.client, resolved.profile, this.services.now);
      active.resume = overrides.resume;
      this.active.set(threadId, active);
      try {
        await recorder.created();
      } catch (error) {
        this.active.delete(threadId);
        throw error;
      }
      active.done = this.track(this.drive(active));
      return run;
    } finally {
      this.starting.delete(threadId);
    }
  }

  /** Creates a thread (with its first messages) and starts a run on it. */
  async createThreadAndRun(thread: CreateThreadOptions, agentId: string, overrides: RunOverrides = {}): Promise<Run> {
    const created = await this.options.threads.create({ agent_id: agentId, ...thread });
    return this.createRun(created.id, agentId, overrides);
  }

  /**
   * Compacts a thread on request with the agent's own model and context window (or writes summary `regenerateId`
   * again). Refused while a run is active on the thread, and when the agent does not compact.
   */
  async compactThread(threadId: string, agentId: string, regenerateId?: string): Promise<Message> {
    this.assertIdle(threadId);
    // Held like a starting run, so no run begins while the summary is being written.
    this.starting.add(threadId);
    try {
      const agent = await this.options.agents.get(agentId);
      const resolved = this.options.resolveModel(agent.model);
      if (!resolved) {
        throw new RunError('no_model', `No model is configured for profile '${agent.model.profile}' (model '${agent.model.name}').`);
      }
      const request = { threadId, agent, client: resolved.client, profile: resolved.profile, signal: new AbortController().signal };
      return await (regenerateId
        ? regenerateSummary(this.options.threads, request, regenerateId)
        : compactThread(this.options.threads, request));
    } finally {
      this.starting.delete(threadId);
    }
  }

  /** The thread's run that is not yet terminal, if any. */
  activeRun(threadId: string): Run | undefined {
    return this.active.get(threadId)?.run;
  }

  /** Answers tool calls waiting in requires_action; the run resumes once every waiting call is answered. */
  async submitToolApprovals(threadId: string, runId: string, approvals: ToolApproval[]): Promise<void> {
    const active = this.waitingRun(threadId, runId);
    const decisions = this.checkedDecisions(
      active,
      approvals.map((a) => [a.tool_call_id, a.approve ? { kind: 'approve' } : { kind: 'deny' }]),
    );
    const always = approvals
      .filter((a) => a.approve && a.alwaysForThread)
      .map((a) => active.pending!.calls.get(a.tool_call_id)!.function.name);
    if (always.length) await this.services.allowForThread(threadId, always);
    active.pending?.decide(decisions);
  }

  /** Supplies outputs for calls waiting in requires_action (function tools executed by the caller). */
  async submitToolOutputs(threadId: string, runId: string, outputs: ToolOutput[]): Promise<void> {
    const active = this.waitingRun(threadId, runId);
    active.pending!.decide(
      this.checkedDecisions(
        active,
        outputs.map((o) => [o.tool_call_id, { kind: 'output', output: o.output }]),
      ),
    );
  }

  /**
   * Continue or Stop on a budget card: Continue raises that budget by its step and the run goes on to its model
   * call; Stop ends it cancelled with the budget as its reason (last_error code budget_exceeded).
   */
  async decideBudget(threadId: string, runId: string, decision: BudgetDecision): Promise<Run> {
    // The start-up pass may not have reached this thread yet: a pause from the last session is adopted now.
    if (!this.active.has(threadId)) await this.recoverInterruptedRuns(threadId);
    const active = this.active.get(threadId);
    if (!active || active.run.id !== runId)
      throw new RunError('run_not_found', `Run ${runId} is not running in thread ${threadId}; it may have finished or expired.`);
    const action = active.run.required_action;
    if (active.run.status !== 'requires_action' || action?.type !== 'budget_exceeded') {
      throw new RunError('run_not_waiting', `Run ${runId} is not waiting at a budget (it is ${active.run.status}).`);
    }
    if (decision === 'continue') {
      active.continueBudget();
      return active.run;
    }
    active.budgetStopMessage = budgetStopMessage(action.budget_exceeded);
    const cancelling = active.recorder.transition('cancelling');
    active.stop('budget');
    await cancelling;
    await active.done;
    return active.run;
  }

  /** Cancels a run (mid-stream too) and resolves with it once it is cancelled; a finished run is returned as is. */
  async cancelRun(threadId: string, runId: string): Promise<Run> {
    const active = this.active.get(threadId);
    if (!active || active.run.id !== runId) return this.options.threads.getRun(threadId, runId);
    if (active.run.status !== 'cancelling' && !isTerminal(active.run.status)) {
      const cancelling = active.recorder.transition('cancelling');
      active.stop('cancelled');
      await cancelling;
    }
    await active.done;
    return active.run;
  }

  /**
   * Closes runs a previous session left unfinished (VS Code closed mid-run) as failed with code `interrupted`: all of
   * them, or those of one thread (a run looked up before the start-up pass reached it).
   */
  async recoverInterruptedRuns(threadId?: string): Promise<Run[]> {
    return recoverInterruptedRuns(
      this.options.threads,
      {
        isActive: (id) => this.active.has(id) || this.starting.has(id),
        now: this.services.now,
        clearMarker: (id, runId) => this.clearMarker(id, runId),
        announce: (event) => this.events.fire(event),
        logger: this.services.logger,
        adoptPaused: (run) => this.adoptPausedRun(run),
        ...(this.options.restartsBackgroundResponses?.()
          ? { restartBackground: (run: Run, tidy: () => Promise<void>) => this.restartBackgroundRun(run, tidy) }
          : {}),
      },
      threadId,
    );
  }

  /**
   * Takes over a run a previous session left waiting at a budget: it waits here again for Continue or Stop. False
   * (then it is closed as interrupted) without budgets, or when its agent or model is gone.
   */
  private async adoptPausedRun(run: Run): Promise<boolean> {
    const threadId = run.thread_id;
    if (!this.services.budgets || this.active.has(threadId) || this.starting.has(threadId)) return false;
    const agent = await this.options.agents.get(run.assistant_id).catch(() => undefined);
    const resolved = agent && this.options.resolveModel(run.model);
    if (!agent || !resolved) return false;
    this.starting.add(threadId);
    try {
      // The marker stays without an owner while the run waits (see releaseRun), so a later session can adopt it too.
      const recorder = new RunRecorder(run, this.options.threads, (event) => this.announce(event), this.services.now);
      const active = new ActiveRun(recorder, agent, resolved.client, resolved.profile, this.services.now);
      active.usage = run.usage;
      this.active.set(threadId, active);
      active.done = this.track(this.drive(active));
      return true;
    } finally {
      this.starting.delete(threadId);
    }
  }

  /**
   * Carries on a background response a previous session left in the middle of a model turn: the run, which holds
   * what its request asked for (model, instructions, tools, sampling, the response's options), goes on in this engine
   * from the stored thread once `tidy` has cleared what the interruption cut off. False, before anything changes, when
   * its agent or model is gone.
   */
  private async restartBackgroundRun(run: Run, tidy: () => Promise<void>): Promise<boolean> {
    const threadId = run.thread_id;
    if (this.active.has(threadId) || this.starting.has(threadId)) return false;
    const agent = run.response?.agent ? await this.options.agents.get(run.assistant_id).catch(() => undefined) : bareModelAgent(run);
    const resolved = agent && this.options.resolveModel(run.model);
    if (!agent || !resolved) return false;
    this.starting.add(threadId);
    try {
      await tidy();
      await this.editMetadata(threadId, (metadata) => ({ ...metadata, [ACTIVE_RUN_KEY]: run.id, [ACTIVE_RUN_OWNER_KEY]: runOwner() }));
      const recorder = new RunRecorder(run, this.options.threads, (event) => this.announce(event), this.services.now);
      const active = new ActiveRun(recorder, agent, resolved.client, resolved.profile, this.services.now);
      active.usage = run.usage;
      this.active.set(threadId, active);
      active.done = this.track(this.drive(active));
      this.services.logger.info(`Background response run ${run.id} of thread ${threadId} goes on after the restart.`);
      return true;
    } finally {
      this.starting.delete(threadId);
    }
  }

  /** Stops every run at once without further writes (recovery closes them on the next start). */
  dispose(): void {
    const runs = [...this.active.values()];
    for (const active of runs) active.stop('disposed');
    this.events.dispose();
  }

  /** Disposes, then resolves when the stopped runs' background work has settled (a shutdown that must wait for it). */
  async stop(): Promise<void> {
    this.dispose();
    await Promise.all([...this.background]);
  }

  /** Announces an event; a run leaves the active set just before its terminal event, so listeners may start the next. */
  private announce(event: RunEngineEvent): void {
    const active = this.active.get(event.thread_id);
    if (active?.run.id === event.run_id && event.data.object === 'thread.run' && isTerminal(event.data.status)) {
      this.active.delete(event.thread_id);
    }
    this.events.fire(event);
  }

  private async drive(active: ActiveRun): Promise<void> {
    const threadId = active.run.thread_id;
    // The run does not wait for its title; setTitleIfDefault() logs a failure and stop() still waits for it.
    void this.track(this.setTitleIfDefault(threadId));
    active.span = startRunSpan(this.services.tracer, active.run, active.agent, active.profile);
    await runLoop(active, this.services);
    await active.recorder.settled();
    endRunSpan(active.span, active.run);
    if (this.active.get(threadId) === active) this.active.delete(threadId);
    if (active.stopReason !== 'disposed') await this.clearMarker(threadId, active.run.id);
  }

  /** Keeps background work in a set so stop can wait for it. */
  private track(work: Promise<void>): Promise<void> {
    this.background.add(work);
    // Cannot reject: what is tracked (drive, setTitleIfDefault) catches and logs its own errors.
    void work.finally(() => this.background.delete(work));
    return work;
  }

  private assertIdle(threadId: string): void {
    const current = this.active.get(threadId);
    if (current || this.starting.has(threadId)) {
      const which = current ? `run ${current.run.id} (${current.run.status})` : 'another run that is starting';
      throw new RunError('thread_busy', `This thread already has ${which}. Wait for it to finish or cancel it before starting another.`);
    }
  }

  private waitingRun(threadId: string, runId: string): ActiveRun {
    const active = this.active.get(threadId);
    if (!active || active.run.id !== runId)
      throw new RunError('run_not_found', `Run ${runId} is not running in thread ${threadId}; it may have finished or expired.`);
    if (active.run.status !== 'requires_action' || !active.pending) {
      throw new RunError('run_not_waiting', `Run ${runId} is not waiting for tool approvals or outputs (it is ${active.run.status}).`);
    }
    return active;
  }

  private checkedDecisions(active: ActiveRun, entries: [string, ToolDecision][]): Map<string, ToolDecision> {
    const pending = active.pending!;
    for (const [id] of entries) {
      if (!pending.calls.has(id)) {
        throw new RunError(
          'unknown_tool_call',
          `Tool call ${id} is not waiting in run ${active.run.id}; waiting calls: ${[...pending.calls.keys()].join(', ')}.`,
        );
      }
    }
    return new Map(entries);
  }

  private async setTitleIfDefault(threadId: string): Promise<void> {
    try {
      const thread = await this.options.threads.get(threadId);
      if (thread.title.trim() && thread.title !== UNTITLED_THREAD_TITLE) return;
      const title = await titleFromFirstUserMessage(this.options.threads, threadId);
      if (title) await this.options.threads.update(threadId, { title });
    } catch (error) {
      this.services.logger.warn(`Could not set the title of thread ${threadId}: ${errorMessage(error)}`);
    }
  }

  private clearMarker(threadId: string, runId: string): Promise<void> {
    return this.editMetadata(threadId, (metadata) => {
      if (metadata[ACTIVE_RUN_KEY] !== runId) return metadata;
      const { [ACTIVE_RUN_KEY]: _cleared, [ACTIVE_RUN_OWNER_KEY]: _owner, ...rest } = metadata;
      return rest;
    }).catch((error: unknown) => this.services.logger.warn(`Could not clear the active run of thread ${threadId}: ${String(error)}`));
  }

  /** Read-modify-write of thread metadata, one at a time per thread, so markers and allowed tools never clobber each other. */
  private editMetadata(threadId: string, edit: (metadata: Record<string, string>) => Record<string, string>): Promise<void> {
    const previous = this.metadataQueues.get(threadId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const thread = await this.options.threads.get(threadId);
      const metadata = edit(thread.metadata);
      if (metadata !== thread.metadata) await this.options.threads.update(threadId, { metadata });
    });
    const tail = next.catch(() => undefined);
    this.metadataQueues.set(threadId, tail);
    // `tail` never rejects; this only forgets a queue that has drained.
    void tail.then(() => {
      if (this.metadataQueues.get(threadId) === tail) this.metadataQueues.delete(threadId);
    });
    return next;
  }
}

/** The agent a response that named only a model ran with: made up from the run, as the API made it up then. */
function bareModelAgent(run: Run): Agent {
  return {
    id: run.assistant_id,
    object: 'assistant',
    version: run.assistant_version,
    name: run.model.name,
    ...agentDefaults(),
    model: run.model,
    created_at: run.created_at,
    updated_at: run.created_at,
  };
}
