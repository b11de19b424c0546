// Runs on Foundry: the service calls the model and streams the run; tool calls come back as requires_action and are
// executed here, by our workspace tools, under the same approval policy as local runs, then submitted as outputs.

import type {
  AgentEventMessage,
  AgentsClient,
  MessageDeltaChunk,
  RunStep as FoundryRunStep,
  ThreadMessage,
  ThreadRun,
} from '@azure/ai-agents';
import type { Agent } from '../../domain/agent';
import { isMessageEventName, isRunLifecycleEventName, isRunStepEventName, type RunEvent } from '../../domain/events';
import type { RequiredActionToolCall, Run, RunStep } from '../../domain/run';
import { TERMINAL_RUN_STATUSES, waitingToolCalls } from '../../domain/run';
import { UNTITLED_THREAD_TITLE } from '../../domain/thread';
import { deniedByUserOutput, decideToolCall } from '../../runs/toolRound';
import { titleFromFirstUserMessage } from '../../runs/threadTitle';
import { allowedToolsOf } from '../../tools/approvalPolicy';
import { rememberAlwaysAllowed } from './alwaysAllowed';
import type { ToolRegistry } from '../../tools/toolRegistry';
import type { Logger } from '../../util/logger';
import type { ToolApproval } from '../../domain/run';
import type { RunService } from '../backend';
import type { FoundryAgents } from './foundryAgents';
import { callFoundry, toFoundryError } from './foundryErrors';
import type { FoundryEvents } from './foundryEvents';
import { toMessage, toRun, toRunStep } from './foundryMapping';
import type { FoundryThreads } from './foundryThreads';
import { errorMessage } from '../../util/errors';

type EventStream = AsyncIterable<AgentEventMessage>;

interface PendingApprovals {
  calls: RequiredActionToolCall[];
  outputs: Map<string, string>;
  /** Calls still waiting for the user's decision. */
  waiting: Set<string>;
}

interface ActiveFoundryRun {
  run: Run;
  agent: Agent;
  /** Aborts local tool calls and stops reading the stream when the run is cancelled. */
  controller: AbortController;
  /** The newest tool_calls step, kept to show outputs as our tools produce them. */
  toolStep?: RunStep;
  pending?: PendingApprovals;
  messagesCreated: number;
}

export class FoundryRuns implements RunService {
  get onEvent() {
    return this.events.runEvent.event;
  }
  private readonly active = new Map<string, ActiveFoundryRun>();

  constructor(
    private readonly client: AgentsClient,
    private readonly events: FoundryEvents,
    private readonly threads: FoundryThreads,
    private readonly agents: FoundryAgents,
    private readonly tools: ToolRegistry,
    private readonly logger: Logger,
    /** Shared with FoundryThreads, which fills outputs into the steps it reads back. */
    private readonly toolOutputs: Map<string, string>,
  ) {}

  activeRun(threadId: string): Run | undefined {
    return this.active.get(threadId)?.run;
  }

  async createRun(threadId: string, agentId: string): Promise<Run> {
    const busy = this.active.get(threadId)?.run;
    if (busy)
      throw new Error(
        `This thread already has run ${busy.id} (${busy.status}). Wait for it to finish or cancel it before starting another.`,
      );
    const agent = await this.agents.get(agentId);
    await this.nameThread(threadId);
    const stream = await callFoundry('start a run', () => this.client.runs.create(threadId, agentId).stream());
    const iterator = stream[Symbol.asyncIterator]();
    const first = await callFoundry('start a run', () => iterator.next());
    if (first.done || !isRunLifecycleEventName(String(first.value.event)))
      throw toFoundryError(new Error('the service ended the stream before the run was created'), 'start a run');
    const active: ActiveFoundryRun = {
      run: toRun(first.value.data as ThreadRun),
      agent,
      controller: new AbortController(),
      messagesCreated: 0,
    };
    this.active.set(threadId, active);
    this.handle(active, first.value);
    // The run streams in the background; consume() turns every failure into a failed run.
    void this.consume(active, { [Symbol.asyncIterator]: () => iterator });
    return active.run;
  }

