// The budgets a run engine enforces: before each model call it asks `check`, after each call it `record`s what the
// call used, and a Continue on the budget card `grant`s more room. Limits are read on every check, so a setting
// changed while a run waits applies to its next call.

import type { Usage } from '../domain/common';
import type { BudgetPause, Run } from '../domain/run';
import { costOf, type ModelPrices } from '../model/prices';
import { type BudgetLimit, type BudgetScope, reachedBudget } from './budgetLimits';
import type { UsageLedger } from './usageLedger';

/** The run, agent and profile a model call belongs to. */
export interface BudgetedCall {
  run: Pick<Run, 'id' | 'thread_id'>;
  agent: { id: string; name: string };
  profile: { id: string; prices?: ModelPrices };
}

export interface RunBudgetsOptions {
  ledger: UsageLedger;
  /** The budgets in force now (user settings in the extension). */
  limits: () => readonly BudgetLimit[];
}

/** Budget checks and usage accounting for the run engine. */
export class RunBudgets {
  constructor(private readonly options: RunBudgetsOptions) {}

  get ledger(): UsageLedger {
    return this.options.ledger;
  }

  /** The budget the next call (with a prompt of `promptTokens`) would take past its limit, if any. */
  async check(call: BudgetedCall, promptTokens: number, now: number): Promise<BudgetPause | undefined> {
    const limits = this.options.limits();
    if (limits.length === 0) return undefined;
    await this.options.ledger.load();
    const key = { runId: call.run.id, threadId: call.run.thread_id, agentId: call.agent.id, at: now };
    return reachedBudget(limits, (scope: BudgetScope) => this.options.ledger.spending(scope, key), {
      promptTokens,
      prices: call.profile.prices,
    });
  }

  /** Adds a model call's usage to the ledger; `estimated` when the tokens were counted here, not by the provider. */
  record(call: BudgetedCall, usage: Usage, estimated: boolean, now: number): Promise<void> {
    return this.options.ledger.append({
      type: 'call',
      at: now,
      thread_id: call.run.thread_id,
      run_id: call.run.id,
      agent_id: call.agent.id,
      agent_name: call.agent.name,
      profile: call.profile.id,
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      cost: costOf(usage, call.profile.prices) ?? null,
      estimated,
    });
  }

  /** Raises the limit of the paused budget's scope by its step (Continue on the budget card). */
  grant(call: BudgetedCall, pause: BudgetPause, now: number): Promise<void> {
    return this.options.ledger.append({
      type: 'grant',
      at: now,
      thread_id: call.run.thread_id,
      run_id: call.run.id,
      agent_id: call.agent.id,
      scope: pause.scope,
      unit: pause.unit,
      amount: pause.step,
    });
  }
}
