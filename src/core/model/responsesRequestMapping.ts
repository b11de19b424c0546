// Translates the provider-neutral ChatRequest into the Responses API wire shape. Nothing is stored server-side
// (store: false); the encrypted reasoning of earlier answers travels in the input instead, which reasoning models
// need to continue a tool-calling turn where they left off.

import type {
  FunctionTool,
  ResponseCreateParamsStreaming,
  ResponseFormatTextConfig,
  ResponseInputContent,
  ResponseInputItem,
} from 'openai/resources/responses/responses';
import type { ChatContentPart, ChatMessage, ChatRequest, ChatResponseFormat, ChatTool } from './types';

/** Builds streaming Responses parameters for `request`; `model` is the model or (Azure) deployment name. */
export function toResponsesParams(request: ChatRequest, model: string = request.model): ResponseCreateParamsStreaming {
  const params: ResponseCreateParamsStreaming = {
    model,
    input: request.messages.flatMap(toInputItems),
    stream: true,
    store: false,
    include: ['reasoning.encrypted_content'],
  };
  if (request.tools && request.tools.length > 0) {
    params.tools = request.tools.map(toFunctionTool);
    params.parallel_tool_calls = request.parallel_tool_calls ?? true;
    if (request.tool_choice !== undefined) params.tool_choice = request.tool_choice;
  }
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.top_p !== undefined) params.top_p = request.top_p;
  if (request.max_completion_tokens !== undefined) params.max_output_tokens = request.max_completion_tokens;
  if (request.response_format !== undefined) params.text = { format: toTextFormat(request.response_format) };
  if (request.reasoning_effort !== undefined) params.reasoning = { effort: request.reasoning_effort, summary: 'auto' };
  return params;
}

function toInputItems(message: ChatMessage): ResponseInputItem[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: message.content }];
    case 'user':
      return [{ role: 'user', content: typeof message.content === 'string' ? message.content : message.content.map(toInputContent) }];
    case 'assistant': {
      const items: ResponseInputItem[] = [];
      // Without store, an item is known only by what it carries: a summary without its encrypted content is of no
      // use to the model (and an id alone would be looked up and not found).
      const reasoning = message.reasoning;
      if (reasoning?.encrypted_content) {
        items.push({
          type: 'reasoning',
          id: reasoning.id ?? '',
          summary: reasoning.summary.map((text) => ({ type: 'summary_text', text })),
          encrypted_content: reasoning.encrypted_content,
        });
      }
      if (message.content) items.push({ role: 'assistant', content: message.content });
      for (const call of message.tool_calls ?? []) {
        items.push({ type: 'function_call', call_id: call.id, name: call.name, arguments: call.arguments });
      }
      return items;
    }
    case 'tool':
      return [{ type: 'function_call_output', call_id: message.tool_call_id, output: message.content }];
  }
}

function toInputContent(part: ChatContentPart): ResponseInputContent {
  if (part.type === 'text') return { type: 'input_text', text: part.text };
  return { type: 'input_image', image_url: part.url, detail: part.detail ?? 'auto' };
}

function toFunctionTool(tool: ChatTool): FunctionTool {
  // Not strict: our tools' schemas are not written for strict mode (every property required, no extra keywords).
  return { type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters, strict: false };
}

function toTextFormat(format: ChatResponseFormat): ResponseFormatTextConfig {
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, schema, strict, description } = format.json_schema;
  return {
    type: 'json_schema',
    name,
    schema: schema ?? {},
    ...(strict !== undefined ? { strict } : {}),
    ...(description ? { description } : {}),
  };
}
