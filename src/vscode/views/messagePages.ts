// The pages of a thread the webview shows: the newest, the next one older or newer than what it has, and a window
// around one message (a search result). The webview keeps a bounded window and asks for more as the reader scrolls.

import type { ThreadRepository } from '../../core/backend';
import { parseQuery } from '../../core/search';
import type { ThreadViewEvent } from '../../protocol/threadView';
import { toMessageView } from './viewModels';

type PageEvent = Extract<ThreadViewEvent, { type: 'page' }>;
type PageAround = Extract<PageEvent, { position: 'around' }>;

const PAGE_SIZE = 50;

/** A message to open a thread at, e.g. a search result, with the words to mark in it. */
export interface MessageReveal {
  messageId: string;
  query: string;
}

/** The newest page of a thread (empty for a conversation not started yet). */
export async function newestPage(threads: ThreadRepository, threadId: string | null): Promise<PageEvent> {
  if (!threadId) return { type: 'page', messages: [], hasOlder: false, hasNewer: false, position: 'newest' };
  const page = await threads.listMessages(threadId, { limit: PAGE_SIZE, order: 'desc' });
  return { type: 'page', messages: page.data.reverse().map(toMessageView), hasOlder: page.has_more, hasNewer: false, position: 'newest' };
}

/** The page just older or newer than the message `cursor`. */
export async function adjacentPage(
  threads: ThreadRepository,
  threadId: string,
  position: 'older' | 'newer',
  cursor: string,
): Promise<PageEvent> {
  const page = await threads.listMessages(threadId, { limit: PAGE_SIZE, order: position === 'older' ? 'desc' : 'asc', after: cursor });
  const messages = position === 'older' ? page.data.reverse() : page.data;
  return {
    type: 'page',
    messages: messages.map(toMessageView),
    hasOlder: position === 'older' ? page.has_more : true,
    hasNewer: position === 'newer' ? page.has_more : true,
    position,
  };
}

/**
 * A page with the message in the middle, however far back it is, for the view to scroll to and mark; it pages on
 * from there both ways. Undefined when the message is no longer in the thread (deleted since the search).
 */
export async function pageAround(threads: ThreadRepository, threadId: string, reveal: MessageReveal): Promise<PageAround | undefined> {
  const target = await threads.getMessage(threadId, reveal.messageId).catch(() => undefined);
  if (!target) return undefined;
  const half = PAGE_SIZE / 2;
  const [older, newer] = await Promise.all([
    threads.listMessages(threadId, { limit: half, order: 'desc', after: target.id }),
    threads.listMessages(threadId, { limit: half, order: 'asc', after: target.id }),
  ]);
  const terms = parseQuery(reveal.query);
  return {
    type: 'page',
    messages: [...older.data.reverse(), target, ...newer.data].map(toMessageView),
    hasOlder: older.has_more,
    hasNewer: newer.has_more,
    position: 'around',
    reveal: { messageId: target.id, words: terms?.words ?? [], prefix: terms?.prefix ?? '' },
  };
}
