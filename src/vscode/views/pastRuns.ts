// The finished runs behind the answers of a page, so that each answer keeps its footer when a view opens again or
// pages back: the webview hears of a run through its events only, and those are the newest run's.

import type { ThreadRepository } from '../../core/backend';
import { TERMINAL_RUN_STATUSES, type Run, type RunStep } from '../../core/domain';
import type { MessageView } from '../../protocol/threadView';
import { mapWithConcurrency } from '../../core/util/mapWithConcurrency';

/**
 * The runs (with their steps) that wrote the answers in `messages`, finished ones only, leaving out `known` (runs
 * already sent to the view, and the current run, which comes with its events). A run the backend no longer knows
 * (a Foundry run made on another machine, or older than the runs kept) has no footer rather than an error.
 */
export async function pastRunsOf(
  threads: Pick<ThreadRepository, 'getRun' | 'listRunSteps'>,
  threadId: string,
  messages: readonly MessageView[],
  known: ReadonlySet<string>,
): Promise<{ run: Run; steps: RunStep[] }[]> {
  const runIds = [...new Set(messages.flatMap((m) => (m.role === 'assistant' && m.runId && !known.has(m.runId) ? [m.runId] : [])))];
  // A few at a time: on a Foundry project each is a request, and a page can show a few dozen runs.
  const found = await mapWithConcurrency(runIds, 4, async (runId) => {
    const run = await threads.getRun(threadId, runId).catch(() => undefined);
    if (!run || !TERMINAL_RUN_STATUSES.includes(run.status)) return undefined;
    const steps = await threads.listRunSteps(threadId, runId).catch(() => []);
    return { run, steps };
  });
  return found.filter((entry) => entry !== undefined);
}
