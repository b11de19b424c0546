// Runs the tool calls of one model answer: decides each call by policy, waits in requires_action for the calls
// that need the user, runs the approved ones in parallel, and stores every output on the run step (for the UI)
// and on the assistant message (so the next context can be rebuilt from messages alone).

import type { FunctionToolCall, ToolCallStatus } from '../domain/run';
import type { Usage } from '../domain/common';
import type { Message, MessageToolCall } from '../domain/message';
import type { ChatToolCall } from '../model/types';
import { allowedToolsOf, applyForcedApproval, resolveApprovalPolicy } from '../tools/approvalPolicy';
import { parseToolArguments, type ToolRegistry } from '../tools/toolRegistry';
import type { Agent } from '../domain/agent';
import { endToolSpan, startToolSpan } from './runTracing';
import { type ActiveRun, PendingApprovals, RunStopped, type RunServices, type ToolDecision } from './activeRun';

/** Output the model sees for a call the agent's policy refuses. */
export const deniedByPolicyOutput = (name: string): string =>
  `Error: the tool '${name}' is denied by policy for this agent; do not call it again.`;
/** Output the model sees for a call the user refused. */
export const deniedByUserOutput = (name: string): string =>
  `Error: the user denied the call to '${name}'. Continue without it or ask the user.`;

/**
 * Executes one round of tool calls to the end; throws RunStopped when the run is cancelled or expires meanwhile.
 * A response (a run with `response` options) does not wait for the caller: calls to client function tools and
 * calls that need approval stay open, the rest run, and the round answers 'handed_off' so the run can complete.
 */
export async function runToolRound(
  active: ActiveRun,
  services: RunServices,
  message: Message,
  requested: ChatToolCall[],
  usage: Usage | null = null,
): Promise<'done' | 'handed_off'> {
  const calls: FunctionToolCall[] = requested.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments, output: null },
    status: 'in_progress',
  }));
  // A turn of only tool calls has no message_creation step; its usage is recorded here, as OpenAI does.
  const step = { ...active.newStep('tool_calls', { type: 'tool_calls', tool_calls: calls, message_id: message.id }), usage };
  active.openToolRound = { messageId: message.id, step };

  const thread = await services.threads.get(active.run.thread_id);
  const allowed = allowedToolsOf(thread.metadata);
  const toRun: FunctionToolCall[] = [];
  const toAsk: FunctionToolCall[] = [];
  const handsOff = active.run.response !== undefined;
  const clientNames = clientToolNames(active);
  const open: FunctionToolCall[] = [];
  for (const call of calls) {
    if (handsOff && clientNames.has(call.function.name)) {
      open.push(call);
      continue;
    }
    const verdict = await decide(active, services, call, allowed);
    if (verdict === 'run') toRun.push(call);
    else if (verdict === 'ask' && handsOff) {
      call.status = 'pending_approval';
      open.push(call);
    } else if (verdict === 'ask') {
      call.status = 'pending_approval';
      toAsk.push(call);
    } else finishCall(call, verdict.output, 'failed');
  }
  await active.recorder.step(snapshot(step), ['thread.run.step.created', 'thread.run.step.in_progress']);

  await Promise.all(toRun.map((call) => execute(active, services, step.step_details.tool_calls, call)));
  active.throwIfStopped();

  if (open.length) {
    await saveOutputsOnMessage(active, message.id, calls);
    active.openToolRound = undefined;
    await active.recorder.step({ ...snapshot(step), status: 'completed', completed_at: services.now() }, ['thread.run.step.completed']);
    return 'handed_off';
  }

  if (toAsk.length) {
    const decisions = await waitForDecisions(active, services, toAsk);
    await active.recorder.transition('in_progress');
    await Promise.all(
      toAsk.map((call) => {
        const decision = decisions.get(call.id)!;
        if (decision.kind === 'approve') {
          call.status = 'approved';
          return execute(active, services, step.step_details.tool_calls, call);
        }
        if (decision.kind === 'output') finishCall(call, decision.output, 'completed');
        else finishCall(call, deniedByUserOutput(call.function.name), 'denied');
        announceCall(active, step.step_details.tool_calls, call);
        return Promise.resolve();
      }),
    );
    active.throwIfStopped();
  }

  await saveOutputsOnMessage(active, message.id, calls);
  active.openToolRound = undefined;
  await active.recorder.step({ ...snapshot(step), status: 'completed', completed_at: services.now() }, ['thread.run.step.completed']);
  return 'done';
}

/** Names of the function tools a response's caller runs itself. */
export function clientToolNames(active: ActiveRun): ReadonlySet<string> {
  return new Set((active.run.response?.client_tools ?? []).map((tool) => tool.name));
}

/** Gives calls that never ran an output saying why, so the thread stays valid model context. */
export async function closeUnansweredCalls(active: ActiveRun, note: string): Promise<void> {
  const round = active.openToolRound;
  if (!round) return;
  for (const call of round.step.step_details.tool_calls) if (call.function.output === null) finishCall(call, note, 'failed');
  await saveOutputsOnMessage(active, round.messageId, round.step.step_details.tool_calls);
}

