// Runs on Foundry's new agents. A run is one turn: a streamed response of the agent on the conversation; when the
// response ends with function calls, they are our workspace tools, run here under the same approval rules as local
// runs (asking the user where the policy says so), and their outputs go back as `function_call_output` items in the
// next response, until a response answers without calls.
//
//   response event                         run event
//   response.created / in_progress         thread.run.created / thread.run.in_progress (first response of the turn)
//   output_item.added (message)            thread.run.step.created, thread.message.created
//   output_text.delta                      thread.message.delta
//   output_item.done (message)             thread.message.completed, thread.run.step.completed
//   output_item.done (function_call)       a tool_calls step; the turn goes on once every call has an output
//   output_item.done (other types)         a step named after the item type (service-side tools: web search, MCP…)
//   response.completed / incomplete /      thread.run.completed / incomplete / failed, with usage summed over the
//   failed / cancelled                     turn's responses and last_error from the response's error

import { randomUUID } from 'node:crypto';
import type OpenAI from 'openai';
import type { Agent } from '../../../domain/agent';
import type { RunEvent } from '../../../domain/events';
import type { Message } from '../../../domain/message';
import type { Usage } from '../../../domain/common';
import type { RequiredActionToolCall, Run, RunStatus, RunStep, ToolApproval } from '../../../domain/run';
import { TERMINAL_RUN_STATUSES } from '../../../domain/run';
import { UNTITLED_THREAD_TITLE } from '../../../domain/thread';
import { decideToolCall, deniedByUserOutput } from '../../../runs/toolRound';
import { titleFromFirstUserMessage } from '../../../runs/threadTitle';
import { allowedToolsOf } from '../../../tools/approvalPolicy';
import { rememberAlwaysAllowed } from '../alwaysAllowed';
import type { ToolRegistry } from '../../../tools/toolRegistry';
import { errorMessage } from '../../../util/errors';
import type { Logger } from '../../../util/logger';
import { PINNED_AGENT_VERSION_KEY, type RunService } from '../../backend';
import { callFoundry, toFoundryError } from '../foundryErrors';
import type { FoundryEvents } from '../foundryEvents';
import { itemToMessage, runStatusOfResponse, type WireItem } from './agentServiceMapping';
import type { ConversationThreads } from './conversationThreads';
import type { TurnLedger } from './turnLedger';
import type { VersionedAgents } from './versionedAgents';

type StreamEvent = OpenAI.Responses.ResponseStreamEvent;
type FunctionCall = { call_id: string; name: string; arguments: string; mcp?: boolean };

/** How an MCP tool the service would call shows on the approval card: "<server> · <tool>". */
const mcpToolName = (serverLabel: unknown, name: unknown): string => `${String(serverLabel)} · ${String(name)}`;

interface PendingApprovals {
  calls: RequiredActionToolCall[];
  outputs: Map<string, string>;
  waiting: Set<string>;
  /** MCP approval requests among the calls (answered with mcp_approval_response, not run here), by id: the answer. */
  mcp: Map<string, boolean | undefined>;
}

interface Turn {
  run: Run;
  agent: Agent;
  /** Aborts the open stream and local tool calls when the run is cancelled. */
  controller: AbortController;
  steps: RunStep[];
  /** Answers being written, by item id, with the text so far. */
  writing: Map<string, Message>;
  /** Function calls of the response being read. */
  calls: FunctionCall[];
  /** The messages that show the turn's tool calls (as reading the conversation back shows them), by call id. */
  callMessages: Map<string, Message>;
  pending?: PendingApprovals;
  /** The response the turn is on: its final status decides the run's. */
  response?: { id: string; status?: string; error?: { code?: string; message?: string } | null };
  rounds: number;
  /** Set when the stream went quiet for longer than the idle timeout (the controller is then aborted). */
  idle?: boolean;
  /** Set while the service is asked to cancel the response: the stream ending then is the cancel, not a fault. */
  cancelling?: boolean;
}

/** How long Cancel waits for the service to confirm before it stops reading anyway. */
const SERVICE_CANCEL_WAIT_MS = 5000;

export class ResponseRuns implements RunService {
  get onEvent() {
    return this.events.runEvent.event;
  }
  private readonly active = new Map<string, Turn>();

