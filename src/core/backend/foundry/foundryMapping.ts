// Translates between the SDK's objects (camelCase, Date fields) and the extension's Assistants-shaped domain types
// (snake_case, Unix seconds), and keeps what Foundry has no field for in string metadata.

import type {
  Agent as FoundryAgent,
  AgentThread,
  MessageContentUnion,
  RunStep as FoundryRunStep,
  RunStepToolCallDetails,
  ThreadMessage,
  ThreadRun,
  ToolDefinitionUnion,
} from '@azure/ai-agents';
import type { Agent, ApprovalPolicy } from '../../domain/agent';
import type { Message, MessageContent } from '../../domain/message';
import type { FunctionToolCall, Run, RunLastError, RunStatus, RunStep } from '../../domain/run';
import { UNTITLED_THREAD_TITLE, type Thread, type ThreadUpdate } from '../../domain/thread';
import type { Metadata } from '../../domain/common';
import { FOUNDRY_PROFILE } from './endpoint';

/** Metadata keys the extension keeps on remote objects (values must be strings of at most 512 characters). */
export const META = {
  title: 'title',
  agentId: 'agent_id',
  messageCount: 'message_count',
  lastActivity: 'last_activity_at',
  approval: 'agent_threads_approval',
} as const;

/**
 * A thread's metadata after `update`, for both Foundry backends: the service keeps titles and agents in metadata (its
 * threads and conversations have no such fields), so a rename or a new agent is a metadata change.
 */
export function updatedThreadMetadata(current: Metadata | null | undefined, update: ThreadUpdate): Metadata {
  const metadata: Metadata = { ...(current ?? {}), ...(update.metadata ?? {}) };
  if (update.title !== undefined) metadata[META.title] = update.title.slice(0, 512);
  if (update.agent_id !== undefined) metadata[META.agentId] = update.agent_id ?? '';
  return metadata;
}

const seconds = (date: Date | null | undefined): number | null => (date ? Math.floor(date.getTime() / 1000) : null);

export function toAgent(agent: FoundryAgent): Agent {
  const metadata: Metadata = { ...(agent.metadata ?? {}) };
  const approval = parseApproval(metadata[META.approval]);
  delete metadata[META.approval];
  const created = seconds(agent.createdAt) ?? 0;
  return {
    id: agent.id,
    object: 'assistant',
    version: 1,
    name: agent.name ?? agent.id,
    description: agent.description ?? null,
    model: { profile: FOUNDRY_PROFILE, name: agent.model },
    instructions: agent.instructions ?? '',
    tools: functionNames(agent.tools).map((name) => ({ name })),
    tool_settings: {},
    approval_policy: approval,
    temperature: agent.temperature ?? null,
    top_p: agent.topP ?? null,
    response_format: 'auto',
    max_prompt_tokens: null,
    max_completion_tokens: null,
    truncation_strategy: { type: 'auto' },
    metadata,
    created_at: created,
    updated_at: created,
  };
}

/** Approval policies travel in one metadata value, so a shared agent asks the same on every machine. */
export function approvalMetadata(policy: Record<string, ApprovalPolicy>): string {
  const text = JSON.stringify(policy);
  if (text.length > 512) throw new Error('Too many per-tool approval settings for a Foundry agent (metadata values hold 512 characters).');
  return text;
}

/** The approval policies an agent's metadata value holds (none when it was edited by hand into something else). */
export function parseApproval(value: string | undefined): Record<string, ApprovalPolicy> {
  if (!value) return {};
  try {
    const parsed = JSON.parse(value) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, ApprovalPolicy] => ['ask', 'auto', 'deny'].includes(String(entry[1]))),
    );
  } catch {
    return {}; // someone edited it by hand: fall back to each tool's default, which asks before changing anything
  }
}

function functionNames(tools: ToolDefinitionUnion[] | undefined): string[] {
  return (tools ?? []).flatMap((tool) =>
    tool.type === 'function' && 'function' in tool ? [(tool as { function: { name: string } }).function.name] : [],
  );
}

export function toThread(thread: AgentThread): Thread {
  const metadata: Metadata = { ...(thread.metadata ?? {}) };
  const created = seconds(thread.createdAt) ?? 0;
  const title = metadata[META.title] ?? UNTITLED_THREAD_TITLE;
  const agentId = metadata[META.agentId] || null;
  const count = Number(metadata[META.messageCount] ?? 0);
  const lastActivity = Number(metadata[META.lastActivity] ?? created);
  for (const key of [META.title, META.agentId, META.messageCount, META.lastActivity]) delete metadata[key];
  return {
    id: thread.id,
    object: 'thread',
    title,
    agent_id: agentId,
    created_at: created,
    metadata,
    message_count: Number.isFinite(count) ? count : 0,
    last_activity_at: Number.isFinite(lastActivity) ? lastActivity : created,
  };
}

export function toMessage(message: ThreadMessage): Message {
  return {
    id: message.id,
    object: 'thread.message',
    thread_id: message.threadId,
    role: message.role === 'assistant' ? 'assistant' : 'user',
    content: message.content.flatMap(toContent),
    assistant_id: message.assistantId ?? null,
    run_id: message.runId ?? null,
    status: message.status === 'in_progress' || message.status === 'incomplete' ? message.status : 'completed',
    incomplete_details: message.incompleteDetails ? { reason: mapIncompleteReason(message.incompleteDetails.reason) } : null,
    attachments: null,
    metadata: message.metadata ?? null,
    created_at: seconds(message.createdAt) ?? 0,
    completed_at: seconds(message.completedAt),
    incomplete_at: seconds(message.incompleteAt),
  };
}