  async submitToolApprovals(threadId: string, runId: string, approvals: ToolApproval[]): Promise<void> {
    const active = this.active.get(threadId) ?? (await this.adopt(threadId, runId));
    if (!active || active.run.id !== runId || !active.pending) throw new Error(`Run ${runId} is not waiting for approval.`);
    const pending = active.pending;
    await rememberAlwaysAllowed(this.threads, threadId, approvals, pending.calls);
    await Promise.all(
      approvals.map(async (approval) => {
        const call = pending.calls.find((c) => c.id === approval.tool_call_id);
        if (!call || !pending.waiting.delete(call.id)) return;
        pending.outputs.set(call.id, approval.approve ? await this.execute(active, call) : deniedByUserOutput(call.function.name));
        this.showOutputs(active, pending.outputs);
      }),
    );
    if (pending.waiting.size === 0 && !active.controller.signal.aborted) await this.submit(active, pending.outputs);
  }

  async cancelRun(threadId: string, runId: string): Promise<Run> {
    const active = this.active.get(threadId);
    if (active?.run.id === runId) active.controller.abort();
    const cancelled = toRun(await callFoundry('cancel the run', () => this.client.runs.cancel(threadId, runId)));
    // While a stream is open the service reports the end on it; a run paused for approval has no stream, so the
    // end is read back here.
    if (active?.run.id === runId && (active.pending || !isTerminal(active.run))) {
      const final = isTerminal(cancelled) ? cancelled : await this.waitUntilTerminal(threadId, runId);
      // A service that never confirms must not leave the thread blocked here: the user asked for it to stop.
      this.finish(
        active,
        final ?? { ...active.run, status: 'cancelled', required_action: null, cancelled_at: Math.floor(Date.now() / 1000) },
      );
    } else if (!active) {
      this.events.runSaved.fire({ threadId, run: cancelled }); // a run started by another window or before a restart
      this.emit(cancelled, { event: `thread.run.${cancelled.status}` as 'thread.run.cancelled', data: cancelled });
    }
    return cancelled;
  }

  /**
   * Takes over a run that waits for tool outputs but is not watched here (VS Code restarted, or another window
   * started it): every call it asks for waits for the user again.
   */
  private async adopt(threadId: string, runId: string): Promise<ActiveFoundryRun | undefined> {
    const run = toRun(await callFoundry('read the run', () => this.client.runs.get(threadId, runId)));
    const calls = waitingToolCalls(run.required_action);
    if (run.status !== 'requires_action' || !calls.length || this.active.has(threadId)) return this.active.get(threadId);
    const agent = await this.agents.get(run.assistant_id);
    const active: ActiveFoundryRun = {
      run,
      agent,
      controller: new AbortController(),
      messagesCreated: 0,
      pending: { calls, outputs: new Map(), waiting: new Set(calls.map((call) => call.id)) },
    };
    this.active.set(threadId, active);
    return active;
  }

  dispose(): void {
    for (const active of this.active.values()) active.controller.abort();
    this.active.clear();
  }

  private async consume(active: ActiveFoundryRun, stream: EventStream): Promise<void> {
    try {
      for await (const event of stream) {
        this.handle(active, event);
        if (active.controller.signal.aborted && isTerminal(active.run)) break;
      }
    } catch (error) {
      if (!isTerminal(active.run)) return this.lostStream(active, error);
    }
    if (active.run.status === 'requires_action') return this.onRequiresAction(active);
    if (isTerminal(active.run)) return this.finish(active, active.run);
    // The stream ended but the run did not: ask the service where it stands.
    return this.lostStream(active, new Error('the event stream ended before the run did'));
  }

