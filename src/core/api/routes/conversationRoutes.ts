// /v1/conversations: a conversation is a thread (the same data, shown in the tree), its items are its messages
// seen through src/core/items. Create (with first items and metadata), read, update metadata, delete; list, add
// read and delete items.

import type { Thread } from '../../domain/thread';
import { type ConversationObject, conversationId, parseInputItems, parseItemId, messageToItems, threadIdOfConversation } from '../../items';
import { ApiError, badRequest, notFound } from '../apiErrors';
import type { ApiServices } from '../apiServices';
import { findConversationItem, listConversationItems, withIncluded } from '../conversationItems';
import { listQuery, optionalMetadata } from '../requestParams';
import { json, type Router } from '../router';
import { ENGINE_KEYS } from './threadRoutes';

/** The conversation object of a thread. */
export function renderConversation(thread: Thread): ConversationObject {
  return { id: conversationId(thread.id), object: 'conversation', created_at: thread.created_at, metadata: thread.metadata };
}

/** The thread a path or body conversation id names; 404 when it cannot name one. */
export function conversationThreadId(value: unknown): string {
  const id = typeof value === 'string' ? threadIdOfConversation(value) : undefined;
  if (!id) throw notFound(`No conversation found with id ${JSON.stringify(String(value).slice(0, 80))}.`);
  return id;
}

/** Parses input items that only add messages (a conversation's items, outside a response). */
function messagesOnly(value: unknown, param: string): ReturnType<typeof parseInputItems>['messages'] {
  const parsed = parseInputItems(value, param);
  if (parsed.outputs.length || parsed.approvals.length) {
    throw badRequest(`'${param}' may only hold messages here; answer tool calls in the input of a response.`, param);
  }
  return parsed.messages;
}

function includeOf(query: URLSearchParams): string[] {
  return query.getAll('include').concat(query.getAll('include[]'));
}

/** Adds the conversation routes. */
export function addConversationRoutes(router: Router, services: ApiServices): void {
  const { threads } = services;

  router.add('POST', '/conversations', async ({ body }) => {
    const messages = body.items === undefined || body.items === null ? [] : messagesOnly(body.items, 'items');
    const metadata = optionalMetadata(body);
    return json(renderConversation(await threads.create({ messages, agent_id: null, ...(metadata ? { metadata } : {}) })));
  });

  router.add('GET', '/conversations/:id', async ({ params }) =>
    json(renderConversation(await threads.get(conversationThreadId(params.id)))),
  );

  router.add('POST', '/conversations/:id', async ({ params, body }) => {
    const id = conversationThreadId(params.id);
    const current = await threads.get(id);
    if (body.metadata === undefined) throw badRequest("'metadata' is required.", 'metadata');
    const metadata = optionalMetadata(body) ?? {};
    const kept = Object.fromEntries(ENGINE_KEYS.filter((key) => key in current.metadata).map((key) => [key, current.metadata[key]]));
    return json(renderConversation(await threads.update(id, { metadata: { ...metadata, ...kept } })));
  });

  router.add('DELETE', '/conversations/:id', async ({ params }) => {
    const id = conversationThreadId(params.id);
    await threads.get(id);
    const active = services.engine.activeRun(id);
    if (active) {
      throw new ApiError(
        409,
        'conflict_error',
        `Conversation ${params.id} has a response in progress; cancel it before deleting.`,
        'conversation_busy',
      );
    }
    await threads.delete(id);
    return json({ id: conversationId(id), object: 'conversation.deleted', deleted: true });
  });

  router.add('GET', '/conversations/:id/items', async ({ params, query }) => {
    const id = conversationThreadId(params.id);
    await threads.get(id);
    const page = await listConversationItems(threads, id, listQuery(query));
    return json({ ...page, data: withIncluded(page.data, includeOf(query)) });
  });

  router.add('POST', '/conversations/:id/items', async ({ params, body, query }) => {
    const id = conversationThreadId(params.id);
    await threads.get(id);
    if (services.engine.activeRun(id)) {
      throw new ApiError(
        409,
        'conflict_error',
        'A response is in progress in this conversation; add items once it has finished.',
        'conversation_busy',
      );
    }
    const appended = await threads.appendMessages(id, messagesOnly(body.items, 'items'));
    const data = withIncluded(appended.flatMap(messageToItems), includeOf(query));
    return json({ object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: false });
  });

  router.add('GET', '/conversations/:id/items/:item_id', async ({ params, query }) => {
    const id = conversationThreadId(params.id);
    await threads.get(id);
    const item = await findConversationItem(threads, id, params.item_id);
    if (!item) throw notFound(`No item found with id ${JSON.stringify(params.item_id.slice(0, 80))} in this conversation.`);
    return json(withIncluded([item], includeOf(query))[0]);
  });

  // A message's items (its reasoning, text, tool calls and their outputs) are one stored message, so they go
  // together: the model must never be sent a call without its output. The log is append-only, so the message is
  // hidden by a tombstone record (see ThreadStore.hideMessage), and the tree, chat, search and context follow.
  router.add('DELETE', '/conversations/:id/items/:item_id', async ({ params }) => {
    const id = conversationThreadId(params.id);
    await threads.get(id);
    if (!(await findConversationItem(threads, id, params.item_id))) {
      throw notFound(`No item found with id ${JSON.stringify(params.item_id.slice(0, 80))} in this conversation.`);
    }
    if (services.engine.activeRun(id)) {
      throw new ApiError(
        409,
        'conflict_error',
        'A response is in progress in this conversation; delete items once it has finished.',
        'conversation_busy',
      );
    }
    await threads.hideMessage(id, parseItemId(params.item_id)!.messageId);
    return json(renderConversation(await threads.get(id)));
  });
}
