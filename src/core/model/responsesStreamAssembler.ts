// Turns Responses API stream events into ChatStreamEvents. Text and reasoning summaries stream as they arrive;
// function calls and the finished reasoning item are reported whole, once their output item is done, and calls
// only at the end (as Chat Completions reports them), so a retried attempt never leaves half a call behind.

import type { Response, ResponseOutputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { openaiPackage } from './openaiPackage';
import type { ChatReasoning, ChatStreamEvent, ChatToolCall, FinishReason } from './types';

/** Accumulates one streamed response and reports events as they become complete. */
export class ResponsesStreamAssembler {
  private readonly toolCalls: ChatToolCall[] = [];
  private reasoning: ChatReasoning | undefined;
  private finishReason: FinishReason | undefined;

  push(event: ResponseStreamEvent): ChatStreamEvent[] {
    switch (event.type) {
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        return event.delta ? [{ type: 'text', delta: event.delta }] : [];
      case 'response.reasoning_summary_text.delta':
        return event.delta ? [{ type: 'reasoning_delta', summaryIndex: event.summary_index, delta: event.delta }] : [];
      case 'response.output_item.done':
        return this.itemDone(event.item);
      case 'response.completed':
      case 'response.incomplete':
        return this.finished(event.response);
      case 'response.failed':
        throw streamFailure(event.response.error?.message ?? 'The response failed.', event.response.error?.code ?? null);
      case 'error':
        throw streamFailure(event.message, event.code);
      default:
        return [];
    }
  }

  finish(): ChatStreamEvent[] | undefined {
    if (this.finishReason === undefined) return undefined;
    return [{ type: 'done', finish_reason: this.finishReason }];
  }

  private itemDone(item: ResponseOutputItem): ChatStreamEvent[] {
    if (item.type === 'function_call') {
      this.toolCalls.push({ id: item.call_id, name: item.name, arguments: item.arguments });
      return [];
    }
    if (item.type !== 'reasoning') return [];
    // A response has one reasoning item before its output; should a model write more, their summaries are kept
    // together and the newest encrypted item is the one carried forward.
    const summary = [...(this.reasoning?.summary ?? []), ...item.summary.map((part) => part.text)];
    this.reasoning = { id: item.id, summary, ...(item.encrypted_content ? { encrypted_content: item.encrypted_content } : {}) };
    return [{ type: 'reasoning', reasoning: this.reasoning }];
  }

  private finished(response: Response): ChatStreamEvent[] {
    if (this.finishReason !== undefined) return [];
    const reason = response.incomplete_details?.reason;
    this.finishReason =
      reason === 'max_output_tokens'
        ? 'length'
        : reason === 'content_filter'
          ? 'content_filter'
          : this.toolCalls.length
            ? 'tool_calls'
            : 'stop';
    const events: ChatStreamEvent[] = this.toolCalls.map((call, index) => ({ type: 'tool_call', index, ...call }));
    if (response.usage) {
      const { input_tokens, output_tokens, total_tokens } = response.usage;
      events.push({ type: 'usage', prompt_tokens: input_tokens, completion_tokens: output_tokens, total_tokens });
    }
    return events;
  }
}

/** An error reported inside a started stream, as the error mapping knows it from Chat Completions (no status). */
function streamFailure(message: string, code: string | null): Error {
  const { APIError } = openaiPackage();
  return new APIError(undefined, { message, code, type: 'server_error' }, message, undefined);
}