  private handle(active: ActiveFoundryRun, message: AgentEventMessage): void {
    const name = String(message.event);
    const threadId = active.run.thread_id;
    if (name === 'thread.message.delta') {
      const chunk = message.data as MessageDeltaChunk;
      const content = chunk.delta.content.map((part) => ({
        index: part.index,
        type: 'text' as const,
        text: { value: (part as { text?: { value?: string } }).text?.value ?? '' },
      }));
      return this.emit(active.run, {
        event: 'thread.message.delta',
        data: { id: chunk.id, object: 'thread.message.delta', delta: { content } },
      });
    }
    if (name === 'thread.run.step.delta' || name === 'done') return;
    if (name === 'error') {
      const data = message.data as { error?: { message?: string } } | string;
      const text = typeof data === 'string' ? data : (data.error?.message ?? 'The service reported an error.');
      return this.fail(active, { code: 'server_error', message: `Foundry: ${text}` });
    }
    if (isMessageEventName(name)) {
      const msg = toMessage(message.data as ThreadMessage);
      if (name === 'thread.message.created') {
        active.messagesCreated++;
        this.events.messagesAppended.fire({ threadId, messages: [msg] });
      }
      if (name === 'thread.message.completed' || name === 'thread.message.incomplete')
        this.events.messageUpdated.fire({ threadId, message: msg });
      return this.emit(active.run, { event: name, data: msg });
    }
    if (isRunStepEventName(name)) {
      const step = toRunStep(message.data as FoundryRunStep, this.toolOutputs);
      if (step.type === 'tool_calls') active.toolStep = step;
      return this.emit(active.run, { event: name, data: step });
    }
    if (isRunLifecycleEventName(name)) {
      const run = toRun(message.data as ThreadRun);
      if (isTerminal(run)) return this.finish(active, run);
      active.run = run;
      // Announced by onRequiresAction once it is known which calls need the user (perhaps none).
      if (name === 'thread.run.requires_action') return;
      this.events.runSaved.fire({ threadId, run });
      return this.emit(run, { event: name, data: run });
    }
    this.logger.warn(`Foundry sent an event this version does not know: ${name}`);
  }