function toContent(part: MessageContentUnion): MessageContent[] {
  if (part.type === 'text' && 'text' in part) return [{ type: 'text', text: { value: (part as { text: { value: string } }).text.value } }];
  return [{ type: 'text', text: { value: `[${part.type} content kept in Foundry]` } }];
}

function mapIncompleteReason(reason: string): 'content_filter' | 'max_tokens' | 'run_cancelled' | 'run_expired' | 'run_failed' {
  return (
    (['content_filter', 'max_tokens', 'run_cancelled', 'run_expired', 'run_failed'] as const).find((known) => known === reason) ??
    'run_failed'
  );
}

const RUN_STATUSES: readonly RunStatus[] = [
  'queued',
  'in_progress',
  'requires_action',
  'cancelling',
  'cancelled',
  'failed',
  'completed',
  'incomplete',
  'expired',
];

export function toRun(run: ThreadRun): Run {
  const required =
    run.requiredAction && 'submitToolOutputs' in run.requiredAction
      ? (run.requiredAction as { submitToolOutputs: { toolCalls: Array<{ id: string; function?: { name: string; arguments: string } }> } })
          .submitToolOutputs.toolCalls
      : null;
  return {
    id: run.id,
    object: 'thread.run',
    thread_id: run.threadId,
    assistant_id: run.assistantId,
    assistant_version: 1,
    status: RUN_STATUSES.includes(run.status as RunStatus) ? (run.status as RunStatus) : 'failed',
    required_action: required
      ? {
          type: 'submit_tool_outputs',
          submit_tool_outputs: {
            tool_calls: required.map((call) => ({
              id: call.id,
              type: 'function',
              function: { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '{}' },
            })),
          },
        }
      : null,
    last_error: run.lastError ? toLastError(run.lastError.code, run.lastError.message) : null,
    incomplete_details: run.incompleteDetails ? { reason: 'max_completion_tokens' } : null,
    usage: run.usage
      ? { prompt_tokens: run.usage.promptTokens, completion_tokens: run.usage.completionTokens, total_tokens: run.usage.totalTokens }
      : null,
    metadata: run.metadata ?? null,
    model: { profile: FOUNDRY_PROFILE, name: run.model },
    instructions: run.instructions,
    tools: functionNames(run.tools).map((name) => ({ name })),
    temperature: run.temperature ?? null,
    top_p: run.topP ?? null,
    response_format: 'auto',
    max_prompt_tokens: run.maxPromptTokens ?? null,
    max_completion_tokens: run.maxCompletionTokens ?? null,
    truncation_strategy: { type: 'auto' },
    created_at: seconds(run.createdAt) ?? 0,
    started_at: seconds(run.startedAt),
    completed_at: seconds(run.completedAt),
    cancelled_at: seconds(run.cancelledAt),
    failed_at: seconds(run.failedAt),
    expires_at: seconds(run.expiresAt),
  };
}

/** The service's error codes, in the extension's vocabulary (which picks the fix the UI offers). */
export function toLastError(code: string, message: string): RunLastError {
  const known: Record<string, RunLastError['code']> = {
    rate_limit_exceeded: 'rate_limit_exceeded',
    server_error: 'server_error',
    invalid_prompt: 'invalid_prompt',
  };
  return { code: known[code] ?? 'server_error', message };
}

/** A service step; outputs of calls this window ran are filled in from `outputs` (the SDK does not return them). */
export function toRunStep(step: FoundryRunStep, outputs: ReadonlyMap<string, string> = new Map()): RunStep {
  const base = {
    id: step.id,
    object: 'thread.run.step' as const,
    thread_id: step.threadId,
    run_id: step.runId,
    assistant_id: step.assistantId,
    status: step.status,
    last_error: step.lastError ? { code: 'server_error' as const, message: step.lastError.message } : null,
    usage: step.usage
      ? { prompt_tokens: step.usage.promptTokens, completion_tokens: step.usage.completionTokens, total_tokens: step.usage.totalTokens }
      : null,
    metadata: step.metadata ?? null,
    created_at: seconds(step.createdAt) ?? 0,
    completed_at: seconds(step.completedAt),
    cancelled_at: seconds(step.cancelledAt),
    failed_at: seconds(step.failedAt),
    expired_at: seconds(step.expiredAt),
  };
  if (step.stepDetails.type === 'tool_calls') {
    const calls = (step.stepDetails as RunStepToolCallDetails).toolCalls.map((call): FunctionToolCall => {
      const fn = (call as { function?: { name: string; arguments: string } }).function;
      const output = outputs.get(call.id) ?? null;
      return {
        id: call.id,
        type: 'function',
        function: { name: fn?.name ?? call.type, arguments: fn?.arguments ?? '{}', output },
        status: output === null ? 'in_progress' : 'completed',
      };
    });
    return { ...base, type: 'tool_calls', step_details: { type: 'tool_calls', tool_calls: calls } };
  }
  const messageId = (step.stepDetails as { messageCreation?: { messageId: string } }).messageCreation?.messageId ?? '';
  return { ...base, type: 'message_creation', step_details: { type: 'message_creation', message_creation: { message_id: messageId } } };
}
