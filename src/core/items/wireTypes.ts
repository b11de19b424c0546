// The Responses and Conversations wire shapes we produce and accept, written here so src/core does not depend on
// the `openai` package. test/unit/items/wireTypes.test.ts checks at compile time that each is assignable to the
// package's type of the same name, so a drift between the two fails the build rather than a client.

/** A text part a user (or the caller) wrote. */
export interface InputTextPart {
  type: 'input_text';
  text: string;
}

/** An image given inline (the local API fetches nothing, so only data: URLs). */
export interface InputImagePart {
  type: 'input_image';
  image_url: string | null;
  detail: 'low' | 'high' | 'auto';
  file_id: null;
}

/** A file given by name (a workspace path) or inline as a data: URL. */
export interface InputFilePart {
  type: 'input_file';
  filename?: string;
  file_data?: string;
  file_id?: null;
}

export type InputContentPart = InputTextPart | InputImagePart | InputFilePart;

/** Text the model wrote. Our annotations point at workspace paths, which the wire has no shape for, so none. */
export interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations: never[];
  logprobs: never[];
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** A user message. */
export interface InputMessageItem {
  type: 'message';
  id: string;
  role: 'user';
  status: ItemStatus;
  content: InputContentPart[];
}

/** An assistant message. */
export interface OutputMessageItem {
  type: 'message';
  id: string;
  role: 'assistant';
  status: ItemStatus;
  content: OutputTextPart[];
}

/** A call to a function tool the caller runs itself. */
export interface FunctionCallItem {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: ItemStatus;
}

/** The caller's answer to a function_call. */
export interface FunctionCallOutputItem {
  type: 'function_call_output';
  id: string;
  call_id: string;
  output: string;
  status: ItemStatus;
}

/** The model's reasoning: the summary is shown, the encrypted content only carried. */
export interface ReasoningItem {
  type: 'reasoning';
  id: string;
  summary: { type: 'summary_text'; text: string }[];
  encrypted_content?: string | null;
  status?: ItemStatus;
}

/** A call to one of the extension's workspace tools (run in the extension, under its approval rules). */
export interface WorkspaceToolCallItem {
  type: 'mcp_call';
  id: string;
  server_label: string;
  name: string;
  arguments: string;
  output: string | null;
  /** Why the call failed (or was denied), as the tool's own words. */
  error: { type: 'mcp_tool_execution_error'; content: string } | null;
  status: 'in_progress' | 'completed' | 'failed';
  approval_request_id: string | null;
}

/** A workspace tool call that waits for the user's approval; answered by an mcp_approval_response input item. */
export interface ApprovalRequestItem {
  type: 'mcp_approval_request';
  id: string;
  server_label: string;
  name: string;
  arguments: string;
}

/** The caller's decision on an approval request. */
export interface ApprovalResponseItem {
  type: 'mcp_approval_response';
  id: string;
  approval_request_id: string;
  approve: boolean;
  reason: string | null;
}

/** What a conversation (a thread) lists. */
export type ConversationItem =
  | InputMessageItem
  | OutputMessageItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | ReasoningItem
  | WorkspaceToolCallItem
  | ApprovalRequestItem
  | ApprovalResponseItem;

/** What a response produces. */
export type OutputItem = OutputMessageItem | FunctionCallItem | ReasoningItem | WorkspaceToolCallItem | ApprovalRequestItem;

export interface ConversationObject {
  id: string;
  object: 'conversation';
  created_at: number;
  metadata: Record<string, string>;
}

export type ResponseStatus = 'completed' | 'failed' | 'in_progress' | 'cancelled' | 'queued' | 'incomplete';

export interface ResponseUsageObject {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface FunctionToolObject {
  type: 'function';
  name: string;
  description: string | null;
  parameters: { [key: string]: unknown } | null;
  strict: boolean | null;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

/** The workspace agent a response ran, named as Foundry names agents. */
export interface AgentReference {
  type: 'agent_reference';
  name: string;
  version: string;
}

export interface ResponseObject {
  id: string;
  object: 'response';
  /** openai 7 names it on every response; no access program applies to a local or Foundry agent. */
  access_programs: null;
  created_at: number;
  status: ResponseStatus;
  /** Filled in by the openai package from `output`; sent so every client sees the same. */
  output_text: string;
  error: { code: 'server_error' | 'rate_limit_exceeded' | 'invalid_prompt'; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  metadata: Record<string, string>;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  temperature: number | null;
  top_p: number | null;
  tool_choice: ToolChoice;
  tools: FunctionToolObject[];
  background: boolean;
  completed_at: number | null;
  conversation: { id: string } | null;
  max_output_tokens: number | null;
  previous_response_id: string | null;
  store: boolean;
  truncation: 'auto' | 'disabled';
  text: { format: { type: 'text' } };
  usage?: ResponseUsageObject;
  /** Our extra (as Foundry's): the workspace agent, or null for a bare model. */
  agent: AgentReference | null;
}

type Sequenced<T> = T & { sequence_number: number };

/** The streamed events of a response, in the order documented for the Responses API. */
export type ResponseStreamEvent = Sequenced<
  | {
      type:
        'response.created' | 'response.queued' | 'response.in_progress' | 'response.completed' | 'response.failed' | 'response.incomplete';
      response: ResponseObject;
    }
  | { type: 'response.output_item.added' | 'response.output_item.done'; output_index: number; item: OutputItem }
  | {
      type: 'response.content_part.added' | 'response.content_part.done';
      item_id: string;
      output_index: number;
      content_index: number;
      part: OutputTextPart;
    }
  | { type: 'response.output_text.delta'; item_id: string; output_index: number; content_index: number; delta: string; logprobs: never[] }
  | { type: 'response.output_text.done'; item_id: string; output_index: number; content_index: number; text: string; logprobs: never[] }
  | {
      type: 'response.function_call_arguments.delta' | 'response.mcp_call_arguments.delta';
      item_id: string;
      output_index: number;
      delta: string;
    }
  | { type: 'response.function_call_arguments.done'; item_id: string; output_index: number; name: string; arguments: string }
  | { type: 'response.mcp_call_arguments.done'; item_id: string; output_index: number; arguments: string }
  | {
      type: 'response.mcp_call.in_progress' | 'response.mcp_call.completed' | 'response.mcp_call.failed';
      item_id: string;
      output_index: number;
    }
  | { type: 'response.reasoning_summary_text.delta'; item_id: string; output_index: number; summary_index: number; delta: string }
  | { type: 'response.reasoning_summary_text.done'; item_id: string; output_index: number; summary_index: number; text: string }
  | {
      type: 'response.reasoning_summary_part.added' | 'response.reasoning_summary_part.done';
      item_id: string;
      output_index: number;
      summary_index: number;
      part: { type: 'summary_text'; text: string };
    }
>;
