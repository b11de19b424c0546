// Spans of a run in the OpenTelemetry GenAI semantic conventions: `invoke_agent` for the run, `chat` for each model
// call and `execute_tool` for each tool call, both children of the run's span. Message text goes on spans only when
// the tracer allows content capture (a user setting); otherwise spans carry names, ids, models, counts and errors.

import type { Agent } from '../domain/agent';
import type { FunctionToolCall, Run } from '../domain/run';
import type { ChatMessage, ChatRequest, ChatToolCall, FinishReason, ModelProfile, TokenUsage } from '../model/types';
import type { SpanAttributes, TraceSpan, Tracer } from '../util/tracing';

/** `gen_ai.provider.name` of a profile: the convention's names where one exists, else the profile's provider. */
export function genAiProviderName(profile: Pick<ModelProfile, 'provider'>): string {
  if (profile.provider === 'azure-openai') return 'azure.ai.openai';
  if (profile.provider === 'vscode-lm') return 'vscode.lm';
  return profile.provider;
}

/** `server.address` and `server.port` of the profile's endpoint, when it has one. */
function serverAttributes(profile: ModelProfile): SpanAttributes {
  const url = profile.baseUrl ?? profile.endpoint ?? (profile.provider === 'openai' ? 'https://api.openai.com' : undefined);
  if (!url) return {};
  try {
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
    return { 'server.address': parsed.hostname, 'server.port': port };
  } catch {
    return {};
  }
}

/** Opens the span of a run (`invoke_agent {agent name}`). */
export function startRunSpan(tracer: Tracer, run: Run, agent: Agent, profile: ModelProfile): TraceSpan {
  return tracer.startSpan(`invoke_agent ${agent.name}`, {
    kind: 'internal',
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': genAiProviderName(profile),
      'gen_ai.agent.id': agent.id,
      'gen_ai.agent.name': agent.name,
      'gen_ai.agent.version': String(run.assistant_version),
      'gen_ai.conversation.id': run.thread_id,
      'gen_ai.request.model': run.model.name,
      'agent_threads.run.id': run.id,
      ...(tracer.captureContent && run.instructions ? { 'gen_ai.system_instructions': systemInstructions(run.instructions) } : {}),
    },
  });
}

/** Closes a run's span with its usage and how it ended; failed and expired runs mark the span as an error. */
export function endRunSpan(span: TraceSpan, run: Run): void {
  span.setAttributes({
    ...usageAttributes(run.usage),
    'agent_threads.run.status': run.status,
  });
  if (run.status === 'failed') span.fail(run.last_error?.code ?? 'server_error', run.last_error?.message ?? 'The run failed.');
  else if (run.status === 'expired') span.fail('expired', 'Nobody approved the waiting tool calls before the run expired.');
  span.end();
}

/** Opens the span of one model call (`chat {model}`), a child of the run's span. */
export function startChatSpan(tracer: Tracer, parent: TraceSpan, profile: ModelProfile, request: ChatRequest): TraceSpan {
  return tracer.startSpan(`chat ${request.model}`, {
    kind: 'client',
    parent,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': genAiProviderName(profile),
      'gen_ai.request.model': request.model,
      'gen_ai.request.temperature': request.temperature,
      'gen_ai.request.top_p': request.top_p,
      'gen_ai.request.max_tokens': request.max_completion_tokens,
      ...serverAttributes(profile),
      ...(tracer.captureContent ? { 'gen_ai.input.messages': inputMessages(request.messages) } : {}),
    },
  });
}

/** What a finished model call produced, for its span. */
export interface ChatOutcome {
  text: string;
  toolCalls: ChatToolCall[];
  finishReason: FinishReason | undefined;
  usage: TokenUsage | null;
}

/** Closes a model call's span with its usage and finish reason (and its output, when content capture is on). */
export function endChatSpan(tracer: Tracer, span: TraceSpan, outcome: ChatOutcome): void {
  span.setAttributes({
    ...usageAttributes(outcome.usage),
    'gen_ai.response.finish_reasons': outcome.finishReason ? [outcome.finishReason] : undefined,
    ...(tracer.captureContent ? { 'gen_ai.output.messages': outputMessages(outcome) } : {}),
  });
  span.end();
}

/** Opens the span of one tool call (`execute_tool {tool name}`), a child of the run's span. */
export function startToolSpan(tracer: Tracer, parent: TraceSpan, call: FunctionToolCall): TraceSpan {
  return tracer.startSpan(`execute_tool ${call.function.name}`, {
    kind: 'internal',
    parent,
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': call.function.name,
      'gen_ai.tool.call.id': call.id,
      'gen_ai.tool.type': 'function',
      ...(tracer.captureContent ? { 'gen_ai.tool.call.arguments': call.function.arguments } : {}),
    },
  });
}

/** Closes a tool call's span; a failed call marks it as an error. */
export function endToolSpan(tracer: Tracer, span: TraceSpan, call: FunctionToolCall, ok: boolean): void {
  if (tracer.captureContent && call.function.output !== null) span.setAttributes({ 'gen_ai.tool.call.result': call.function.output });
  if (!ok) span.fail('tool_error', `The tool '${call.function.name}' failed.`);
  span.end();
}

/** Marks a span as failed by an exception (a model error, a cancel) and ends it. */
export function failSpan(span: TraceSpan, error: unknown): void {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
  const name = error instanceof Error ? error.name : 'Error';
  span.fail(code ?? name, error instanceof Error ? error.message : String(error));
  span.end();
}

function usageAttributes(usage: TokenUsage | null): SpanAttributes {
  if (!usage) return {};
  return { 'gen_ai.usage.input_tokens': usage.prompt_tokens, 'gen_ai.usage.output_tokens': usage.completion_tokens };
}

// Content in the conventions' JSON shapes (role + parts), built only when capture is on.

function systemInstructions(instructions: string): string {
  return JSON.stringify([{ type: 'text', content: instructions }]);
}

function inputMessages(messages: ChatMessage[]): string {
  return JSON.stringify(
    messages.map((message) => {
      switch (message.role) {
        case 'system':
          return { role: 'system', parts: [{ type: 'text', content: message.content }] };
        case 'user': {
          const parts =
            typeof message.content === 'string'
              ? [{ type: 'text', content: message.content }]
              : message.content.map((part) => (part.type === 'text' ? { type: 'text', content: part.text } : { type: 'image' }));
          return { role: 'user', parts };
        }
        case 'assistant':
          return {
            role: 'assistant',
            parts: [
              ...(message.content ? [{ type: 'text', content: message.content }] : []),
              ...(message.tool_calls ?? []).map(toolCallPart),
            ],
          };
        case 'tool':
          return { role: 'tool', parts: [{ type: 'tool_call_response', id: message.tool_call_id, response: message.content }] };
      }
    }),
  );
}

function outputMessages(outcome: ChatOutcome): string {
  const parts = [...(outcome.text ? [{ type: 'text', content: outcome.text }] : []), ...outcome.toolCalls.map(toolCallPart)];
  return JSON.stringify([{ role: 'assistant', parts, finish_reason: outcome.finishReason ?? 'stop' }]);
}

function toolCallPart(call: ChatToolCall): Record<string, unknown> {
  return { type: 'tool_call', id: call.id, name: call.name, arguments: call.arguments };
}
