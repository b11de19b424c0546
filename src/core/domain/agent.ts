import type { JsonValue, Metadata, UnixSeconds } from './common';

/** Which model an agent talks to: a provider profile configured in settings, and the model/deployment name there. */
export interface AgentModel {
  profile: string;
  name: string;
}

/** A tool the agent may call, named as registered in the tool registry (a function tool or a workspace tool). */
export interface AgentTool {
  name: string;
}

/** Whether a tool call runs at once, waits for the user's approval (requires_action), or is refused. */
export type ApprovalPolicy = 'ask' | 'auto' | 'deny';

/** How the run engine trims the thread to fit the context window. */
export type TruncationStrategy = { type: 'auto' } | { type: 'last_messages'; last_messages: number };

/**
 * What a run does when the thread no longer fits the model's context: drop the oldest messages (truncation_strategy),
 * or summarize the older part into a summary message appended to the thread (compaction; the originals stay).
 */
export type ContextOverflow = 'drop_oldest' | 'compact';

export const CONTEXT_OVERFLOWS: readonly ContextOverflow[] = ['drop_oldest', 'compact'];

/** How hard a reasoning model thinks before it answers (the Responses API's reasoning.effort). */
export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high';

export const REASONING_EFFORTS: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high'];

/** The output format the model is asked for. */
export type ResponseFormat =
  | 'auto'
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: { [key: string]: JsonValue }; strict?: boolean } };

/** One version of an agent (an "assistant" in the OpenAI API); every update makes a new version. */
export interface Agent {
  id: string;
  object: 'assistant';
  version: number;
  name: string;
  description: string | null;
  model: AgentModel;
  instructions: string;
  tools: AgentTool[];
  /** Per-tool settings keyed by tool name (e.g. allowed folders for a file tool). */
  tool_settings: Record<string, { [key: string]: JsonValue }>;
  /** Per-tool approval policy keyed by tool name; tools not listed use the tool's own default. */
  approval_policy: Record<string, ApprovalPolicy>;
  temperature: number | null;
  top_p: number | null;
  /** Absent or null: the model's default, and nothing is sent (models without reasoning reject the setting). */
  reasoning_effort?: ReasoningEffort | null;
  response_format: ResponseFormat;
  max_prompt_tokens: number | null;
  max_completion_tokens: number | null;
  truncation_strategy: TruncationStrategy;
  /** Absent: 'drop_oldest' (our extra; agents written before compaction existed never compact). */
  context_overflow?: ContextOverflow;
  metadata: Metadata;
  /** When the agent (its first version) was created. */
  created_at: UnixSeconds;
  /** When this version was written. */
  updated_at: UnixSeconds;
}

/** What a caller supplies to create an agent; everything but name, model and instructions has a default. */
export type AgentInput = Pick<Agent, 'name' | 'model'> &
  Partial<Omit<Agent, 'id' | 'object' | 'version' | 'created_at' | 'updated_at' | 'name' | 'model'>>;

/** The fields an update may change. */
export type AgentUpdate = Partial<Omit<Agent, 'id' | 'object' | 'version' | 'created_at' | 'updated_at'>>;

/** What an agent has when its definition leaves a field out: no tools, no instructions, the model's own sampling. */
export function agentDefaults(): Pick<
  Agent,
  | 'description'
  | 'instructions'
  | 'tools'
  | 'tool_settings'
  | 'approval_policy'
  | 'temperature'
  | 'top_p'
  | 'response_format'
  | 'max_prompt_tokens'
  | 'max_completion_tokens'
  | 'truncation_strategy'
  | 'metadata'
> {
  return {
    description: null,
    instructions: '',
    tools: [],
    tool_settings: {},
    approval_policy: {},
    temperature: null,
    top_p: null,
    response_format: 'auto',
    max_prompt_tokens: null,
    max_completion_tokens: null,
    truncation_strategy: { type: 'auto' },
    metadata: {},
  };
}
