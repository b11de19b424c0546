// Where budgets meet the run loop: before each model call the run may pause in requires_action with a budget card,
// and wait there (across restarts: the pause is saved, and the next session adopts the run) until the user
// continues or stops it. A response (Responses API) cannot wait, so it ends incomplete instead.

import type { Usage } from '../domain/common';
import { newId } from '../domain/ids';
import type { BudgetPause } from '../domain/run';
import type { BudgetedCall } from '../budgets/runBudgets';
import { countTextTokens } from '../model/tokenCounter';
import type { ChatToolCall } from '../model/types';
import type { ActiveRun, RunServices } from './activeRun';

/** The decision on a budget card. */
export type BudgetDecision = 'continue' | 'stop';

/** The budgeted call of a run's next model call. */
export function budgetedCall(active: ActiveRun): BudgetedCall {
  return { run: active.run, agent: { id: active.agent.id, name: active.agent.name }, profile: active.profile };
}

/**
 * Resolves 'go' when the next call (a prompt of `promptTokens`) fits every budget, or once the user continued;
 * 'ended' when a response ran out of budget. Throws RunStopped when the run is stopped while it waits.
 */
export async function holdForBudget(active: ActiveRun, services: RunServices, promptTokens: number): Promise<'go' | 'ended'> {
  const budgets = services.budgets;
  if (!budgets) return 'go';
  for (;;) {
    // A run adopted after a restart is already waiting: it waits for the same budget again.
    const action = active.run.required_action;
    const waiting = active.run.status === 'requires_action' && action?.type === 'budget_exceeded' ? action.budget_exceeded : undefined;
    const pause = waiting ?? (await budgets.check(budgetedCall(active), promptTokens, services.now()));
    if (!pause) return 'go';
    if (active.run.response) {
      await endResponseAtBudget(active, services, pause);
      return 'ended';
    }
    // Listening starts before the pause is announced, so a Continue that answers the announcement is not missed.
    const decided = active.budgetContinue();
    // Awaited below; this only keeps a stop before that await from being reported as unhandled.
    decided.catch(() => undefined);
    if (!waiting) {
      await active.recorder.transition('requires_action', { required_action: { type: 'budget_exceeded', budget_exceeded: pause } });
      await services.releaseRun?.(active.run.thread_id, active.run.id);
    }
    await decided;
    await budgets.grant(budgetedCall(active), pause, services.now());
    await active.recorder.transition('in_progress');
  }
}

/**
 * A response cannot wait for a decision: it ends incomplete (incomplete_details.reason budget_exceeded on the run)
 * with an output message that names the budget, so a Responses client sees why in its output.
 */
async function endResponseAtBudget(active: ActiveRun, services: RunServices, pause: BudgetPause): Promise<void> {
  const now = services.now();
  const text = `${budgetReachedMessage(pause)} Raise it in the agentThreads.budgets settings, or continue the run in the thread.`;
  await active.recorder.appendMessage(
    {
      id: newId('msg'),
      role: 'assistant',
      content: [{ type: 'text', text: { value: text, annotations: [] } }],
      status: 'completed',
      assistant_id: active.run.assistant_id,
      run_id: active.run.id,
      created_at: now,
      completed_at: now,
    },
    ['thread.message.created', 'thread.message.completed'],
  );
  await active.recorder.transition('incomplete', { incomplete_details: { reason: 'budget_exceeded' } });
}

/** Records a model call's usage; when the provider reported none, its tokens are counted with the tokenizer. */
export async function recordCallUsage(
  active: ActiveRun,
  services: RunServices,
  reported: Usage | null,
  promptTokens: number,
  answer: { text: string; toolCalls: readonly ChatToolCall[] },
): Promise<void> {
  if (!services.budgets) return;
  const usage = reported ?? estimatedUsage(promptTokens, answer);
  try {
    await services.budgets.record(budgetedCall(active), usage, reported === null, services.now());
  } catch (error) {
    // Losing one line of accounting must not fail the user's run; the log says so.
    services.logger.warn(`Run ${active.run.id}: could not record its usage: ${String(error)}`);
  }
}

function estimatedUsage(promptTokens: number, answer: { text: string; toolCalls: readonly ChatToolCall[] }): Usage {
  const completion =
    countTextTokens(answer.text) +
    answer.toolCalls.reduce((sum, call) => sum + countTextTokens(call.name) + countTextTokens(call.arguments), 0);
  return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
}

/** The pause in words: "The 200,000-token thread budget is reached." */
export function budgetReachedMessage(pause: BudgetPause): string {
  const [amount, scope] = budgetWords(pause);
  return `The ${amount} ${scope} budget is reached.`;
}

/** The reason a run stopped at a budget ends with, in words: "Stopped at the 200,000-token thread budget." */
export function budgetStopMessage(pause: BudgetPause): string {
  const [amount, scope] = budgetWords(pause);
  return `Stopped at the ${amount} ${scope} budget.`;
}

function budgetWords(pause: BudgetPause): [string, string] {
  const scope = { run: 'run', thread: 'thread', agent_day: "agent's daily" }[pause.scope];
  const amount =
    pause.unit === 'tokens'
      ? `${Math.round(pause.limit).toLocaleString('en-US')}-token`
      : `$${pause.limit.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
  return [amount, scope];
}
