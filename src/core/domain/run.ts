import type { Agent } from './agent';
import type { JsonValue, Metadata, UnixSeconds, Usage } from './common';

export type RunStatus =
  'queued' | 'in_progress' | 'requires_action' | 'cancelling' | 'cancelled' | 'failed' | 'completed' | 'incomplete' | 'expired';

/** Statuses a run never leaves. */
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['cancelled', 'failed', 'completed', 'incomplete', 'expired'];

/** A function call the model asked for, waiting for the user's approval or for its output. */
export interface RequiredActionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ToolOutputsRequiredAction {
  type: 'submit_tool_outputs';
  submit_tool_outputs: { tool_calls: RequiredActionToolCall[] };
}

/** What a budget caps: one run, one thread (all its runs), or one agent's runs on one (local) day. */
export type BudgetScope = 'run' | 'thread' | 'agent_day';
/** What a budget counts: tokens (prompt + completion) or US dollars at the model profile's prices. */
export type BudgetUnit = 'tokens' | 'dollars';

/** The budget a run has reached before its next model call (shown on the budget card, returned by the local API). */
export interface BudgetPause {
  scope: BudgetScope;
  unit: BudgetUnit;
  /** The limit in force: the configured one plus what Continue granted so far. */
  limit: number;
  /** Spent so far in the scope. */
  used: number;
  /** What the next model call would add at least (its prompt, counted with the tokenizer). */
  next: number;
  /** What Continue adds to the limit. */
  step: number;
  /** Whether some of `used` was counted with the tokenizer because the provider reported no usage. */
  estimated: boolean;
}

/** Our extension of required_action: the run waits before a model call until the user continues or stops it. */
export interface BudgetRequiredAction {
  type: 'budget_exceeded';
  budget_exceeded: BudgetPause;
}

export type RequiredAction = ToolOutputsRequiredAction | BudgetRequiredAction;

/** The tool calls a run waits for, or none when it waits for something else (a budget). */
export function waitingToolCalls(action: RequiredAction | null | undefined): RequiredActionToolCall[] {
  return action?.type === 'submit_tool_outputs' ? action.submit_tool_outputs.tool_calls : [];
}

export interface RunLastError {
  code:
    | 'server_error'
    | 'rate_limit_exceeded'
    | 'invalid_prompt'
    | 'tool_error'
    | 'authentication_error'
    | 'invalid_api_key'
    | 'permission_denied'
    | 'model_not_found'
    | 'context_length_exceeded'
    | 'network_error'
    | 'timeout'
    | 'interrupted'
    | 'no_model'
    | 'storage_error'
    | 'budget_exceeded';
  message: string;
}

export interface RunIncompleteDetails {
  reason: 'max_completion_tokens' | 'max_prompt_tokens' | 'max_tool_rounds' | 'budget_exceeded';
}

/** The agent settings a run copies at its start, so later edits of the agent do not change what it ran with. */
export type AgentSnapshot = Pick<
  Agent,
  | 'model'
  | 'instructions'
  | 'tools'
  | 'temperature'
  | 'top_p'
  | 'reasoning_effort'
  | 'response_format'
  | 'max_prompt_tokens'
  | 'max_completion_tokens'
  | 'truncation_strategy'
>;

/** One execution of an agent on a thread, with a snapshot of the agent settings it used. */
export interface Run extends AgentSnapshot {
  id: string;
  object: 'thread.run';
  thread_id: string;
  assistant_id: string;
  /** The agent version the run used. */
  assistant_version: number;
  status: RunStatus;
  required_action: RequiredAction | null;
  last_error: RunLastError | null;
  incomplete_details: RunIncompleteDetails | null;
  usage: Usage | null;
  metadata: Metadata | null;
  created_at: UnixSeconds;
  started_at: UnixSeconds | null;
  completed_at: UnixSeconds | null;
  cancelled_at: UnixSeconds | null;
  failed_at: UnixSeconds | null;
  expires_at: UnixSeconds | null;
  /** Present on runs started as a Responses API response: what the caller asked for beyond an Assistants run. */
  response?: ResponseRunOptions;
}

