// Pages of a conversation's items. Items are made from messages (see src/core/items), so a page walks the thread's
// messages from the cursor's message, expanding each into its items, until the page is full.

import { StoreError } from '../domain/errors';
import type { ListQuery, Page } from '../domain/pagination';
import { type ConversationItem, messageToItems, parseItemId } from '../items';
import { normaliseQuery } from '../store/pagination';
import type { ThreadStore } from '../store/threadStore';

const BATCH = 100;

/** One page of the items of `threadId` (`before` is not part of the Conversations API and is ignored). */
export async function listConversationItems(
  threads: Pick<ThreadStore, 'listMessages' | 'getMessage'>,
  threadId: string,
  query: ListQuery,
): Promise<Page<ConversationItem>> {
  const normal = normaliseQuery(query);
  const inOrder = (items: ConversationItem[]): ConversationItem[] => (normal.order === 'desc' ? items.reverse() : items);
  const found: ConversationItem[] = [];
  let after: string | undefined;
  if (normal.after !== undefined) {
    const ref = parseItemId(normal.after);
    const message = ref ? await threads.getMessage(threadId, ref.messageId).catch(() => undefined) : undefined;
    const own = message ? inOrder(messageToItems(message)) : [];
    const position = own.findIndex((item) => item.id === normal.after);
    if (!message || position < 0) {
      throw new StoreError(
        'invalid_cursor',
        `No item with id ${JSON.stringify(normal.after.slice(0, 80))} in this conversation to page from.`,
      );
    }
    found.push(...own.slice(position + 1));
    after = message.id;
  }
  while (found.length <= normal.limit) {
    const page = await threads.listMessages(threadId, { limit: BATCH, order: normal.order, after });
    for (const message of page.data) found.push(...inOrder(messageToItems(message)));
    if (!page.has_more || page.last_id === null) break;
    after = page.last_id;
  }
  const data = found.slice(0, normal.limit);
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
    has_more: found.length > normal.limit,
  };
}

/** One item by id, or undefined. */
export async function findConversationItem(
  threads: Pick<ThreadStore, 'getMessage'>,
  threadId: string,
  itemId: string,
): Promise<ConversationItem | undefined> {
  const ref = parseItemId(itemId);
  if (!ref) return undefined;
  const message = await threads.getMessage(threadId, ref.messageId).catch(() => undefined);
  return message ? messageToItems(message).find((item) => item.id === itemId) : undefined;
}

/** Items as a client asked for them: encrypted reasoning only when `include` names it. */
export function withIncluded<T extends ConversationItem>(items: T[], include: readonly string[]): T[] {
  if (include.includes('reasoning.encrypted_content')) return items;
  return items.map((item) => {
    if (item.type !== 'reasoning' || item.encrypted_content === undefined) return item;
    const { encrypted_content: _hidden, ...rest } = item;
    return rest as T;
  });
}
