// /v1/threads/{thread_id}/messages: append, page through (the store's own Assistants pagination), read, and
// update metadata. Messages cannot be deleted: threads are append-only logs.

import { ApiError, badRequest } from '../apiErrors';
import { type ApiServices, pathId } from '../apiServices';
import { mapPage } from '../listPage';
import { renderMessage } from '../render';
import { listQuery, messageInput, optionalMetadata } from '../requestParams';
import { json, type Router } from '../router';

/** Adds the message routes. */
export function addMessageRoutes(router: Router, services: ApiServices): void {
  router.add('POST', '/threads/:thread_id/messages', async ({ params, body }) => {
    const threadId = pathId('thread', params.thread_id);
    const input = messageInput(body, 'message');
    await services.threads.get(threadId);
    const active = services.engine.activeRun(threadId);
    // As in the Assistants API: a message added mid-run would land in the middle of the run's own output.
    if (active)
      throw new ApiError(409, 'conflict_error', `Can't add messages to ${threadId} while run ${active.id} is active.`, 'thread_busy');
    return json(renderMessage(await services.threads.appendMessage(threadId, input)));
  });

  router.add('GET', '/threads/:thread_id/messages', async ({ params, query }) => {
    const threadId = pathId('thread', params.thread_id);
    if (query.has('run_id')) throw badRequest('Filtering messages by run_id is not supported by the local API.', 'run_id');
    return json(mapPage(await services.threads.listMessages(threadId, listQuery(query)), renderMessage));
  });

  router.add('GET', '/threads/:thread_id/messages/:message_id', async ({ params }) => {
    const message = await services.threads.getMessage(pathId('thread', params.thread_id), pathId('msg', params.message_id));
    return json(renderMessage(message));
  });

  router.add('POST', '/threads/:thread_id/messages/:message_id', async ({ params, body }) => {
    const threadId = pathId('thread', params.thread_id);
    const messageId = pathId('msg', params.message_id);
    const metadata = optionalMetadata(body);
    const message = metadata
      ? await services.threads.updateMessage(threadId, messageId, { metadata })
      : await services.threads.getMessage(threadId, messageId);
    return json(renderMessage(message));
  });
}
