// A thread's automatic title: the start of its first user message, on one line.

import { messageText } from '../domain/message';
import type { ThreadStore } from '../store/threadStore';

const MAX_TITLE_CHARS = 60;

/** The title for a thread from its first user message (about 60 characters, one line), or undefined if it has none. */
export async function titleFromFirstUserMessage(threads: Pick<ThreadStore, 'listMessages'>, threadId: string): Promise<string | undefined> {
  const page = await threads.listMessages(threadId, { order: 'asc', limit: 20 });
  const first = page.data.find((message) => message.role === 'user' && messageText(message).trim());
  return first ? titleFromText(messageText(first)) : undefined;
}

/**
 * Drops code blocks and inline-code backticks (a pasted snippet makes a poor title), collapses whitespace and cuts at
 * a word boundary near 60 characters, adding an ellipsis when cut.
 */
export function titleFromText(text: string): string {
  const prose = text.replace(/(`{3,}|~{3,})[^\n]*\n[\s\S]*?(\n\1|$)/g, ' ').replace(/`/g, '');
  const line = (prose.trim() ? prose : text).replace(/\s+/g, ' ').trim();
  if (line.length <= MAX_TITLE_CHARS) return line;
  const cut = line.slice(0, MAX_TITLE_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX_TITLE_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
