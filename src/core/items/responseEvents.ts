// A run's engine events as a response's stream, in the documented order, each with a sequence_number one more than
// the last:
//
//   engine event                          stream events
//   thread.run.created                    response.created
//   thread.run.in_progress (first)        response.in_progress
//   thread.message.delta (reasoning)      the first: response.output_item.added (reasoning); each paragraph:
//                                         response.reasoning_summary_part.added, then .reasoning_summary_text.delta
//   thread.message.delta (text)           the first: the reasoning's summary text and part .done and its
//                                         output_item.done; then response.output_item.added (message),
//                                         response.content_part.added; each: response.output_text.delta
//   thread.message.completed/incomplete   (the reasoning closed and the message opened, if they were not yet)
//                                         response.output_text.done, response.content_part.done, response.output_item.done
//   thread.run.step.created (tool_calls)  per call: output_item.added, then for a function_call its arguments
//                                         (.delta, .done) and output_item.done; for an mcp_call its arguments and
//                                         response.mcp_call.in_progress; an mcp_approval_request is added and done
//   thread.run.step.completed (tool_calls) per mcp_call: response.mcp_call.completed/failed, output_item.done
//   terminal run                          response.completed / response.incomplete / response.failed (cancelled too)
//
// The builder is synchronous; whoever feeds it loads the messages a tool_calls step names first (callPosition).

import type { RunEngineEvent } from '../domain/events';
import type { Message, MessageDelta } from '../domain/message';
import type { Run } from '../domain/run';
import { reasoningItemId } from './itemIds';
import { outputMessageItem } from './messageItems';
import { callOutputItem, callPosition, hasText, responseReasoningItem } from './responseObject';
import type { OutputItem, OutputTextPart, ReasoningItem, ResponseObject, ResponseStreamEvent } from './wireTypes';

/** An answer being streamed: its reasoning item while the summary streams, then its message item. */
interface OpenMessage {
  message: Message;
  reasoning?: { outputIndex: number; summary: string[]; closed: boolean };
  item?: { outputIndex: number; text: string };
}

type Unsequenced<E> = E extends unknown ? Omit<E, 'sequence_number'> : never;

/** Turns one response's engine events into stream events. */
export class ResponseStreamBuilder {
  private sequence = 0;
  private nextOutputIndex = 0;
  private inProgressSent = false;
  private readonly messages = new Map<string, OpenMessage>();
  private readonly openCalls = new Map<string, { outputIndex: number; item: OutputItem }>();

  constructor(private run: Run) {}

  /** The events for a lifecycle change; `response` is the response as of that change. */
  lifecycle(run: Run, response: ResponseObject, created = false): ResponseStreamEvent[] {
    this.run = run;
    if (created) return [this.seq({ type: 'response.created', response })];
    if (run.status === 'queued') return [];
    if (run.status === 'in_progress' && !this.inProgressSent) {
      this.inProgressSent = true;
      return [this.seq({ type: 'response.in_progress', response })];
    }
    if (response.status === 'completed') return [this.seq({ type: 'response.completed', response })];
    if (response.status === 'incomplete') return [this.seq({ type: 'response.incomplete', response })];
    if (response.status === 'failed' || response.status === 'cancelled') return [this.seq({ type: 'response.failed', response })];
    return [];
  }

  /** The events for a message or step event; `messages` holds the messages a tool_calls step names. */
  item(event: RunEngineEvent, messages: ReadonlyMap<string, Message>): ResponseStreamEvent[] {
    switch (event.event) {
      case 'thread.message.created':
        return event.data.role === 'assistant' ? this.messageAdded(event.data) : [];
      case 'thread.message.delta':
        return this.messageDelta(event.data.id, event.data.delta);
      case 'thread.message.completed':
      case 'thread.message.incomplete':
        return this.messageDone(event.data);
      case 'thread.run.step.created':
        return event.data.type === 'tool_calls' ? this.callsAdded(event.data, messages) : [];
      case 'thread.run.step.completed':
      case 'thread.run.step.failed':
      case 'thread.run.step.cancelled':
      case 'thread.run.step.expired':
        return event.data.type === 'tool_calls' ? this.callsDone(event.data, messages) : [];
      default:
        return [];
    }
  }

