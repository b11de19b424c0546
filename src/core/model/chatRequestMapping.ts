// Translates the provider-neutral ChatRequest into the Chat Completions wire shape.

import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { ChatContentPart, ChatMessage, ChatRequest, ChatTool } from './types';

/** Builds streaming Chat Completions parameters (usage included) for `request`. */
export function toStreamingParams(request: ChatRequest): ChatCompletionCreateParamsStreaming {
  const params: ChatCompletionCreateParamsStreaming = {
    model: request.model,
    messages: request.messages.map(toMessageParam),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (request.tools && request.tools.length > 0) {
    params.tools = request.tools.map(toToolParam);
    params.parallel_tool_calls = request.parallel_tool_calls ?? true;
    const choice = request.tool_choice;
    if (choice !== undefined)
      params.tool_choice = typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
  }
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.top_p !== undefined) params.top_p = request.top_p;
  if (request.max_completion_tokens !== undefined) params.max_completion_tokens = request.max_completion_tokens;
  if (request.response_format !== undefined) params.response_format = request.response_format;
  if (request.reasoning_effort !== undefined) params.reasoning_effort = request.reasoning_effort;
  return params;
}

function toMessageParam(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return {
        role: 'user',
        content: typeof message.content === 'string' ? message.content : message.content.map(toContentPart),
      };
    case 'assistant':
      if (message.tool_calls && message.tool_calls.length > 0) {
        return {
          role: 'assistant',
          // Some servers reject an empty string next to tool calls; null is the documented form.
          content: message.content === '' ? null : message.content,
          tool_calls: message.tool_calls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: call.arguments },
          })),
        };
      }
      return { role: 'assistant', content: message.content };
    case 'tool':
      return { role: 'tool', tool_call_id: message.tool_call_id, content: message.content };
  }
}

function toContentPart(part: ChatContentPart): ChatCompletionContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  return {
    type: 'image_url',
    image_url: part.detail ? { url: part.url, detail: part.detail } : { url: part.url },
  };
}

function toToolParam(tool: ChatTool): ChatCompletionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}
