// Watching one response's run: events from the very first one (they fire while createRun is still running), as
// server-sent events in the Responses format (`event: <type>` + `data: <json>`, no [DONE]; the stream ends after
// response.completed / .incomplete / .failed), or just its end.

import type { ServerResponse } from 'node:http';
import type { Message } from '../domain/message';
import type { Run } from '../domain/run';
import {
  isFinalResponseStatus,
  messageIdsOfSteps,
  type ResponseObject,
  responseObject,
  ResponseStreamBuilder,
  responseStatus,
} from '../items';
import type { RunService, ThreadRepository } from '../backend/backend';
import type { RunEngineEvent } from '../runs/runRecorder';
import type { Logger } from '../util/logger';
import { startEventStream } from './httpIo';
import { modelNameOf } from './modelNames';
import { json, type RouteResult, STREAMED } from './router';

/** Where responses are read and watched: the local engine and store, or the active backend's runs and threads. */
export interface RunSource {
  engine: Pick<RunService, 'onEvent' | 'activeRun'>;
  threads: Pick<ThreadRepository, 'getRun' | 'listRunSteps' | 'getMessage'>;
  logger: Logger;
}

/** The response a run is, read from the engine (while active) and the store. */
export async function loadResponse(services: RunSource, threadId: string, runId: string): Promise<ResponseObject> {
  const active = services.engine.activeRun(threadId);
  const run = active?.id === runId ? active : await services.threads.getRun(threadId, runId);
  const steps = await services.threads.listRunSteps(threadId, runId);
  const messages = new Map<string, Message>();
  for (const id of messageIdsOfSteps(steps)) {
    const message = await services.threads.getMessage(threadId, id).catch(() => undefined);
    if (message) messages.set(id, message);
  }
  return responseObject({ run, steps, messages, model: modelNameOf(run.model) });
}

/** A response as of a lifecycle change before it has output (created, in progress). */
function earlyResponse(run: Run): ResponseObject {
  return responseObject({ run, steps: [], messages: new Map(), model: modelNameOf(run.model) });
}

/**
 * Subscribes, calls `start`, and hands every event of the run it started to `handle`, in order and one at a time
 * (a handler may read the store). Returns the run, and a `stop` that ends the subscription.
 */
export async function watchRun(
  services: RunSource,
  start: () => Promise<Run>,
  handle: (event: RunEngineEvent, run: Run) => Promise<void>,
): Promise<{ run: Run; stop: () => void }> {
  const early: RunEngineEvent[] = [];
  let run: Run | undefined;
  let chain = Promise.resolve();
  const enqueue = (event: RunEngineEvent): void => {
    if (event.run_id !== run!.id) return;
    chain = chain
      .then(() => handle(event, run!))
      .catch((error: unknown) => services.logger.error(`Local agent API stream: ${String(error)}`));
  };
  const subscription = services.engine.onEvent((event) => (run ? enqueue(event) : early.push(event)));
  try {
    run = await start();
  } catch (error) {
    subscription.dispose();
    throw error;
  }
  for (const event of early.splice(0)) enqueue(event);
  return { run, stop: () => subscription.dispose() };
}

/** Resolves with the response once its run has ended. */
export function responseWhenDone(services: RunSource, start: () => Promise<Run>): { started: Promise<Run>; done: Promise<ResponseObject> } {
  let resolveDone!: (response: ResponseObject) => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<ResponseObject>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  let stop = (): void => undefined;
  const started = watchRun(services, start, async (event, run) => {
    if (event.data.object !== 'thread.run' || !isFinalResponseStatus(responseStatus(event.data.status))) return;
    stop();
    await loadResponse(services, run.thread_id, run.id).then(resolveDone, rejectDone);
  }).then((watch) => {
    stop = watch.stop;
    return watch.run;
  });
  started.catch(() => undefined);
  return { started, done };
}

/**
 * Streams the response `start` begins. A client that disconnects stops the writing; `onDisconnect` decides what
 * happens to the run (a background response goes on, any other is cancelled).
 */
export async function streamResponse(
  res: ServerResponse,
  services: RunSource,
  start: () => Promise<Run>,
  onDisconnect: (run: Run) => void,
): Promise<void> {
  let builder: ResponseStreamBuilder | undefined;
  let open = true;
  const messages = new Map<string, Message>();
  const write = (events: { type: string }[]): void => {
    for (const event of events) if (open) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  };
  let finished = false;
  // Events may arrive before the response is open (while `start` runs); they wait until the headers are written.
  let markReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const watch = await watchRun(services, start, async (event, run) => {
    await ready;
    builder ??= new ResponseStreamBuilder(run);
    if (!open) return;
    if (event.data.object === 'thread.run') {
      const current = event.data;
      const final = isFinalResponseStatus(responseStatus(current.status));
      const response = final ? await loadResponse(services, current.thread_id, current.id) : earlyResponse(current);
      write(builder.lifecycle(current, response, event.event === 'thread.run.created'));
      if (final) {
        finished = true;
        res.end();
      }
      return;
    }
    if (event.data.object === 'thread.run.step' && event.data.type === 'tool_calls' && event.data.step_details.message_id) {
      const id = event.data.step_details.message_id;
      const message = await services.threads.getMessage(run.thread_id, id).catch(() => undefined);
      if (message) messages.set(id, message);
    }
    write(builder.item(event, messages));
  });
  res.on('close', () => {
    open = false;
    watch.stop();
    if (!finished) onDisconnect(watch.run);
  });
  startEventStream(res);
  markReady();
}

/**
 * Answers a request that creates a response the way it asked: streamed, in the background (answered at once, still in
 * progress, and going on), or waited for. A client that gives up on a stream or a wait does not want the response to
 * go on, so `cancel` stops it then; a background response goes on whatever the client does.
 */
export async function deliverResponse(request: {
  res: ServerResponse;
  source: RunSource;
  start: () => Promise<Run>;
  stream: boolean;
  background: boolean;
  cancel: (run: Run) => void;
}): Promise<RouteResult> {
  const { res, source, start, background, cancel } = request;
  if (request.stream) {
    await streamResponse(res, source, start, (run) => (background ? undefined : cancel(run)));
    return STREAMED;
  }
  if (background) {
    const run = await start();
    return json(await loadResponse(source, run.thread_id, run.id));
  }
  const { started, done } = responseWhenDone(source, start);
  const run = await started;
  const onClose = (): void => {
    if (!res.writableEnded) cancel(run);
  };
  res.on('close', onClose);
  try {
    return json(await done);
  } finally {
    res.off('close', onClose);
  }
}
