// /v1/threads/{thread_id}/messages: append, page through (the store's own Assistants pagination), read, and
// update metadata, delete (a tombstone appended to the thread's log hides the message; see ThreadStore.hideMessage).

import type { Message } from '../../domain/message';
import { StoreError } from '../../domain/errors';
import { ApiError, badRequest } from '../apiErrors';
import { type ApiServices, pathId } from '../apiServices';
import { mapPage } from '../listPage';
import { renderMessage } from '../render';
import { listQuery, messageInput, optionalMetadata } from '../requestParams';
import { json, type Router } from '../router';
import { isToolCallRecord, listVisibleMessages } from '../visibleMessages';

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
    return json(mapPage(await listVisibleMessages(services.threads, threadId, listQuery(query)), renderMessage));
  });

  router.add('GET', '/threads/:thread_id/messages/:message_id', async ({ params }) => {
    const threadId = pathId('thread', params.thread_id);
    return json(renderMessage(await visibleMessage(services, threadId, pathId('msg', params.message_id))));
  });

  router.add('POST', '/threads/:thread_id/messages/:message_id', async ({ params, body }) => {
    const threadId = pathId('thread', params.thread_id);
    const messageId = pathId('msg', params.message_id);
    const metadata = optionalMetadata(body);
    const shown = await visibleMessage(services, threadId, messageId);
    const message = metadata ? await services.threads.updateMessage(threadId, messageId, { metadata }) : shown;
    return json(renderMessage(message));
  });

  router.add('DELETE', '/threads/:thread_id/messages/:message_id', async ({ params }) => {
    const threadId = pathId('thread', params.thread_id);
    const messageId = pathId('msg', params.message_id);
    await visibleMessage(services, threadId, messageId);
    const active = services.engine.activeRun(threadId);
    if (active)
      throw new ApiError(409, 'conflict_error', `Can't delete messages of ${threadId} while run ${active.id} is active.`, 'thread_busy');
    await services.threads.hideMessage(threadId, messageId);
    return json({ id: messageId, object: 'thread.message.deleted', deleted: true });
  });
}

/** A message the API shows; a stored record of a turn's tool calls is not one (see visibleMessages). */
async function visibleMessage(services: ApiServices, threadId: string, messageId: string): Promise<Message> {
  const message = await services.threads.getMessage(threadId, messageId);
  if (isToolCallRecord(message)) throw new StoreError('message_not_found', `No message ${messageId} in thread ${threadId}.`);
  return message;
}