  constructor(
    private readonly openai: OpenAI,
    private readonly events: FoundryEvents,
    private readonly threads: ConversationThreads,
    private readonly agents: VersionedAgents,
    private readonly tools: ToolRegistry,
    private readonly ledger: TurnLedger,
    private readonly logger: Logger,
    /** Function call rounds in one turn before it ends failed (a model that never stops calling tools). */
    private readonly maxToolRounds = 10,
    /** A response whose stream sends nothing for this long is given up (it may stay in_progress at the service). */
    private readonly streamIdleTimeoutMs = 60_000,
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
    const agent = await this.agentFor(threadId, agentId);
    if (agent.metadata.kind)
      throw toFoundryError(
        new Error(`'${agent.name}' is a ${agent.metadata.kind} agent, which Agent Threads shows but does not run`),
        'start a run',
      );
    await this.nameThread(threadId);
    const turn: Turn = {
      run: newRun(threadId, agent),
      agent,
      controller: new AbortController(),
      steps: [],
      writing: new Map(),
      calls: [],
      callMessages: new Map(),
      rounds: 0,
    };
    this.active.set(threadId, turn);
    try {
      const stream = await this.respond(turn, []);
      this.saveRun(turn, 'thread.run.created');
      void this.consume(turn, stream);
    } catch (error) {
      this.active.delete(threadId);
      throw toFoundryError(error, 'start a run');
    }
    return turn.run;
  }

  /** The version the thread was started on, when it was pinned to one of this agent's versions; the latest otherwise. */
  private async agentFor(threadId: string, agentId: string): Promise<Agent> {
    const thread = await this.threads.get(threadId);
    const pinned = Number(thread.metadata[PINNED_AGENT_VERSION_KEY]);
    if (thread.agent_id === agentId && Number.isInteger(pinned) && pinned > 0) return this.agents.version(agentId, pinned);
    return this.agents.get(agentId);
  }

  async submitToolApprovals(threadId: string, runId: string, approvals: ToolApproval[]): Promise<void> {
    const turn = this.active.get(threadId);
    const pending = turn?.pending;
    if (!turn || turn.run.id !== runId || !pending) throw new Error(`Run ${runId} is not waiting for approval.`);
    await rememberAlwaysAllowed(this.threads, threadId, approvals, pending.calls);
    await Promise.all(
      approvals.map(async (approval) => {
        const call = pending.calls.find((c) => c.id === approval.tool_call_id);
        if (!call || !pending.waiting.delete(call.id)) return;
        if (pending.mcp.has(call.id)) {
          pending.mcp.set(call.id, approval.approve);
          const answer = approval.approve ? 'Approved; Foundry calls the MCP tool.' : deniedByUserOutput(call.function.name);
          pending.outputs.set(call.id, answer);
          return this.showOutput(turn, call.id, answer, approval.approve ? 'completed' : 'denied');
        }
        const output = approval.approve ? await this.execute(turn, call) : deniedByUserOutput(call.function.name);
        pending.outputs.set(call.id, output);
        this.showOutput(turn, call.id, output, approval.approve ? 'completed' : 'denied');
      }),
    );
    if (pending.waiting.size === 0 && !turn.controller.signal.aborted) {
      turn.pending = undefined;
      void this.nextRound(turn, pending.outputs, pending.mcp);
    }
  }

  /**
   * Asks the service to cancel the response being written (so it stops generating, rather than finishing unseen),
   * then stops reading and running; what was written stays in the conversation, as the service keeps it.
   */
  async cancelRun(threadId: string, runId: string): Promise<Run> {
    const turn = this.active.get(threadId);
    if (!turn || turn.run.id !== runId) return this.threads.getRun(threadId, runId);
    if (turn.cancelling) return turn.run;
    turn.cancelling = true;
    const response = turn.response;
    if (response && (response.status === 'in_progress' || response.status === 'queued')) {
      turn.run = { ...turn.run, status: 'cancelling' };
      this.saveRun(turn, 'thread.run.cancelling');
      await this.cancelOnService(response.id);
    }
    if (this.active.get(threadId) !== turn) return turn.run;
    turn.controller.abort();
    for (const message of turn.writing.values()) {
      const partial: Message = { ...message, status: 'incomplete', incomplete_details: { reason: 'run_cancelled' } };
      this.events.messageUpdated.fire({ threadId, message: partial });
      this.emit(turn, { event: 'thread.message.incomplete', data: partial });
    }
    turn.writing.clear();
    this.finish(turn, 'cancelled');
    return turn.run;
  }

