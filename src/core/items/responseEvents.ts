// A run's engine events as a response's stream, in the documented order, each with a sequence_number one more than
// the last:
//
//   engine event                          stream events
//   thread.run.created                    response.created
//   thread.run.in_progress (first)        response.in_progress
//   thread.message.created (assistant)    response.output_item.added (message), response.content_part.added
//   thread.message.delta                  response.output_text.delta
//   thread.message.completed/incomplete   response.output_text.done, response.content_part.done, response.output_item.done
//   thread.run.step.created (tool_calls)  per call: output_item.added, then for a function_call its arguments
//                                         (.delta, .done) and output_item.done; for an mcp_call its arguments and
//                                         response.mcp_call.in_progress; an mcp_approval_request is added and done
//   thread.run.step.completed (tool_calls) per mcp_call: response.mcp_call.completed/failed, output_item.done
//   terminal run                          response.completed / response.incomplete / response.failed (cancelled too)
//
// The builder is synchronous; whoever feeds it loads the messages a tool_calls step names first (callPosition).

import type { RunEngineEvent } from '../domain/events';
import type { Message } from '../domain/message';
import type { Run } from '../domain/run';
import { outputMessageItem } from './messageItems';
import { callOutputItem, callPosition } from './responseObject';
import type { OutputItem, OutputTextPart, ResponseObject, ResponseStreamEvent } from './wireTypes';

type Unsequenced<E> = E extends unknown ? Omit<E, 'sequence_number'> : never;

/** Turns one response's engine events into stream events. */
export class ResponseStreamBuilder {
  private sequence = 0;
  private nextOutputIndex = 0;
  private inProgressSent = false;
  private readonly messageItems = new Map<string, { outputIndex: number; text: string }>();
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
        return this.textDelta(event.data.id, event.data.delta.content ?? []);
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
    if (this.messageItems.has(message.id)) return [];
    const outputIndex = this.nextOutputIndex++;
    this.messageItems.set(message.id, { outputIndex, text: '' });
    return [
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
    ];
  }

  private textDelta(messageId: string, parts: { type?: string; text?: unknown }[]): ResponseStreamEvent[] {
    const open = this.messageItems.get(messageId);
    if (!open) return [];
    return parts.flatMap((part) => {
      const delta = part.type === 'text' ? (part.text as { value?: string } | undefined)?.value : undefined;
      if (!delta) return [];
      open.text += delta;
      return [
        this.seq({
          type: 'response.output_text.delta',
          item_id: messageId,
          output_index: open.outputIndex,
          content_index: 0,
          delta,
          logprobs: [],
        }),
      ];
    });
  }

  private messageDone(message: Message): ResponseStreamEvent[] {
    const open = this.messageItems.get(message.id);
    if (!open) return [];
    const item = outputMessageItem(message);
    const text = item.content.map((part) => part.text).join('');
    const ids = { item_id: message.id, output_index: open.outputIndex, content_index: 0 };
    return [
      this.seq({ type: 'response.output_text.done', ...ids, text, logprobs: [] }),
      this.seq({ type: 'response.content_part.done', ...ids, part: textPart(text) }),
      this.seq({ type: 'response.output_item.done', output_index: open.outputIndex, item }),
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

function textPart(text: string): OutputTextPart {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}