  private messageAdded(message: Message): ResponseStreamEvent[] {
    // Its items open with what arrives first: the reasoning summary, or the text.
    if (!this.messages.has(message.id)) this.messages.set(message.id, { message });
    return [];
  }

  private reasoningDelta(messageId: string, summaryIndex: number, delta: string): ResponseStreamEvent[] {
    const open = this.messages.get(messageId);
    if (!open || open.item || open.reasoning?.closed) return [];
    const events: ResponseStreamEvent[] = [];
    const itemId = reasoningItemId(messageId);
    if (!open.reasoning) {
      open.reasoning = { outputIndex: this.nextOutputIndex++, summary: [], closed: false };
      const item: ReasoningItem = { type: 'reasoning', id: itemId, summary: [] };
      events.push(this.seq({ type: 'response.output_item.added', output_index: open.reasoning.outputIndex, item }));
    }
    const reasoning = open.reasoning;
    const ids = { item_id: itemId, output_index: reasoning.outputIndex };
    while (reasoning.summary.length <= summaryIndex) {
      if (reasoning.summary.length) events.push(...this.summaryPartDone(ids, reasoning.summary.length - 1, reasoning.summary.at(-1)!));
      const index = reasoning.summary.push('') - 1;
      events.push(this.seq({ type: 'response.reasoning_summary_part.added', ...ids, summary_index: index, part: summaryPart('') }));
    }
    reasoning.summary[summaryIndex] += delta;
    events.push(this.seq({ type: 'response.reasoning_summary_text.delta', ...ids, summary_index: summaryIndex, delta }));
    return events;
  }

  private summaryPartDone(ids: { item_id: string; output_index: number }, index: number, text: string): ResponseStreamEvent[] {
    return [
      this.seq({ type: 'response.reasoning_summary_text.done', ...ids, summary_index: index, text }),
      this.seq({ type: 'response.reasoning_summary_part.done', ...ids, summary_index: index, part: summaryPart(text) }),
    ];
  }

  /** Ends the reasoning item, if one is streaming. */
  private closeReasoning(open: OpenMessage): ResponseStreamEvent[] {
    const reasoning = open.reasoning;
    if (!reasoning || reasoning.closed) return [];
    reasoning.closed = true;
    const ids = { item_id: reasoningItemId(open.message.id), output_index: reasoning.outputIndex };
    const events = reasoning.summary.length ? this.summaryPartDone(ids, reasoning.summary.length - 1, reasoning.summary.at(-1)!) : [];
    const item: ReasoningItem = { type: 'reasoning', id: ids.item_id, summary: reasoning.summary.map((text) => summaryPart(text)) };
    events.push(this.seq({ type: 'response.output_item.done', output_index: reasoning.outputIndex, item }));
    return events;
  }

  /** Ends the reasoning item, if one is streaming, and opens the message item. */
  private openMessageItem(open: OpenMessage): ResponseStreamEvent[] {
    if (open.item) return [];
    const events = this.closeReasoning(open);
    const outputIndex = this.nextOutputIndex++;
    open.item = { outputIndex, text: '' };
    const message = open.message;
    events.push(
      this.seq({
        type: 'response.output_item.added',
        output_index: outputIndex,
        item: { ...outputMessageItem(message, 'in_progress'), content: [] },
      }),
      this.seq({
        type: 'response.content_part.added',
        item_id: message.id,
        output_index: outputIndex,
        content_index: 0,
        part: textPart(''),
      }),
    );
    return events;
  }

  private messageDelta(messageId: string, delta: MessageDelta['delta']): ResponseStreamEvent[] {
    if (delta.reasoning) return this.reasoningDelta(messageId, delta.reasoning.summary_index, delta.reasoning.value);
    const open = this.messages.get(messageId);
    if (!open) return [];
    return (delta.content ?? []).flatMap((part) => {
      const text = part.type === 'text' ? (part.text as { value?: string } | undefined)?.value : undefined;
      if (!text) return [];
      const events = this.openMessageItem(open);
      open.item!.text += text;
      events.push(
        this.seq({
          type: 'response.output_text.delta',
          item_id: messageId,
          output_index: open.item!.outputIndex,
          content_index: 0,
          delta: text,
          logprobs: [],
        }),
      );
      return events;
    });
  }

