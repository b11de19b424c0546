// The messages of a thread as the Assistants API shows them. A model turn that is only tool calls is stored as an
// assistant message without content that carries the calls (the run engine rebuilds context and the UI from
// messages), but in the Assistants API such a turn is only a tool_calls run step: no message. So the API hides
// those records, including the ones older threads wrote, and pages over what is left.

import type { Message } from '../domain/message';
import type { ListQuery, Page } from '../domain/pagination';
import { normaliseQuery } from '../store/pagination';
import type { ThreadStore } from '../store/threadStore';

/** Whether a stored message is only the record of a turn's tool calls (no content of its own). */
export function isToolCallRecord(message: Message): boolean {
  return message.role === 'assistant' && message.content.length === 0 && (message.tool_calls?.length ?? 0) > 0;
}

/** How many stored messages each read takes while walking past hidden ones. */
const BATCH = 100;

/**
 * One page of the visible messages of `threadId` for `query`, with the store's cursor rules. The store pages by
 * position, so this walks its pages from the cursor, skipping tool-call records, until the page is full.
 */
export async function listVisibleMessages(
  threads: Pick<ThreadStore, 'listMessages'>,
  threadId: string,
  query: ListQuery,
): Promise<Page<Message>> {
  const normal = normaliseQuery(query);
  // `before` alone asks for the items nearest the cursor: walk away from it in the other order, then turn around.
  const backwards = normal.before !== undefined && normal.after === undefined;
  const order = backwards ? (normal.order === 'asc' ? 'desc' : 'asc') : normal.order;
  const found: Message[] = [];
  let after = backwards ? normal.before : normal.after;
  const before = backwards ? undefined : normal.before;
  // One more than asked, to know whether more follow.
  while (found.length <= normal.limit) {
    const raw = await threads.listMessages(threadId, { limit: BATCH, order, after, before });
    found.push(...raw.data.filter((message) => !isToolCallRecord(message)));
    if (!raw.has_more || raw.last_id === null) break;
    after = raw.last_id;
  }
  const hasMore = found.length > normal.limit;
  const data = found.slice(0, normal.limit);
  if (backwards) data.reverse();
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: hasMore };
}