  /** Decides every requested call; runs those allowed, asks about the rest, and submits once all have outputs. */
  private async onRequiresAction(active: ActiveFoundryRun): Promise<void> {
    try {
      const calls = waitingToolCalls(active.run.required_action);
      const thread = await this.threads.get(active.run.thread_id);
      const allowed = allowedToolsOf(thread.metadata);
      const outputs = new Map<string, string>();
      const toAsk: RequiredActionToolCall[] = [];
      await Promise.all(
        calls.map(async (call) => {
          const verdict = await decideToolCall(this.tools, active.agent, allowed, call.function);
          if (verdict === 'ask') toAsk.push(call);
          else outputs.set(call.id, verdict === 'run' ? await this.execute(active, call) : verdict.output);
        }),
      );
      if (active.controller.signal.aborted) return;
      this.showOutputs(active, outputs);
      if (!toAsk.length) return await this.submit(active, outputs);
      active.pending = { calls, outputs, waiting: new Set(toAsk.map((call) => call.id)) };
      // The UI asks about the calls that need the user; the others already ran.
      active.run = { ...active.run, required_action: { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: toAsk } } };
      this.events.runSaved.fire({ threadId: active.run.thread_id, run: active.run });
      this.emit(active.run, { event: 'thread.run.requires_action', data: active.run });
    } catch (error) {
      this.fail(active, { code: 'tool_error', message: toFoundryError(error, 'run the requested tools').message });
    }
  }

  private async execute(active: ActiveFoundryRun, call: RequiredActionToolCall): Promise<string> {
    const result = await this.tools.invoke(call.function.name, call.function.arguments, {
      threadId: active.run.thread_id,
      runId: active.run.id,
      signal: active.controller.signal,
    });
    return result.output;
  }

  private async submit(active: ActiveFoundryRun, outputs: Map<string, string>): Promise<void> {
    active.pending = undefined;
    for (const [callId, output] of outputs) rememberOutput(this.toolOutputs, callId, output);
    const toolOutputs = [...outputs].map(([toolCallId, output]) => ({ toolCallId, output }));
    try {
      const stream = await callFoundry('send tool results', () =>
        this.client.runs.submitToolOutputs(active.run.thread_id, active.run.id, toolOutputs).stream(),
      );
      await this.consume(active, stream);
    } catch (error) {
      this.fail(active, { code: 'server_error', message: toFoundryError(error, 'send tool results').message });
    }
  }

  /** Shows outputs on the tool step as soon as they exist, before the service confirms them. */
  private showOutputs(active: ActiveFoundryRun, outputs: Map<string, string>): void {
    const step = active.toolStep;
    if (!step || step.type !== 'tool_calls') return;
    const calls = step.step_details.tool_calls.map((call) => {
      const output = outputs.get(call.id);
      return output === undefined ? call : { ...call, function: { ...call.function, output }, status: 'completed' as const };
    });
    active.toolStep = { ...step, step_details: { type: 'tool_calls', tool_calls: calls } };
    this.emit(active.run, { event: 'thread.run.step.in_progress', data: active.toolStep });
  }

  /** The stream broke: take the service's word for the run's state, or end it here as failed and say why. */
  private async lostStream(active: ActiveFoundryRun, error: unknown): Promise<void> {
    if (active.controller.signal.aborted) return;
    const { thread_id: threadId, id: runId } = active.run;
    try {
      const remote = toRun(await this.client.runs.get(threadId, runId));
      if (isTerminal(remote)) return this.finish(active, remote);
      await this.client.runs.cancel(threadId, runId).catch(() => undefined); // do not leave it running unwatched
    } catch {
      // the service is unreachable: fall through and fail locally
    }
    this.fail(active, { code: 'network_error', message: toFoundryError(error, 'stream the run').message });
  }

  private fail(active: ActiveFoundryRun, lastError: NonNullable<Run['last_error']>): void {
    const now = Math.floor(Date.now() / 1000);
    this.finish(active, { ...active.run, status: 'failed', required_action: null, last_error: lastError, failed_at: now });
  }

  private finish(active: ActiveFoundryRun, run: Run): void {
    if (this.active.get(run.thread_id) !== active) return;
    this.active.delete(run.thread_id);
    active.run = run;
    this.events.runSaved.fire({ threadId: run.thread_id, run });
    this.emit(run, { event: `thread.run.${run.status}` as 'thread.run.failed', data: run });
    // The message count is a convenience for the tree; touch() swallows its own failures.
    if (active.messagesCreated) void this.threads.touch(run.thread_id, active.messagesCreated);
  }

  private async waitUntilTerminal(threadId: string, runId: string): Promise<Run | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const run = toRun(await callFoundry('read the run', () => this.client.runs.get(threadId, runId)));
      if (isTerminal(run)) return run;
      await new Promise((resolve) => setTimeout(resolve, 250)); // the service finishes cancelling on its own time
    }
    return undefined;
  }

  /** A new thread is named after its first message, as local threads are. */
  private async nameThread(threadId: string): Promise<void> {
    try {
      const thread = await this.threads.get(threadId);
      if (thread.title !== UNTITLED_THREAD_TITLE) return;
      const title = await titleFromFirstUserMessage(this.threads, threadId);
      if (title) await this.threads.rename(threadId, title);
    } catch (error) {
      this.logger.warn(`Could not name thread ${threadId}: ${errorMessage(error)}`);
    }
  }

  private emit(run: Pick<Run, 'id' | 'thread_id'>, event: RunEvent): void {
    this.events.runEvent.fire({ ...event, thread_id: run.thread_id, run_id: run.id });
  }
}

/** Outputs are kept for the newest calls only: enough to show recent steps, bounded over a long session. */
const REMEMBERED_OUTPUTS = 500;

function rememberOutput(outputs: Map<string, string>, callId: string, output: string): void {
  outputs.set(callId, output);
  if (outputs.size > REMEMBERED_OUTPUTS) outputs.delete(outputs.keys().next().value!);
}

function isTerminal(run: Run): boolean {
  return TERMINAL_RUN_STATUSES.includes(run.status);
}