async function decide(
  active: ActiveRun,
  services: RunServices,
  call: FunctionToolCall,
  allowed: ReadonlySet<string>,
): Promise<ToolVerdict> {
  return decideToolCall(services.tools, { tools: active.run.tools, approval_policy: active.agent.approval_policy }, allowed, call.function);
}

/** What happens to one call: it runs now, it waits for the user, or it is refused with an output the model reads. */
export type ToolVerdict = 'run' | 'ask' | { output: string };

/** Decides one call by the agent's tools and policy, the thread's "always allow" and the tool's forced approval. */
export async function decideToolCall(
  tools: Pick<ToolRegistry, 'get' | 'forcedApproval'>,
  agent: { tools: { name: string }[]; approval_policy: Agent['approval_policy'] },
  allowed: ReadonlySet<string>,
  call: { name: string; arguments: string },
): Promise<ToolVerdict> {
  const name = call.name;
  const tool = tools.get(name);
  if (!tool || !agent.tools.some((t) => t.name === name)) {
    const available = agent.tools.map((t) => t.name).join(', ') || 'none';
    return { output: `Error: the tool '${name}' is not available to this agent. Available tools: ${available}.` };
  }
  const unavailable = tool.unavailableReason?.();
  if (unavailable) return { output: `Error: ${unavailable}` };
  const resolved = resolveApprovalPolicy(agent.approval_policy, tool, allowed);
  if (resolved === 'deny') return { output: deniedByPolicyOutput(name) };
  // A protected path (or any call its tool flags) is asked about even under auto or "always allow".
  const policy = applyForcedApproval(resolved, await tools.forcedApproval(name, call.arguments));
  // Arguments that cannot even be parsed go straight back to the model rather than to the user for approval.
  if (policy === 'ask' && !parseToolArguments(call.arguments).ok) return 'run';
  return policy === 'auto' ? 'run' : 'ask';
}

async function execute(active: ActiveRun, services: RunServices, all: FunctionToolCall[], call: FunctionToolCall): Promise<void> {
  const run = active.run;
  const span = startToolSpan(services.tracer, active.span, call);
  const result = await services.tools.invoke(call.function.name, call.function.arguments, {
    threadId: run.thread_id,
    runId: run.id,
    signal: active.signal,
  });
  finishCall(call, result.output, result.ok ? 'completed' : 'failed');
  endToolSpan(services.tracer, span, call, result.ok);
  if (!active.signal.aborted) announceCall(active, all, call);
}

function waitForDecisions(active: ActiveRun, services: RunServices, calls: FunctionToolCall[]): Promise<Map<string, ToolDecision>> {
  return new Promise((resolve, reject) => {
    const signal = active.signal;
    if (signal.aborted) return reject(new RunStopped(active.stopReason ?? 'cancelled'));
    const timer = setTimeout(() => active.stop('expired'), services.approvalTimeoutMs);
    const onAbort = (): void => {
      clearTimeout(timer);
      active.pending = undefined;
      reject(new RunStopped(active.stopReason ?? 'cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    active.pending = new PendingApprovals(new Map(calls.map((call) => [call.id, call])), (decisions) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      active.pending = undefined;
      resolve(decisions);
    });
    const expiresAt = services.now() + Math.ceil(services.approvalTimeoutMs / 1000);
    const required_action = {
      type: 'submit_tool_outputs' as const,
      submit_tool_outputs: {
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.function.name, arguments: call.function.arguments },
        })),
      },
    };
    active.recorder.transition('requires_action', { required_action, expires_at: expiresAt }).catch((error: unknown) => {
      active.stop('cancelled');
      services.logger.error(`Run ${active.run.id}: could not save requires_action: ${String(error)}`);
    });
  });
}

function finishCall(call: FunctionToolCall, output: string, status: ToolCallStatus): void {
  call.function.output = output;
  call.status = status;
}

function announceCall(active: ActiveRun, all: FunctionToolCall[], call: FunctionToolCall): void {
  active.recorder.emit({
    event: 'thread.run.step.delta',
    data: {
      id: active.openToolRound?.step.id ?? '',
      object: 'thread.run.step.delta',
      delta: { step_details: { type: 'tool_calls', tool_calls: [{ index: all.indexOf(call), ...structuredClone(call) }] } },
    },
  });
}

async function saveOutputsOnMessage(active: ActiveRun, messageId: string, calls: FunctionToolCall[]): Promise<void> {
  const clientNames = clientToolNames(active);
  const toolCalls = calls.map((call): MessageToolCall => ({
    id: call.id,
    type: 'function',
    function: { ...call.function },
    ...(clientNames.has(call.function.name) ? { executor: 'client' as const } : {}),
    ...(call.status === 'pending_approval' && call.function.output === null ? { awaiting_approval: true as const } : {}),
  }));
  await active.recorder.updateMessage(messageId, { tool_calls: toolCalls }, []);
}

function snapshot<T>(value: T): T {
  return structuredClone(value);
}