  private messageDone(message: Message): ResponseStreamEvent[] {
    const open = this.messages.get(message.id);
    if (!open) return [];
    const events: ResponseStreamEvent[] = [];
    // Reasoning that arrived whole, without a streamed summary, is still an item before the answer.
    if (message.reasoning && !open.reasoning && !open.item) {
      const outputIndex = this.nextOutputIndex++;
      open.reasoning = { outputIndex, summary: [...message.reasoning.summary], closed: true };
      const item = responseReasoningItem(message);
      events.push(
        this.seq({ type: 'response.output_item.added', output_index: outputIndex, item }),
        this.seq({ type: 'response.output_item.done', output_index: outputIndex, item }),
      );
    }
    if (!open.item && !hasText(message)) return [...events, ...this.closeReasoning(open)];
    events.push(...this.openMessageItem(open));
    const outputIndex = open.item!.outputIndex;
    const item = outputMessageItem(message);
    const text = item.content.map((part) => part.text).join('');
    const ids = { item_id: message.id, output_index: outputIndex, content_index: 0 };
    return [
      ...events,
      this.seq({ type: 'response.output_text.done', ...ids, text, logprobs: [] }),
      this.seq({ type: 'response.content_part.done', ...ids, part: textPart(text) }),
      this.seq({ type: 'response.output_item.done', output_index: outputIndex, item }),
    ];
  }

  private callsAdded(
    step: RunEngineEvent['data'] & { object: 'thread.run.step'; type: 'tool_calls' },
    messages: ReadonlyMap<string, Message>,
  ): ResponseStreamEvent[] {
    return step.step_details.tool_calls.flatMap((call, index) => {
      const item = callOutputItem(this.run, call, callPosition(step, index, messages));
      const outputIndex = this.nextOutputIndex++;
      const ids = { item_id: item.id, output_index: outputIndex };
      if (item.type === 'function_call') {
        return [
          this.seq({
            type: 'response.output_item.added',
            output_index: outputIndex,
            item: { ...item, arguments: '', status: 'in_progress' },
          }),
          this.seq({ type: 'response.function_call_arguments.delta', ...ids, delta: item.arguments }),
          this.seq({ type: 'response.function_call_arguments.done', ...ids, name: item.name, arguments: item.arguments }),
          this.seq({ type: 'response.output_item.done', output_index: outputIndex, item }),
        ];
      }
      if (item.type === 'mcp_call' && item.status === 'in_progress') {
        this.openCalls.set(`${step.id}:${index}`, { outputIndex, item });
        return [
          this.seq({ type: 'response.output_item.added', output_index: outputIndex, item: { ...item, arguments: '' } }),
          this.seq({ type: 'response.mcp_call_arguments.delta', ...ids, delta: item.arguments }),
          this.seq({ type: 'response.mcp_call_arguments.done', ...ids, arguments: item.arguments }),
          this.seq({ type: 'response.mcp_call.in_progress', ...ids }),
        ];
      }
      // Already decided (refused by policy, denied) or waiting for approval: the item is whole at once.
      return [
        this.seq({ type: 'response.output_item.added', output_index: outputIndex, item }),
        this.seq({ type: 'response.output_item.done', output_index: outputIndex, item }),
      ];
    });
  }

  private callsDone(
    step: RunEngineEvent['data'] & { object: 'thread.run.step'; type: 'tool_calls' },
    messages: ReadonlyMap<string, Message>,
  ): ResponseStreamEvent[] {
    return step.step_details.tool_calls.flatMap((call, index) => {
      const open = this.openCalls.get(`${step.id}:${index}`);
      if (!open) return [];
      this.openCalls.delete(`${step.id}:${index}`);
      const item = callOutputItem(this.run, call, callPosition(step, index, messages));
      const ids = { item_id: item.id, output_index: open.outputIndex };
      const failed = item.type === 'mcp_call' && item.status === 'failed';
      return [
        this.seq({ type: failed ? 'response.mcp_call.failed' : 'response.mcp_call.completed', ...ids }),
        this.seq({ type: 'response.output_item.done', output_index: open.outputIndex, item }),
      ];
    });
  }

  private seq(event: Unsequenced<ResponseStreamEvent>): ResponseStreamEvent {
    return { ...event, sequence_number: this.sequence++ } as ResponseStreamEvent;
  }
}

function summaryPart(text: string): { type: 'summary_text'; text: string } {
  return { type: 'summary_text', text };
}

function textPart(text: string): OutputTextPart {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}
