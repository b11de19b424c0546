// The arithmetic of budgets: which limit the next model call would cross, and how much Continue adds. Pure
// functions, so the rules are tested without a model or a store.

import type { BudgetPause, BudgetScope, BudgetUnit } from '../domain/run';
import { hasPrices, type ModelPrices } from '../model/prices';

export type { BudgetPause, BudgetScope, BudgetUnit };

/** One configured budget. */
export interface BudgetLimit {
  scope: BudgetScope;
  unit: BudgetUnit;
  limit: number;
}

/** What has been spent in a scope, and what Continue granted there. */
export interface ScopeSpending {
  tokens: number;
  dollars: number;
  estimated: boolean;
  granted: Record<BudgetUnit, number>;
}

/** What Continue adds: half the configured limit, so a paused run gets room for a few more calls, not unbounded. */
export function continueStep(limit: number): number {
  const half = limit / 2;
  return limit >= 2 ? Math.ceil(half) : half;
}

/** The next call's least cost: its prompt tokens, and their price when the profile has prices. */
export interface NextCall {
  promptTokens: number;
  prices: ModelPrices | undefined;
}

/**
 * The first budget (run, then thread, then agent per day; tokens before dollars) that `next` would take past its
 * limit, or undefined when every budget has room. A money budget without prices is skipped: it is refused when set.
 */
export function reachedBudget(
  limits: readonly BudgetLimit[],
  spending: (scope: BudgetScope) => ScopeSpending,
  next: NextCall,
): BudgetPause | undefined {
  const order: BudgetScope[] = ['run', 'thread', 'agent_day'];
  const sorted = [...limits].sort((a, b) => order.indexOf(a.scope) - order.indexOf(b.scope) || (a.unit === 'tokens' ? -1 : 1));
  for (const budget of sorted) {
    if (!(budget.limit > 0)) continue;
    if (budget.unit === 'dollars' && !hasPrices(next.prices)) continue;
    const spent = spending(budget.scope);
    const used = budget.unit === 'tokens' ? spent.tokens : spent.dollars;
    const cost = budget.unit === 'tokens' ? next.promptTokens : (next.promptTokens * (next.prices?.input ?? 0)) / 1_000_000;
    const limit = budget.limit + spent.granted[budget.unit];
    if (used + cost > limit) {
      return {
        scope: budget.scope,
        unit: budget.unit,
        limit,
        used,
        next: cost,
        step: continueStep(budget.limit),
        estimated: spent.estimated,
      };
    }
  }
  return undefined;
}

/** Why a budget cannot be enforced for a model profile, or undefined when it can. */
export function budgetRefusal(budget: BudgetLimit, profile: { id: string; prices?: ModelPrices }): string | undefined {
  if (budget.unit === 'dollars' && !hasPrices(profile.prices)) {
    return `model profile '${profile.id}' has no prices, so a money budget cannot be counted for it; add "prices" to the profile or use a token budget`;
  }
  return undefined;
}
