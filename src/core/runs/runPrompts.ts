// Which user message started each run: what a person recognises a run by ("Fix the failing test…"), unlike its id.
// A run does not record its prompt: it is the user message just before the run's answer, or, for a run that wrote
// none, the newest user message written no later than the run was created.

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
  // An answer names its run: the user message just before it (reading back) is that run's prompt. Times are whole
  // seconds, so two turns within one second tie; the time rule (the newest user message written no later than the
  // run) only stands for a run whose answer is not read, e.g. one that failed before writing any.
  const byAnswer = new Map<string, string>();
  const byTime = new Map<string, string>();
  const wanted = new Set(runs.map((run) => run.id));
  const answered = new Set<string>();
  // Newest run first, like the messages: each user message read answers every unanswered run created at or after it.
  const waiting = [...runs].reverse().sort((a, b) => b.created_at - a.created_at); // `runs` come oldest first
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES && (waiting.length > 0 || answered.size > 0); page++) {
    const { data, has_more, last_id } = await listMessages({ order: 'desc', limit: 100, after });
    for (const message of data) {
      if (message.role !== 'user') {
        if (message.run_id && wanted.has(message.run_id) && !byAnswer.has(message.run_id)) answered.add(message.run_id);
        continue;
      }
      const text = messageText(message);
      for (const runId of answered) byAnswer.set(runId, text);
      answered.clear();
      while (waiting.length > 0 && waiting[0].created_at >= message.created_at) byTime.set(waiting.shift()!.id, text);
    }
    if (!has_more || !last_id) break;
    after = last_id;
  }
  return new Map(
    runs.flatMap((run) => {
      const prompt = byAnswer.get(run.id) ?? byTime.get(run.id);
      return prompt === undefined ? [] : [[run.id, prompt] as const];
    }),
  );
}

/** A prompt on one line, cut at a word near `max` characters, for a picker label or a headline. */
export function promptPreview(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  const cut = line.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
