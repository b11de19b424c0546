// Streams one run's engine events to an HTTP client as server-sent events, in the Assistants streaming format:
// `event: <name>` + `data: <json>`, ended by `event: done` / `data: [DONE]` once the run is terminal or waits in
// requires_action (the client then submits tool outputs, which opens a new stream).
//
// A client that disconnects only stops the writing: the run goes on, as a dropped stream does in the Assistants
// API, so the thread in the UI still gets its answer and the script can poll or cancel the run by id.

import type { ServerResponse } from 'node:http';
import type { Run } from '../domain/run';
import type { RunService } from '../backend/backend';
import type { RunEngineEvent } from '../runs/runRecorder';
import { isTerminal } from '../runs/runState';
import { startEventStream } from './httpIo';
import { renderEventData, type ToolLookup } from './render';

/**
 * Subscribes to the engine, calls `start` (which creates or resumes a run on `threadId`), and streams that run's
 * events from the first one `start` causes. If `start` throws, nothing has been written and the error propagates,
 * so the caller still answers with a JSON error and a proper status.
 */
export async function streamRun(
  res: ServerResponse,
  engine: Pick<RunService, 'onEvent'>,
  lookup: ToolLookup,
  threadId: string,
  start: () => Promise<Run>,
): Promise<void> {
  // Events fire synchronously while `start` runs (thread.run.created comes before createRun resolves), so listen
  // first and keep what arrives until the run id is known. Only one run is active per thread, so these are ours.
  const early: RunEngineEvent[] = [];
  // eslint-disable-next-line prefer-const -- assigned below, once the response is open; the listener reads it before that
  let writer: ((event: RunEngineEvent) => void) | undefined;
  const subscription = engine.onEvent((event) => {
    if (event.thread_id !== threadId) return;
    if (writer) writer(event);
    else early.push(event);
  });
  let run: Run;
  try {
    run = await start();
  } catch (error) {
    subscription.dispose();
    throw error;
  }

  // The SDK accumulates step deltas onto a step it saw created in the same stream; a stream opened by
  // submit_tool_outputs starts mid-step, so deltas of older steps are left out (their step.completed follows).
  const stepsSeen = new Set<string>();
  let open = true;
  const close = (): void => {
    if (!open) return;
    open = false;
    subscription.dispose();
  };
  res.on('close', close);
  startEventStream(res);
  writer = (event) => {
    if (!open || event.run_id !== run.id) return;
    if (event.event === 'thread.run.step.created') stepsSeen.add(event.data.id);
    if (event.event === 'thread.run.step.delta' && !stepsSeen.has(event.data.id)) return;
    for (const [name, data] of apiEvents(event, lookup)) res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    if (event.data.object === 'thread.run' && (isTerminal(event.data.status) || event.data.status === 'requires_action')) {
      res.end('event: done\ndata: [DONE]\n\n');
      close();
    }
  };
  for (const event of early.splice(0)) writer(event);
}

/**
 * What a client is sent for one engine event. The engine records a tool_calls step whole (the model client hands
 * over each call complete), but the SDK's toolCallCreated/Delta/Done only fire on step deltas, so the stream
 * follows OpenAI's order: the step is created and in progress without calls, then per call one delta introduces
 * it (id, type, name, empty arguments) and one more carries its arguments. Completion comes from the engine.
 */
function apiEvents(event: RunEngineEvent, lookup: ToolLookup): [string, unknown][] {
  if (event.event !== 'thread.run.step.created' && event.event !== 'thread.run.step.in_progress') {
    return [[event.event, apiEventData(event, lookup)]];
  }
  const step = event.data;
  if (step.step_details.type !== 'tool_calls') return [[event.event, apiEventData(event, lookup)]];
  const withoutCalls = { ...step, step_details: { type: 'tool_calls', tool_calls: [] } };
  const announced: [string, unknown][] = [[event.event, renderEventData({ ...event, data: withoutCalls } as RunEngineEvent, lookup)]];
  if (event.event === 'thread.run.step.created') return announced;
  const delta = (call: unknown): [string, unknown] => [
    'thread.run.step.delta',
    { id: step.id, object: 'thread.run.step.delta', delta: { step_details: { type: 'tool_calls', tool_calls: [call] } } },
  ];
  step.step_details.tool_calls.forEach((call, index) => {
    const { name, arguments: args, output } = call.function;
    announced.push(delta({ index, id: call.id, type: 'function', function: { name, arguments: '', output } }));
    announced.push(delta({ index, type: 'function', function: { arguments: args } }));
  });
  return announced;
}

/**
 * The data of an event as the openai SDK accumulates it. Our step deltas repeat the whole tool call, but the SDK
 * concatenates strings it already has (ids, names, arguments), so a step delta carries only what is new: the output.
 */
function apiEventData(event: RunEngineEvent, lookup: ToolLookup): unknown {
  if (event.event !== 'thread.run.step.delta') return renderEventData(event, lookup);
  const details = event.data.delta.step_details;
  if (details?.type !== 'tool_calls') return event.data;
  const tool_calls = (details.tool_calls ?? []).map((call) => ({
    index: call.index,
    type: 'function',
    function: { output: call.function?.output ?? null },
  }));
  return { ...event.data, delta: { step_details: { type: 'tool_calls', tool_calls } } };
}
