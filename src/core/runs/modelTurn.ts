// One model call of a run: streams the answer into a new assistant message and returns what the model asked for.
// The message is appended once, in_progress, when the first output arrives (so it survives a crash), announced as
// that save starts (the first words do not wait for the disk), deltas are announced, the partial text is saved every couple of seconds (so a crash keeps what was shown), and the full text
// is written at the end.
//
// Retries: when the client restarts an attempt (a `retry` event), the partial text of the failed attempt is
// dropped and thread.message.in_progress is announced again with empty content; listeners treat every full
// message event as the message's new state, so the discarded words disappear from the screen too.

import type { Usage } from '../domain/common';
import { newId } from '../domain/ids';
import { messageText, type Message, type MessageReasoning, type MessageToolCall } from '../domain/message';
import type { ChatRequest, ChatToolCall, FinishReason } from '../model/types';
import type { ActiveRun, RunServices } from './activeRun';
import { errorMessage } from '../util/errors';
import { endChatSpan, failSpan, startChatSpan } from './runTracing';

/** What one model call produced. */
export interface TurnResult {
  message: Message;
  toolCalls: ChatToolCall[];
  finishReason: FinishReason | undefined;
  /** What the model call used, as the provider reported it. */
  usage: Usage | null;
  /** The usage of a turn that had no message_creation step to record it (only tool calls): its tool_calls step takes it. */
  unrecordedUsage?: Usage | null;
}

/** Streams one completion into a new assistant message, announcing deltas as they arrive; the call gets a `chat` span. */
export async function streamTurn(active: ActiveRun, services: RunServices, request: ChatRequest): Promise<TurnResult> {
  const span = startChatSpan(services.tracer, active.span, active.profile, request);
  let result: TurnResult;
  try {
    result = await streamTurnUntraced(active, services, request);
  } catch (error) {
    failSpan(span, error);
    throw error;
  }
  endChatSpan(services.tracer, span, {
    text: services.tracer.captureContent ? messageText(result.message) : '',
    toolCalls: result.toolCalls,
    finishReason: result.finishReason,
    usage: result.usage,
  });
  return result;
}

async function streamTurnUntraced(active: ActiveRun, services: RunServices, request: ChatRequest): Promise<TurnResult> {
  const recorder = active.recorder;
  let toolCalls: ChatToolCall[] = [];
  let reasoning: MessageReasoning | undefined;
  let usage: Usage | null = null;
  let finishReason: FinishReason | undefined;
  for await (const event of active.client.streamChat(request, active.signal)) {
    switch (event.type) {
      case 'text': {
        const turn = active.openTurn ?? openTurn(active, services);
        throwIfNotOpened(turn);
        turn.text += event.delta;
        recorder.emit({
          event: 'thread.message.delta',
          data: {
            id: turn.messageId,
            object: 'thread.message.delta',
            delta: { content: [{ index: 0, type: 'text', text: { value: event.delta } }] },
          },
        });
        checkpoint(active, services, turn);
        break;
      }
      case 'reasoning_delta': {
        // The thinking shows as it happens, so the answer's message opens with its first words.
        const turn = active.openTurn ?? openTurn(active, services);
        throwIfNotOpened(turn);
        const summary = turn.reasoningSummary;
        while (summary.length <= event.summaryIndex) summary.push('');
        summary[event.summaryIndex] += event.delta;
        recorder.emit({
          event: 'thread.message.delta',
          data: {
            id: turn.messageId,
            object: 'thread.message.delta',
            delta: { reasoning: { summary_index: event.summaryIndex, value: event.delta } },
          },
        });
        break;
      }
      case 'reasoning':
        reasoning = event.reasoning;
        break;
      case 'tool_call':
        // No message yet: a turn that is only tool calls writes none the API shows (see closeToolOnlyTurn).
        toolCalls.push({ id: event.id, name: event.name, arguments: event.arguments });
        break;
      case 'usage':
        usage = { prompt_tokens: event.prompt_tokens, completion_tokens: event.completion_tokens, total_tokens: event.total_tokens };
        break;
      case 'retry':
        services.logger.warn(
          `Run ${active.run.id}: model attempt failed (${event.error.code}); retry ${event.attempt} in ${event.delayMs} ms.`,
        );
        toolCalls = [];
        reasoning = undefined;
        if (active.openTurn) resetTurn(active);
        break;
      case 'done':
        finishReason = event.finish_reason;
        break;
    }
  }
  active.throwIfStopped();
  if (!active.openTurn && toolCalls.length) {
    const message = await closeToolOnlyTurn(active, services, toolCalls, usage, reasoning);
    return { message, toolCalls, finishReason, usage, unrecordedUsage: usage };
  }
  const turn = active.openTurn ?? openTurn(active, services);
  const message = await closeTurn(active, services, turn.text, toolCalls, finishReason, usage, reasoning ?? streamedReasoning(turn));
  return { message, toolCalls, finishReason, usage };
}

/**
 * A turn without text, only tool calls. As in the Assistants API it has no message and no message_creation step
 * (clients listing the newest message in requires_action must not get an empty one); the tool_calls step is
 * what they see. The calls are still stored on an assistant message without content, announced to no run
 * listener, because the next context and the UI are rebuilt from messages; the local API hides such messages.
 */
