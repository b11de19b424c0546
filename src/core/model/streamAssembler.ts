// Turns Chat Completions chunks into ChatStreamEvents. Tool-call arguments arrive in pieces, and
// parallel calls may interleave by index, so calls are only emitted once the choice finishes.

import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { ChatStreamEvent, FinishReason } from './types';

interface PartialToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** Accumulates one streamed completion (choice 0) and reports events as they become complete. */
export class StreamAssembler {
  private readonly toolCalls = new Map<number, PartialToolCall>();
  private finishReason: FinishReason | undefined;

  /** Events made complete by `chunk`. */
  push(chunk: ChatCompletionChunk): ChatStreamEvent[] {
    const events: ChatStreamEvent[] = [];
    // Only the first choice is requested (n defaults to 1); other indexes would be a server quirk.
    const choice = chunk.choices?.find((candidate) => candidate.index === 0) ?? chunk.choices?.[0];
    if (choice) {
      const delta = choice.delta ?? {};
      const text = (delta.content ?? '') + (delta.refusal ?? '');
      if (text) events.push({ type: 'text', delta: text });
      for (const part of delta.tool_calls ?? []) this.addToolCallPart(part);
      if (choice.finish_reason && this.finishReason === undefined) {
        this.finishReason = choice.finish_reason;
        events.push(...this.flushToolCalls());
      }
    }
    if (chunk.usage) {
      const { prompt_tokens, completion_tokens } = chunk.usage;
      events.push({
        type: 'usage',
        prompt_tokens,
        completion_tokens,
        total_tokens: chunk.usage.total_tokens ?? prompt_tokens + completion_tokens,
      });
    }
    return events;
  }

  /** Events for the end of the stream, or undefined when the stream ended before the model finished. */
  finish(): ChatStreamEvent[] | undefined {
    if (this.finishReason === undefined) return undefined;
    return [{ type: 'done', finish_reason: this.finishReason }];
  }

  private addToolCallPart(part: ChatCompletionChunk.Choice.Delta.ToolCall): void {
    const existing = this.toolCalls.get(part.index);
    const call = existing ?? { id: '', name: '', arguments: '' };
    if (part.id) call.id = part.id;
    // OpenAI sends the name once; some compatible servers repeat it on every chunk.
    const name = part.function?.name;
    if (name && name !== call.name) call.name += name;
    if (part.function?.arguments) call.arguments += part.function.arguments;
    if (!existing) this.toolCalls.set(part.index, call);
  }

  private flushToolCalls(): ChatStreamEvent[] {
    const indexes = [...this.toolCalls.keys()].sort((a, b) => a - b);
    const events = indexes.map((index): ChatStreamEvent => {
      const call = this.toolCalls.get(index)!;
      // Malformed argument JSON is passed through untouched: the engine reports it to the model.
      return { type: 'tool_call', index, id: call.id || `call_${index}`, name: call.name, arguments: call.arguments };
    });
    this.toolCalls.clear();
    return events;
  }
}