  /**
   * Best effort, and bounded: the service may refuse (a response it has finished, or one it cannot cancel), and a
   * slow answer must not hold the user's Cancel; the run ends cancelled here either way.
   */
  private async cancelOnService(responseId: string): Promise<void> {
    try {
      await this.openai.responses.cancel(responseId, { timeout: SERVICE_CANCEL_WAIT_MS, maxRetries: 0 });
    } catch (error) {
      this.logger.info(`Foundry did not cancel response ${responseId}: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    for (const turn of this.active.values()) turn.controller.abort();
    this.active.clear();
  }

  /** Opens the stream of the next response of the turn (input: function call outputs, or nothing). */
  private async respond(turn: Turn, input: OpenAI.Responses.ResponseInputItem[]): Promise<AsyncIterable<StreamEvent>> {
    turn.rounds++;
    const body = {
      conversation: turn.run.thread_id,
      input,
      stream: true as const,
      // Foundry's field; the project's openai client passes unknown body fields through unchanged.
      agent: { type: 'agent_reference', name: turn.agent.id, version: String(turn.agent.version) },
    };
    return callFoundry('start a response', () =>
      this.openai.responses.create(body as OpenAI.Responses.ResponseCreateParamsStreaming, { signal: turn.controller.signal }),
    );
  }

  private async consume(turn: Turn, stream: AsyncIterable<StreamEvent>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const watch = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        turn.idle = true;
        turn.controller.abort();
      }, this.streamIdleTimeoutMs);
    };
    try {
      watch();
      for await (const event of stream) {
        watch();
        this.handle(turn, event);
      }
    } catch (error) {
      if (turn.idle) return this.gaveUpWaiting(turn);
      if (turn.controller.signal.aborted || turn.cancelling) return;
      return this.lostStream(turn, error);
    } finally {
      clearTimeout(timer);
    }
    // The openai stream may end quietly rather than throw when it is aborted.
    if (turn.idle) return this.gaveUpWaiting(turn);
    if (turn.controller.signal.aborted || turn.cancelling || this.active.get(turn.run.thread_id) !== turn) return;
    const status = turn.response?.status;
    if (!status || status === 'in_progress' || status === 'queued')
      return this.lostStream(turn, new Error('the event stream ended before the response did'));
    // Function calls and MCP approval requests both wait for this side before the next response.
    if (status === 'completed' && turn.calls.length) return this.onFunctionCalls(turn);
    this.finish(turn, runStatusOfResponse(status), turn.response?.error);
  }

  private handle(turn: Turn, event: StreamEvent): void {
    switch (event.type) {
      case 'response.created':
      case 'response.queued':
      case 'response.in_progress':
        return this.onResponse(turn, event.response);
      case 'response.output_item.added':
        if (event.item.type === 'message') return this.startMessage(turn, event.item as unknown as WireItem);
        if (event.item.type === 'reasoning') return this.startReasoning(turn, event.item as unknown as WireItem);
        return;
      case 'response.output_text.delta':
        return this.onDelta(turn, event.item_id, event.content_index, event.delta);
      case 'response.reasoning_summary_text.delta':
        return this.onReasoningDelta(turn, event.item_id, event.summary_index, event.delta);
      case 'response.output_item.done':
        return this.onItemDone(turn, event.item as unknown as WireItem);
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        this.addUsage(turn, event.response.usage);
        return this.onResponse(turn, event.response);
      default:
        return; // argument deltas, content and summary parts: the done events carry the whole
    }
  }

  private onResponse(turn: Turn, response: OpenAI.Responses.Response): void {
    turn.response = { id: response.id, status: response.status, error: response.error };
    if (response.status === 'in_progress' && turn.run.status === 'queued') {
      turn.run = { ...turn.run, status: 'in_progress', started_at: nowSeconds() };
      this.saveRun(turn, 'thread.run.in_progress');
    }
  }

  private startMessage(turn: Turn, item: WireItem): void {
    const message = this.startWriting(turn, item, { role: 'assistant', content: [{ type: 'text', text: { value: '' } }] });
    const step = this.newStep(turn, { type: 'message_creation', message_creation: { message_id: message.id } });
    this.emit(turn, { event: 'thread.run.step.created', data: step });
    this.announceWriting(turn, message);
  }

  /**
   * A reasoning model's summary of its thinking, shown as it streams: its own message (a "Thinking" part above the
   * answer), as the conversation's `reasoning` item reads back. No step: it is how the answer came, not an action.
   */
  private startReasoning(turn: Turn, item: WireItem): void {
    this.announceWriting(turn, this.startWriting(turn, item));
  }

  /** The message an output item becomes while the service writes it: this run's and this agent version's, from now. */
  private startWriting(turn: Turn, item: WireItem, overrides: Partial<Message> = {}): Message {
    const message: Message = {
      ...itemToMessage(turn.run.thread_id, item),
      ...overrides,
      status: 'in_progress',
      assistant_id: turn.agent.id,
      assistant_version: turn.agent.version,
      run_id: turn.run.id,
      created_at: nowSeconds(),
    };
    turn.writing.set(message.id, message);
    this.rememberItem(turn, message.id, message.created_at);
    return message;
  }

  private announceWriting(turn: Turn, message: Message): void {
    this.events.messagesAppended.fire({ threadId: turn.run.thread_id, messages: [message] });
    this.emit(turn, { event: 'thread.message.created', data: message });
  }

  private onReasoningDelta(turn: Turn, itemId: string, summaryIndex: number, delta: string): void {
    const reasoning = turn.writing.get(itemId)?.reasoning;
    if (reasoning) {
      while (reasoning.summary.length <= summaryIndex) reasoning.summary.push('');
      reasoning.summary[summaryIndex] += delta;
    }
    this.emit(turn, {
      event: 'thread.message.delta',
      data: { id: itemId, object: 'thread.message.delta', delta: { reasoning: { summary_index: summaryIndex, value: delta } } },
    });
  }

  /** Items say neither who wrote them nor when: this window remembers, for when the conversation is read back. */
  private rememberItem(turn: Turn, itemId: string, createdAt: number): void {
    this.ledger.remember(itemId, { runId: turn.run.id, agentId: turn.agent.id, agentVersion: turn.agent.version, createdAt });
  }

  private onDelta(turn: Turn, itemId: string, index: number, delta: string): void {
    const message = turn.writing.get(itemId);
    if (message?.content[0]?.type === 'text') message.content[0].text.value += delta;
    this.emit(turn, {
      event: 'thread.message.delta',
      data: { id: itemId, object: 'thread.message.delta', delta: { content: [{ index, type: 'text', text: { value: delta } }] } },
    });
  }

  private onItemDone(turn: Turn, item: WireItem): void {
    const threadId = turn.run.thread_id;
    if (item.id && !this.ledger.origins.has(item.id)) this.rememberItem(turn, item.id, nowSeconds());
    if (item.type === 'message') {
      const done = itemToMessage(threadId, item);
      const message: Message = {
        ...(turn.writing.get(done.id) ?? done),
        content: done.content,
        status: done.status,
        completed_at: nowSeconds(),
      };
      turn.writing.delete(done.id);
      this.events.messageUpdated.fire({ threadId, message });
      this.emit(turn, { event: message.status === 'incomplete' ? 'thread.message.incomplete' : 'thread.message.completed', data: message });
      const step = turn.steps.find((s) => s.type === 'message_creation' && s.step_details.message_creation.message_id === done.id);
      if (step) this.completeStep(turn, step);
      return;
    }
    if (item.type === 'function_call') {
      turn.calls.push({ call_id: String(item.call_id), name: String(item.name), arguments: String(item.arguments ?? '{}') });
      return this.showCall(turn, String(item.call_id), item);
    }
    if (item.type === 'reasoning') {
      const done = itemToMessage(threadId, item);
      const writing = turn.writing.get(done.id);
      if (!writing) return; // a reasoning item that never started here has nothing on screen to finish
      const message: Message = { ...writing, reasoning: done.reasoning, status: 'completed', completed_at: nowSeconds() };
      turn.writing.delete(done.id);
      this.events.messageUpdated.fire({ threadId, message });
      this.emit(turn, { event: 'thread.message.completed', data: message });
      return;
    }
    if (item.type === 'mcp_approval_request') {
      // The service asks before it calls an MCP tool: our approval card asks the user, whatever the agent's policy.
      turn.calls.push({
        call_id: String(item.id),
        name: mcpToolName(item.server_label, item.name),
        arguments: String(item.arguments ?? '{}'),
        mcp: true,
      });
      return this.showCall(turn, String(item.id), item);
    }
    // An MCP call the service made: its card with the server's output, as the conversation reads back.
    if (item.type === 'mcp_call') this.showCall(turn, String(item.id), item);
    // A tool the service ran (web search, file search, code interpreter, MCP, …): shown as a finished step.
    const step = this.newStep(turn, {
      type: 'tool_calls',
      tool_calls: [
        {
          id: String(item.id ?? item.type),
          type: 'function',
          function: {
            name: String(item.name ?? item.type),
            arguments: typeof item.arguments === 'string' ? item.arguments : '',
            output: typeof item.output === 'string' ? item.output : `(${item.type}, run by Foundry)`,
          },
          status: item.status === 'failed' ? 'failed' : 'completed',
        },
      ],
    });
    this.completeStep(turn, step);
  }

  /**
   * A call's card joins the answer as its item's message, the one reading the conversation back gives: the card
   * then keeps its outcome once it is decided, rather than living on the run's approval alone and going with it.
   */
  private showCall(turn: Turn, callId: string, item: WireItem): void {
    const message: Message = {
      ...itemToMessage(turn.run.thread_id, item),
      assistant_id: turn.agent.id,
      assistant_version: turn.agent.version,
      run_id: turn.run.id,
      created_at: this.ledger.origins.get(String(item.id))?.createdAt ?? nowSeconds(),
    };
    turn.callMessages.set(callId, message);
    this.events.messagesAppended.fire({ threadId: turn.run.thread_id, messages: [message] });
  }

  /** Decides every call; runs those allowed, asks about the rest, and sends the outputs once all have one. */
  private async onFunctionCalls(turn: Turn): Promise<void> {
    const calls: RequiredActionToolCall[] = turn.calls.map((call) => ({
      id: call.call_id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
    const mcp = new Map(turn.calls.filter((call) => call.mcp).map((call) => [call.call_id, undefined]));
    turn.calls = [];
    const step = this.newStep(turn, {
      type: 'tool_calls',
      tool_calls: calls.map((call) => ({ ...call, function: { ...call.function, output: null }, status: 'in_progress' })),
    });
    this.emit(turn, { event: 'thread.run.step.in_progress', data: step });
    if (turn.rounds > this.maxToolRounds)
      return this.finish(turn, 'failed', {
        code: 'server_error',
        message: `The agent asked for tools ${turn.rounds} times in one turn; stopped.`,
      });
    try {
      const thread = await this.threads.get(turn.run.thread_id);
      const allowed = allowedToolsOf(thread.metadata);
      const outputs = new Map<string, string>();
      const toAsk: RequiredActionToolCall[] = [];
      await Promise.all(
        calls.map(async (call) => {
          if (mcp.has(call.id)) return void toAsk.push(call);
          const verdict = await decideToolCall(this.tools, turn.agent, allowed, call.function);
          if (verdict === 'ask') return void toAsk.push(call);
          const output = verdict === 'run' ? await this.execute(turn, call) : verdict.output;
          outputs.set(call.id, output);
          this.showOutput(turn, call.id, output);
        }),
      );
      if (turn.controller.signal.aborted) return;
      if (!toAsk.length) return await this.nextRound(turn, outputs);
      turn.pending = { calls, outputs, waiting: new Set(toAsk.map((call) => call.id)), mcp };
      turn.run = {
        ...turn.run,
        status: 'requires_action',
        required_action: { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: toAsk } },
      };
      this.saveRun(turn, 'thread.run.requires_action');
    } catch (error) {
      this.finish(turn, 'failed', { code: 'tool_error', message: toFoundryError(error, 'run the requested tools').message });
    }
  }

  private async nextRound(turn: Turn, outputs: Map<string, string>, mcp = new Map<string, boolean | undefined>()): Promise<void> {
    if (turn.run.status === 'requires_action') {
      turn.run = { ...turn.run, status: 'in_progress', required_action: null };
      this.saveRun(turn, 'thread.run.in_progress');
    }
    const input: OpenAI.Responses.ResponseInputItem[] = [...outputs].map(([call_id, output]) =>
      mcp.has(call_id)
        ? { type: 'mcp_approval_response' as const, approval_request_id: call_id, approve: mcp.get(call_id) === true }
        : { type: 'function_call_output' as const, call_id, output },
    );
    try {
      const stream = await this.respond(turn, input);
      await this.consume(turn, stream);
    } catch (error) {
      if (!turn.controller.signal.aborted)
        this.finish(turn, 'failed', { code: 'server_error', message: toFoundryError(error, 'send tool results').message });
    }
  }

  private async execute(turn: Turn, call: RequiredActionToolCall): Promise<string> {
    const result = await this.tools.invoke(call.function.name, call.function.arguments, {
      threadId: turn.run.thread_id,
      runId: turn.run.id,
      signal: turn.controller.signal,
    });
    return result.output;
  }

  /** Shows an output on its step as soon as it exists, before the service has it. */
  private showOutput(turn: Turn, callId: string, output: string, status: 'completed' | 'denied' = 'completed'): void {
    this.ledger.rememberOutput(callId, output);
    const message = turn.callMessages.get(callId);
    if (message) {
      const answered: Message = {
        ...message,
        tool_calls: message.tool_calls?.map((call) => (call.id === callId ? { ...call, function: { ...call.function, output } } : call)),
      };
      turn.callMessages.set(callId, answered);
      this.events.messageUpdated.fire({ threadId: turn.run.thread_id, message: answered });
    }
    let index = turn.steps.length - 1;
    while (index >= 0 && !hasCall(turn.steps[index], callId)) index--;
    const step = turn.steps[index];
    if (!step || step.type !== 'tool_calls') return;
    const tool_calls = step.step_details.tool_calls.map((call) =>
      call.id === callId ? { ...call, function: { ...call.function, output }, status } : call,
    );
    const done = tool_calls.every((call) => call.function.output !== null);
    const updated: RunStep = {
      ...step,
      status: done ? 'completed' : 'in_progress',
      completed_at: done ? nowSeconds() : null,
      step_details: { ...step.step_details, tool_calls },
    };
    turn.steps[index] = updated;
    this.emit(turn, { event: done ? 'thread.run.step.completed' : 'thread.run.step.in_progress', data: updated });
  }

  /** Nothing arrived for the idle timeout: the run ends failed, and says the response may still finish in Foundry. */
  private gaveUpWaiting(turn: Turn): void {
    this.finish(turn, 'failed', {
      code: 'timeout',
      message: `no event arrived for ${Math.round(this.streamIdleTimeoutMs / 1000)} s, so Agent Threads stopped waiting. The response may still finish in Foundry; Refresh shows what it wrote.`,
    });
  }

  /** The stream broke: take the service's word for the response, or end the run failed and say why. */
  private async lostStream(turn: Turn, error: unknown): Promise<void> {
    const responseId = turn.response?.id;
    if (responseId) {
      try {
        const response = await this.openai.responses.retrieve(responseId);
        const status = runStatusOfResponse(response.status);
        if (TERMINAL_RUN_STATUSES.includes(status) && status !== 'completed')
          return this.finish(
            turn,
            status,
            response.error ?? { code: 'network_error', message: toFoundryError(error, 'stream the response').message },
          );
      } catch {
        // the service is unreachable too: fall through
      }
    }
    this.finish(turn, 'failed', { code: 'network_error', message: toFoundryError(error, 'stream the response').message });
  }

  private finish(turn: Turn, status: RunStatus, error?: { code?: string | null; message?: string } | null): void {
    const threadId = turn.run.thread_id;
    if (this.active.get(threadId) !== turn) return;
    this.active.delete(threadId);
    turn.controller.abort();
    const now = nowSeconds();
    turn.run = {
      ...turn.run,
      status,
      required_action: null,
      last_error:
        status === 'failed'
          ? { code: lastErrorCode(error?.code), message: `Foundry: ${error?.message || 'the response failed without saying why.'}` }
          : null,
      incomplete_details: status === 'incomplete' ? { reason: 'max_completion_tokens' } : null,
      completed_at: status === 'completed' || status === 'incomplete' ? now : null,
      cancelled_at: status === 'cancelled' ? now : null,
      failed_at: status === 'failed' ? now : null,
    };
    this.saveRun(turn, `thread.run.${status}` as 'thread.run.completed');
    const created = turn.steps.filter((s) => s.type === 'message_creation').length;
    if (created) void this.threads.touch(threadId, created);
  }

  private saveRun(turn: Turn, event: Extract<RunEvent, { data: Run }>['event']): void {
    this.ledger.save(turn.run, turn.steps);
    this.events.runSaved.fire({ threadId: turn.run.thread_id, run: turn.run });
    this.emit(turn, { event, data: turn.run } as RunEvent);
  }

  private addUsage(turn: Turn, usage: OpenAI.Responses.ResponseUsage | null | undefined): void {
    if (!usage) return;
    const sum: Usage = turn.run.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    turn.run = {
      ...turn.run,
      usage: {
        prompt_tokens: sum.prompt_tokens + usage.input_tokens,
        completion_tokens: sum.completion_tokens + usage.output_tokens,
        total_tokens: sum.total_tokens + usage.total_tokens,
      },
    };
  }

  private newStep(turn: Turn, details: RunStep['step_details']): RunStep {
    const base = {
      id: `step_${randomUUID().replace(/-/g, '')}`,
      object: 'thread.run.step' as const,
      thread_id: turn.run.thread_id,
      run_id: turn.run.id,
      assistant_id: turn.agent.id,
      status: 'in_progress' as const,
      last_error: null,
      usage: null,
      metadata: null,
      created_at: nowSeconds(),
      completed_at: null,
      cancelled_at: null,
      failed_at: null,
      expired_at: null,
    };
    const step: RunStep =
      details.type === 'tool_calls'
        ? { ...base, type: 'tool_calls', step_details: details }
        : { ...base, type: 'message_creation', step_details: details };
    turn.steps.push(step);
    return step;
  }

  private completeStep(turn: Turn, step: RunStep): void {
    const done = { ...step, status: 'completed' as const, completed_at: nowSeconds() } as RunStep;
    turn.steps[turn.steps.indexOf(step)] = done;
    this.emit(turn, { event: 'thread.run.step.completed', data: done });
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

  private emit(turn: Turn, event: RunEvent): void {
    this.events.runEvent.fire({ ...event, thread_id: turn.run.thread_id, run_id: turn.run.id });
  }
}

function hasCall(step: RunStep, callId: string): boolean {
  return step.type === 'tool_calls' && step.step_details.tool_calls.some((call) => call.id === callId);
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function lastErrorCode(code: string | null | undefined): NonNullable<Run['last_error']>['code'] {
  if (
    code === 'rate_limit_exceeded' ||
    code === 'invalid_prompt' ||
    code === 'network_error' ||
    code === 'tool_error' ||
    code === 'timeout'
  )
    return code;
  return 'server_error';
}

/** A run as it starts: the agent version it uses is recorded on it. */
function newRun(threadId: string, agent: Agent): Run {
  return {
    id: `run_${randomUUID().replace(/-/g, '')}`,
    object: 'thread.run',
    thread_id: threadId,
    assistant_id: agent.id,
    assistant_version: agent.version,
    status: 'queued',
    required_action: null,
    last_error: null,
    incomplete_details: null,
    usage: null,
    metadata: { agent_version: String(agent.version) },
    model: agent.model,
    instructions: agent.instructions,
    tools: agent.tools,
    temperature: agent.temperature,
    top_p: agent.top_p,
    response_format: agent.response_format,
    max_prompt_tokens: agent.max_prompt_tokens,
    max_completion_tokens: agent.max_completion_tokens,
    truncation_strategy: agent.truncation_strategy,
    created_at: nowSeconds(),
    started_at: null,
    completed_at: null,
    cancelled_at: null,
    failed_at: null,
    expires_at: null,
  };
}