async function closeToolOnlyTurn(
  active: ActiveRun,
  services: RunServices,
  toolCalls: ChatToolCall[],
  usage: Usage | null,
  reasoning: MessageReasoning | undefined,
): Promise<Message> {
  const run = active.run;
  const now = services.now();
  const message = await active.recorder.appendMessage(
    {
      id: newId('msg'),
      role: 'assistant',
      content: [],
      tool_calls: toMessageToolCalls(toolCalls),
      // Kept even without a summary: the encrypted item lets a reasoning model continue after the tool results.
      ...(reasoning ? { reasoning } : {}),
      status: 'completed',
      assistant_id: run.assistant_id,
      run_id: run.id,
      created_at: now,
      completed_at: now,
    },
    [],
  );
  active.addUsage(usage);
  return message;
}

/** The summary streamed so far, for a turn whose reasoning item never arrived whole (e.g. a stopped run). */
export function streamedReasoning(turn: Pick<NonNullable<ActiveRun['openTurn']>, 'reasoningSummary'>): MessageReasoning | undefined {
  return turn.reasoningSummary.length ? { summary: [...turn.reasoningSummary] } : undefined;
}

function toMessageToolCalls(toolCalls: ChatToolCall[]): MessageToolCall[] {
  return toolCalls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments, output: null },
  }));
}

/**
 * Saves the partial text every `checkpointMs` while it streams (no events: the UI already shows it), so a crashed
 * window keeps what the user saw. Writes go through the recorder's queue, so the final text always lands last.
 */
function checkpoint(active: ActiveRun, services: RunServices, turn: NonNullable<ActiveRun['openTurn']>): void {
  const now = Date.now();
  if (now - turn.savedAt < services.checkpointMs) return;
  turn.savedAt = now;
  const content = [{ type: 'text' as const, text: { value: turn.text, annotations: [] } }];
  active.recorder.updateMessage(turn.messageId, { content }, []).catch((error: unknown) => {
    services.logger.warn(`Run ${active.run.id}: could not save the partial answer: ${errorMessage(error)}`);
  });
}

/**
 * Opens the turn's message: announced at once, saved behind any write in flight. A failed save stops the turn at
 * its next event (see throwIfNotOpened) or at its close, with the store's error.
 */
function openTurn(active: ActiveRun, services: RunServices): NonNullable<ActiveRun['openTurn']> {
  const messageId = newId('msg');
  const step = active.newStep('message_creation', { type: 'message_creation', message_creation: { message_id: messageId } });
  const run = active.run;
  const opened = active.recorder.stepWithMessage(
    step,
    ['thread.run.step.created', 'thread.run.step.in_progress'],
    {
      id: messageId,
      role: 'assistant',
      content: [],
      status: 'in_progress',
      assistant_id: run.assistant_id,
      assistant_version: run.assistant_version,
      run_id: run.id,
      created_at: services.now(),
    },
    ['thread.message.created', 'thread.message.in_progress'],
  );
  const turn: NonNullable<ActiveRun['openTurn']> = { messageId, step, text: '', reasoningSummary: [], savedAt: Date.now(), opened };
  opened.catch((error: unknown) => (turn.openingError = { error }));
  active.openTurn = turn;
  return turn;
}

function throwIfNotOpened(turn: NonNullable<ActiveRun['openTurn']>): void {
  if (turn.openingError) throw turn.openingError.error;
}

function resetTurn(active: ActiveRun): void {
  const turn = active.openTurn!;
  turn.text = '';
  turn.reasoningSummary = [];
  const run = active.run;
  // Only announced: the stored message is still the empty in_progress one appended when the turn opened.
  active.recorder.emit({
    event: 'thread.message.in_progress',
    data: {
      id: turn.messageId,
      object: 'thread.message',
      thread_id: run.thread_id,
      role: 'assistant',
      content: [],
      assistant_id: run.assistant_id,
      assistant_version: run.assistant_version,
      run_id: run.id,
      status: 'in_progress',
      incomplete_details: null,
      attachments: null,
      metadata: null,
      created_at: turn.step.created_at,
      completed_at: null,
      incomplete_at: null,
    },
  });
}

async function closeTurn(
  active: ActiveRun,
  services: RunServices,
  text: string,
  toolCalls: ChatToolCall[],
  finishReason: FinishReason | undefined,
  usage: Usage | null,
  reasoning: MessageReasoning | undefined,
): Promise<Message> {
  const turn = active.openTurn!;
  await turn.opened;
  const now = services.now();
  const cut = finishReason === 'length' ? 'max_tokens' : finishReason === 'content_filter' ? 'content_filter' : undefined;
  const calls = toMessageToolCalls(toolCalls);
  const message = await active.recorder.updateMessage(
    turn.messageId,
    {
      content: text ? [{ type: 'text', text: { value: text, annotations: [] } }] : [],
      ...(calls.length ? { tool_calls: calls } : {}),
      ...(reasoning ? { reasoning } : {}),
      status: cut ? 'incomplete' : 'completed',
      incomplete_details: cut ? { reason: cut } : null,
      completed_at: cut ? null : now,
      incomplete_at: cut ? now : null,
    },
    [cut ? 'thread.message.incomplete' : 'thread.message.completed'],
  );
  active.addUsage(usage);
  const step = { ...turn.step, status: 'completed' as const, completed_at: now, usage };
  active.openTurn = undefined;
  await active.recorder.step(step, ['thread.run.step.completed']);
  return message;
}