/** A function tool an API caller declares and runs itself: the model may call it, the run hands the call back. */
export interface ClientFunctionTool {
  name: string;
  description: string | null;
  parameters: { [key: string]: JsonValue } | null;
  strict: boolean | null;
}

/**
 * How a run started as a response differs from an Assistants run. It never waits in requires_action: when a call
 * needs the caller (a client function tool, or a workspace tool the user must approve) the run completes with the
 * call open, and the next run takes the answers (`RunOverrides.resume`) before it calls the model again.
 */
export interface ResponseRunOptions {
  client_tools: ClientFunctionTool[];
  tool_choice: 'auto' | 'none' | 'required' | { type: 'function'; name: string };
  parallel_tool_calls: boolean;
  background: boolean;
  store: boolean;
  previous_response_id: string | null;
  /** The conversation the caller named (absent for a plain `input` or `previous_response_id` chain). */
  conversation_id: string | null;
  /** The workspace agent the caller named, or null for a bare `model`. */
  agent: { name: string; version: number } | null;
  /** The instructions the caller passed, as given (the run's `instructions` also hold the agent's). */
  instructions: string | null;
  max_output_tokens: number | null;
  truncation: 'auto' | 'disabled';
  /** Messages appended as this response's input, in order. */
  input_message_ids: string[];
  /** Open calls this response answered: a client call's output, or a workspace call's approval decision. */
  answered_calls: { call_id: string; approve?: boolean }[];
}

export type RunStepStatus = 'in_progress' | 'cancelled' | 'failed' | 'completed' | 'expired';

/** Where a tool call is in its life; approval states come before the call runs. */
export type ToolCallStatus = 'pending_approval' | 'approved' | 'denied' | 'in_progress' | 'completed' | 'failed';

/** A function tool call inside a tool_calls step: the call and, once run, its output. */
export interface FunctionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string; output: string | null };
  status: ToolCallStatus;
}

export interface MessageCreationStepDetails {
  type: 'message_creation';
  message_creation: { message_id: string };
}

export interface ToolCallsStepDetails {
  type: 'tool_calls';
  tool_calls: FunctionToolCall[];
  /** The message whose tool_calls hold these calls (our extra), so item ids can name the call by its message. */
  message_id?: string;
}

interface RunStepBase {
  id: string;
  object: 'thread.run.step';
  thread_id: string;
  run_id: string;
  assistant_id: string;
  status: RunStepStatus;
  last_error: { code: 'server_error' | 'rate_limit_exceeded'; message: string } | null;
  usage: Usage | null;
  metadata: Metadata | null;
  created_at: UnixSeconds;
  completed_at: UnixSeconds | null;
  cancelled_at: UnixSeconds | null;
  failed_at: UnixSeconds | null;
  expired_at: UnixSeconds | null;
}

/** One step of a run: writing a message, or calling tools (call/result pairs live here). */
export type RunStep =
  | (RunStepBase & { type: 'message_creation'; step_details: MessageCreationStepDetails })
  | (RunStepBase & { type: 'tool_calls'; step_details: ToolCallsStepDetails });

/** Incremental change of a step streamed while it runs (thread.run.step.delta). */
export interface RunStepDelta {
  id: string;
  object: 'thread.run.step.delta';
  delta: {
    step_details?: MessageCreationStepDetails | { type: 'tool_calls'; tool_calls?: Array<{ index: number } & Partial<FunctionToolCall>> };
  };
}

/** A decision on one tool call that waits for approval. */
export interface ToolApproval {
  tool_call_id: string;
  approve: boolean;
  /** Approve this tool for the rest of the thread (kept in the thread's metadata). */
  alwaysForThread?: boolean;
}

/** The output of a tool call a client ran itself. */
export interface ToolOutput {
  tool_call_id: string;
  output: string;
}
