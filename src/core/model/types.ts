// Provider-neutral shapes the run engine speaks; nothing here depends on the `openai` package,
// so another provider (or a test double of the engine's own making) can implement ModelClient.

import type { ModelErrorCode } from '../domain/errors';
import type { ReasoningEffort } from '../domain/agent';
import type { MessageReasoning } from '../domain/message';
import type { ModelPrices } from './prices';

export { REASONING_EFFORTS, type ReasoningEffort } from '../domain/agent';

/** A piece of a user message: text, or an image given as a data: URL or an https: URL. */
export type ChatContentPart = { type: 'text'; text: string } | { type: 'image'; url: string; detail?: 'auto' | 'low' | 'high' };

/** One tool call the model asked for; `arguments` is the raw JSON text exactly as the model wrote it. */
export interface ChatToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * A reasoning model's reasoning behind one answer: the summary shown to the user and, from the Responses API, the
 * encrypted item that is sent back on later turns (never shown or logged). Chat Completions ignores it.
 */
export type ChatReasoning = MessageReasoning;

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | { role: 'assistant'; content: string; tool_calls?: ChatToolCall[]; reasoning?: ChatReasoning }
  | { role: 'tool'; tool_call_id: string; content: string };

/** A JSON Schema object describing a tool's arguments. */
export type JsonSchemaObject = { type: 'object'; [keyword: string]: unknown };

export interface ChatTool {
  name: string;
  description: string;
  parameters: JsonSchemaObject;
}

export type ChatResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string } };

/** Whether the model may, must, or must not call tools, or must call one named function. */
export type ChatToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

export interface ChatRequest {
  /** Model name (OpenAI) or deployment name (Azure, when the profile names no deployment). */
  model: string;
  messages: ChatMessage[];
  tools?: ChatTool[];
  /** Sent only with tools; absent means the provider's default (auto). */
  tool_choice?: ChatToolChoice;
  /** Whether the model may ask for several calls at once; default true. */
  parallel_tool_calls?: boolean;
  temperature?: number;
  top_p?: number;
  max_completion_tokens?: number;
  response_format?: ChatResponseFormat;
  reasoning_effort?: ReasoningEffort;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type ChatStreamEvent =
  | { type: 'text'; delta: string }
  /** A complete tool call, emitted once every chunk of it has arrived. */
  | { type: 'tool_call'; index: number; id: string; name: string; arguments: string }
  /** A piece of the reasoning summary's paragraph `summaryIndex`, streamed as the model thinks. */
  | { type: 'reasoning_delta'; summaryIndex: number; delta: string }
  /** The finished reasoning item (summary and encrypted content), emitted once it is complete. */
  | { type: 'reasoning'; reasoning: ChatReasoning }
  | ({ type: 'usage' } & TokenUsage)
  /** Attempt failed: discard its partial output; retry number `attempt` (1 = first retry) starts after `delayMs`. */
  | { type: 'retry'; attempt: number; delayMs: number; error: ModelError }
  | { type: 'done'; finish_reason: FinishReason };

export interface ModelClient {
  /** Streams one chat completion; throws ModelError when it fails for good or `signal` aborts. */
  streamChat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatStreamEvent>;
}

/** Which OpenAI wire API a profile speaks: the Responses API (OpenAI, Azure OpenAI) or Chat Completions (everyone). */
export type ModelApi = 'responses' | 'chat-completions';

/** 'vscode-lm' profiles are served by VS Code's Language Model API (an adapter in src/vscode), not by OpenAIChatClient. */
export type ModelProvider = 'openai' | 'azure-openai' | 'openai-compatible' | 'vscode-lm';

export interface ModelProfile {
  id: string;
  provider: ModelProvider;
  /** Base URL of an OpenAI-compatible server, e.g. http://localhost:11434/v1. */
  baseUrl?: string;
  /** Azure OpenAI resource endpoint, e.g. https://my-resource.openai.azure.com. */
  endpoint?: string;
  /** Azure deployment name; when absent, the request's model is used as the deployment. */
  deployment?: string;
  apiVersion?: string;
  model: string;
  contextWindow: number;
  maxOutputTokens?: number;
  /** US dollars per million tokens, as the user entered them; none by default (then runs have no cost). */
  prices?: ModelPrices;
  /** Default: 'responses' for openai and azure-openai, 'chat-completions' for openai-compatible (see modelApiOf). */
  api?: ModelApi;
}

/** The API a profile uses: its own choice, else Responses where the provider has it, else Chat Completions. */
export function modelApiOf(profile: Pick<ModelProfile, 'provider' | 'api'>): ModelApi {
  if (profile.provider === 'vscode-lm') return 'chat-completions';
  if (profile.api) return profile.api;
  return profile.provider === 'openai' || profile.provider === 'azure-openai' ? 'responses' : 'chat-completions';
}

/** A model call failure with a stable code and a message the user can act on (never containing secrets). */
export class ModelError extends Error {
  override readonly name = 'ModelError';

  constructor(
    readonly code: ModelErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** How long the server asked us to wait before retrying, when it said so. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
