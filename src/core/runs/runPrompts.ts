// Which user message started each run: what a person recognises a run by ("Fix the failing test…"), unlike its id.
// A run does not record its prompt, so it is the newest user message written no later than the run was created.

import type { ListQuery, Page } from '../domain';
import { messageText, type Message } from '../domain/message';
import type { Run } from '../domain/run';

/** Pages of messages to read back at most: a run far back in a huge thread is named without its prompt. */
const MAX_PAGES = 20;

/** Each run's prompting user message text (absent where none was found), reading the thread newest first. */
export async function promptsOfRuns(
  listMessages: (query: ListQuery) => Promise<Page<Message>>,
  runs: readonly Pick<Run, 'id' | 'created_at'>[],
): Promise<Map<string, string>> {
  const prompts = new Map<string, string>();
  // Newest run first, like the messages: each user message read answers every unanswered run created at or after it.
  const waiting = [...runs].sort((a, b) => b.created_at - a.created_at);
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES && waiting.length > 0; page++) {
    const { data, has_more, last_id } = await listMessages({ order: 'desc', limit: 100, after });
    for (const message of data) {
      if (message.role !== 'user') continue;
      while (waiting.length > 0 && waiting[0].created_at >= message.created_at) {
        prompts.set(waiting.shift()!.id, messageText(message));
      }
    }
    if (!has_more || !last_id) break;
    after = last_id;
  }
  return prompts;
}

/** A prompt on one line, cut at a word near `max` characters, for a picker label or a headline. */
export function promptPreview(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  const cut = line.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
