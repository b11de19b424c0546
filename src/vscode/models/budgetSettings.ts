// Budgets from the user's settings (agentThreads.budgets.*). They are application-scoped: a workspace cannot raise
// or lift your spending limits, as a repository could otherwise do through its .vscode/settings.json.

import * as vscode from 'vscode';
import { type BudgetLimit, budgetRefusal, type BudgetScope, type BudgetUnit } from '../../core/budgets';
import type { ModelProfile } from '../../core/model';

const SETTINGS: Record<string, { scope: BudgetScope; unit: BudgetUnit }> = {
  runTokens: { scope: 'run', unit: 'tokens' },
  runDollars: { scope: 'run', unit: 'dollars' },
  threadTokens: { scope: 'thread', unit: 'tokens' },
  threadDollars: { scope: 'thread', unit: 'dollars' },
  agentDayTokens: { scope: 'agent_day', unit: 'tokens' },
  agentDayDollars: { scope: 'agent_day', unit: 'dollars' },
};

/** The budgets set now (a limit of 0 or less, or not a number, is no budget). */
export function readBudgets(config = vscode.workspace.getConfiguration('agentThreads.budgets')): BudgetLimit[] {
  return Object.entries(SETTINGS).flatMap(([key, { scope, unit }]) => {
    const limit = config.get<unknown>(key, 0);
    return typeof limit === 'number' && Number.isFinite(limit) && limit > 0 ? [{ scope, unit, limit }] : [];
  });
}

/**
 * Why budgets cannot be enforced for some profiles, one line per budget, or none. A money budget needs prices; the
 * language models of VS Code (provider vscode-lm) carry none, and report no usage (their tokens are estimated).
 */
export function budgetRefusals(budgets: readonly BudgetLimit[], profiles: readonly Pick<ModelProfile, 'id' | 'prices'>[]): string[] {
  return budgets.flatMap((budget) => {
    const ids = [...profiles, { id: 'vscode-lm' }].filter((profile) => budgetRefusal(budget, profile)).map((p) => p.id);
    if (ids.length === 0) return [];
    return [
      vscode.l10n.t(
        'The {0} budget in dollars is not enforced for {1}: these model profiles have no prices. Add "prices" to them, or use a token budget.',
        budgetScopeLabel(budget.scope),
        ids.join(', '),
      ),
    ];
  });
}

/**
 * Why the budgets set cannot be enforced on a service backend, or undefined: a Foundry project's agents call their
 * model in the service, where no call waits for a budget check here.
 */
export function serviceBudgetRefusal(budgets: readonly BudgetLimit[], backendLabel: string): string | undefined {
  if (budgets.length === 0) return undefined;
  return vscode.l10n.t(
    'Budgets are not enforced for runs in {0}: the service calls the model there, so nothing here can pause it. They apply again when you switch back to local storage.',
    backendLabel,
  );
}

/** The scope in words: "run", "thread", "agent per day". */
export function budgetScopeLabel(scope: BudgetScope): string {
  switch (scope) {
    case 'run':
      return vscode.l10n.t('run');
    case 'thread':
      return vscode.l10n.t('thread');
    case 'agent_day':
      return vscode.l10n.t('agent per day');
  }
}
