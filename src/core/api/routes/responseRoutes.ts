// /v1/responses: a response is a run of the same RunEngine the UI uses, on a thread (a conversation, the thread of
// the previous response, or a new one, shown in the tree). Create (waited for, streamed, or in the background),
// retrieve, cancel, and list its input items.

import type { Message } from '../../domain/message';
import type { Run } from '../../domain/run';
import { isTerminal } from '../../runs/runState';
import { type ConversationItem, callItemId, messageToItems, parseResponseId } from '../../items';
import { ApiError, notFound } from '../apiErrors';
import type { ApiServices } from '../apiServices';
import { mapPage, pageOf } from '../listPage';
import { parseResponseRequest } from '../responseRequest';
import { deliverResponse, loadResponse } from '../responseStream';
import { listQuery } from '../requestParams';
import { json, type Router } from '../router';

/** The thread and run of a response id; 404 when it names none. */
async function responseRun(services: ApiServices, id: string | undefined): Promise<Run> {
  const ids = id === undefined ? undefined : parseResponseId(id);
  const missing = (): ApiError => notFound(`No response found with id ${JSON.stringify(String(id).slice(0, 80))}.`);
  if (!ids) throw missing();
  const active = services.engine.activeRun(ids.threadId);
  let run = active?.id === ids.runId ? active : await services.threads.getRun(ids.threadId, ids.runId).catch(() => undefined);
  if (!run?.response) throw missing();
  if (run !== active && !isTerminal(run.status)) {
    // Unfinished, yet no run of this window: a window closed while it ran (a background response across a reload).
    // Close it now rather than answer in_progress until the start-up pass gets to it; one that another live
    // window runs is left alone.
    await services.engine.recoverInterruptedRuns(run.thread_id);
    run = await services.threads.getRun(ids.threadId, ids.runId);
  }
  return run;
}

/** The input items of a response: the messages it appended, then its answers to open calls. */
async function inputItems(services: ApiServices, run: Run): Promise<ConversationItem[]> {
  const options = run.response!;
  const items: ConversationItem[] = [];
  for (const id of options.input_message_ids) {
    const message = await services.threads.getMessage(run.thread_id, id).catch(() => undefined);
    if (message) items.push(...messageToItems(message));
  }
  if (!options.answered_calls.length) return items;
  const holders = (await services.threads.readNewest(run.thread_id, 50)).filter((m) => m.tool_calls?.length);
  for (const answer of options.answered_calls) {
    const found = locate(holders, answer.call_id);
    if (!found) continue;
    const { message, index } = found;
    const call = message.tool_calls![index];
    if (answer.approve === undefined) {
      items.push({
        type: 'function_call_output',
        id: callItemId('fco', message.id, index),
        call_id: call.id,
        output: call.function.output ?? '',
        status: 'completed',
      });
    } else {
      items.push({
        type: 'mcp_approval_response',
        id: callItemId('mcpa', message.id, index),
        approval_request_id: callItemId('mcpr', message.id, index),
        approve: answer.approve,
        reason: null,
      });
    }
  }
  return items;
}

function locate(messages: Message[], callId: string): { message: Message; index: number } | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const index = messages[i].tool_calls!.findIndex((call) => call.id === callId);
    if (index >= 0) return { message: messages[i], index };
  }
  return undefined;
}

/** Adds the response routes. */
export function addResponseRoutes(router: Router, services: ApiServices): void {
  const { engine, threads } = services;

  router.add('POST', '/responses', async ({ body, res }) => {
    const request = await parseResponseRequest(body, services);
    const background = request.overrides.response.background;
    // Everything is checked before a new thread exists, so a bad request leaves no empty thread behind.
    const start = async (): Promise<Run> => {
      const threadId = request.threadId ?? (await threads.create({ agent_id: request.namedAgent ? request.agent.id : null })).id;
      return engine.createRun(threadId, request.namedAgent ? request.agent.id : request.agent, request.overrides);
    };
    const cancel = (run: Run): void => {
      engine.cancelRun(run.thread_id, run.id).catch(() => undefined);
    };
    return deliverResponse({ res, source: services, start, stream: request.stream, background, cancel });
  });

  router.add('GET', '/responses/:id', async ({ params }) => {
    const run = await responseRun(services, params.id);
    return json(await loadResponse(services, run.thread_id, run.id));
  });

  // Resolves once the response is cancelled; one that had already finished is returned unchanged.
  router.add('POST', '/responses/:id/cancel', async ({ params }) => {
    const run = await responseRun(services, params.id);
    await engine.cancelRun(run.thread_id, run.id);
    return json(await loadResponse(services, run.thread_id, run.id));
  });

  router.add('DELETE', '/responses/:id', async ({ params }) => {
    await responseRun(services, params.id);
    // A response is a run of a thread, and its output items are the thread's messages: what it said is removed
    // item by item from its conversation, and the run itself stays in the thread's history (run details show it).
    throw new ApiError(
      400,
      'invalid_request_error',
      'A response cannot be deleted: it is a run of an Agent Threads thread, kept in its history. Delete its items from the conversation (DELETE /v1/conversations/{id}/items/{item_id}) or delete the conversation.',
      'unsupported_operation',
    );
  });

  router.add('GET', '/responses/:id/input_items', async ({ params, query }) => {
    const run = await responseRun(services, params.id);
    const items = await inputItems(services, run);
    return json(mapPage(pageOf(items, listQuery(query)), (item) => item));
  });
}
