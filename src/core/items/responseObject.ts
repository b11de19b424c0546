// A run as a response. A response IS a run (see ResponseRunOptions); its output items come from the run's steps in
// order, so a stream (built from the same steps as they happen) and a later retrieve agree:
//
//   run step                                   output item(s)
//   message_creation                           reasoning (its summary, if the message has some), then the message
//   tool_calls, call to a client tool          function_call
//   tool_calls, call pending approval          mcp_approval_request
//   tool_calls, any other call                 mcp_call (its output, or its error when it failed or was denied)
//
//   run status                                 response status
//   queued                                     queued
//   in_progress, requires_action, cancelling   in_progress
//   completed / incomplete / cancelled         completed / incomplete / cancelled
//   failed, expired                            failed

import type { Message } from '../domain/message';
import type { FunctionToolCall, Run, RunStatus, RunStep } from '../domain/run';
import { responseId } from './itemIds';
import { approvalRequestItem, functionCallItem, outputMessageItem, reasoningItem, workspaceCallItem } from './messageItems';
import type { OutputItem, ReasoningItem, ResponseObject, ResponseStatus, WorkspaceToolCallItem } from './wireTypes';

const STATUS: Record<RunStatus, ResponseStatus> = {
  queued: 'queued',
  in_progress: 'in_progress',
  requires_action: 'in_progress',
  cancelling: 'in_progress',
  completed: 'completed',
  incomplete: 'incomplete',
  cancelled: 'cancelled',
  failed: 'failed',
  expired: 'failed',
};

/** The response status of a run status. */
export function responseStatus(status: RunStatus): ResponseStatus {
  return STATUS[status];
}

/** Whether a response in `status` will not change again. */
export function isFinalResponseStatus(status: ResponseStatus): boolean {
  return status !== 'queued' && status !== 'in_progress';
}

/** The messages `steps` refer to, which the caller must load for the mapping. */
export function messageIdsOfSteps(steps: readonly RunStep[]): string[] {
  return [
    ...new Set(
      steps.flatMap((step) =>
        step.type === 'message_creation'
          ? [step.step_details.message_creation.message_id]
          : step.step_details.message_id
            ? [step.step_details.message_id]
            : [],
      ),
    ),
  ];
}

/** Where a call's items are named: its message and its index in that message's tool_calls. */
export function callPosition(
  step: RunStep & { type: 'tool_calls' },
  index: number,
  messages: ReadonlyMap<string, Message>,
): { messageId: string; index: number } {
  const messageId = step.step_details.message_id ?? step.id.replace(/^step_/, 'msg_');
  const call = step.step_details.tool_calls[index];
  const found = messages.get(messageId)?.tool_calls?.findIndex((c) => c.id === call.id) ?? -1;
  return { messageId, index: found >= 0 ? found : index };
}

/** The output item of one call of a tool_calls step. */
export function callOutputItem(run: Run, call: FunctionToolCall, position: { messageId: string; index: number }): OutputItem {
  if ((run.response?.client_tools ?? []).some((tool) => tool.name === call.function.name)) {
    return functionCallItem(position.messageId, position.index, call);
  }
  if (call.status === 'pending_approval') return approvalRequestItem(position.messageId, position.index, call);
  const status: WorkspaceToolCallItem['status'] =
    call.status === 'failed' || call.status === 'denied' ? 'failed' : call.function.output === null ? 'in_progress' : 'completed';
  const approved = run.response?.answered_calls.some((answer) => answer.call_id === call.id && answer.approve !== undefined) ?? false;
  return workspaceCallItem(position.messageId, position.index, call, status, approved);
}

/**
 * A response's reasoning item: the summary only. The encrypted content is our model provider's, for our next call
 * to it; a client of the local API can do nothing with it, so it stays in the extension.
 */
export function responseReasoningItem(message: Message): ReasoningItem {
  const { encrypted_content: _kept, ...item } = reasoningItem(message);
  return item;
}

/** The output items of a run, from its steps in order. */
export function responseOutput(run: Run, steps: readonly RunStep[], messages: ReadonlyMap<string, Message>): OutputItem[] {
  const output: OutputItem[] = [];
  for (const step of steps) {
    if (step.type === 'message_creation') {
      const message = messages.get(step.step_details.message_creation.message_id);
      if (!message) continue;
      if (message.reasoning) output.push(responseReasoningItem(message));
      // A turn that only reasoned before its tool calls has no message to show.
      if (hasText(message)) output.push(outputMessageItem(message));
    } else {
      step.step_details.tool_calls.forEach((call, index) => output.push(callOutputItem(run, call, callPosition(step, index, messages))));
    }
  }
  return output;
}

/** Whether a message has text (a message item to show). */
export function hasText(message: Pick<Message, 'content'>): boolean {
  return message.content.some((part) => part.type === 'text');
}

/** Everything a response object is made of. */
export interface ResponseSource {
  run: Run;
  steps: readonly RunStep[];
  /** At least the messages messageIdsOfSteps names. */
  messages: ReadonlyMap<string, Message>;
  /** The `model` string clients see. */
  model: string;
}

/** The response a run is. */
export function responseObject({ run, steps, messages, model }: ResponseSource): ResponseObject {
  const options = run.response;
  const output = responseOutput(run, steps, messages);
  const status = responseStatus(run.status);
  return {
    id: responseId(run.thread_id, run.id),
    object: 'response',
    access_programs: null,
    created_at: run.created_at,
    status,
    output_text: output.flatMap((item) => (item.type === 'message' ? item.content.map((part) => part.text) : [])).join(''),
    error: responseError(run),
    // A response stopped at a budget has no reason of the Responses API's own: its output message says which budget.
    incomplete_details:
      run.status === 'incomplete' && run.incomplete_details?.reason !== 'budget_exceeded' ? { reason: 'max_output_tokens' } : null,
    instructions: run.instructions || null,
    metadata: run.metadata ?? {},
    model,
    output,
    parallel_tool_calls: options?.parallel_tool_calls ?? true,
    temperature: run.temperature,
    top_p: run.top_p,
    tool_choice: options?.tool_choice ?? 'auto',
    tools: (options?.client_tools ?? []).map((tool) => ({ type: 'function', ...tool })),
    background: options?.background ?? false,
    completed_at: run.completed_at,
    conversation: options?.conversation_id ? { id: options.conversation_id } : null,
    max_output_tokens: options?.max_output_tokens ?? null,
    previous_response_id: options?.previous_response_id ?? null,
    store: options?.store ?? true,
    truncation: options?.truncation ?? 'disabled',
    text: { format: { type: 'text' } },
    ...(run.usage
      ? {
          usage: {
            input_tokens: run.usage.prompt_tokens,
            input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
            output_tokens: run.usage.completion_tokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: run.usage.total_tokens,
          },
        }
      : {}),
    agent: options?.agent ? { type: 'agent_reference', name: options.agent.name, version: String(options.agent.version) } : null,
  };
}

function responseError(run: Run): ResponseObject['error'] {
  if (run.status === 'expired') return { code: 'server_error', message: 'The response expired before it finished.' };
  if (run.status !== 'failed') return null;
  const code = run.last_error?.code;
  return {
    code: code === 'rate_limit_exceeded' || code === 'invalid_prompt' ? code : 'server_error',
    message: run.last_error?.message ?? 'The response failed.',
  };
}
