// The card of a run paused at a budget: which budget, what was used, and Continue (adds the budget's step) or Stop.
// It sits in the run panel under the conversation, like an approval nobody else shows.

import * as l10n from '@vscode/l10n';
import type { RunView } from '../../src/protocol/threadView';
import { component, el } from './dom';
import { postToHost } from './host';

type BudgetPause = NonNullable<RunView['budgetPause']>;

/** An amount as the budget counts it: "200,000" tokens or "$5.00". */
function amount(pause: BudgetPause, value: number): string {
  return pause.unit === 'tokens'
    ? new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(value)
    : new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', maximumFractionDigits: value < 1 ? 4 : 2 }).format(value);
}

/** "200,000-token thread budget reached", "$5.00 daily agent budget reached". */
export function budgetTitle(pause: BudgetPause): string {
  const limit = amount(pause, pause.limit);
  if (pause.unit === 'tokens') {
    if (pause.scope === 'run') return l10n.t('{0}-token run budget reached', limit);
    if (pause.scope === 'thread') return l10n.t('{0}-token thread budget reached', limit);
    return l10n.t('{0}-token daily budget of this agent reached', limit);
  }
  if (pause.scope === 'run') return l10n.t('{0} run budget reached', limit);
  if (pause.scope === 'thread') return l10n.t('{0} thread budget reached', limit);
  return l10n.t('{0} daily budget of this agent reached', limit);
}

/** The budget card of `run`, which waits at `pause`. */
export function createBudgetCard(run: RunView, pause: BudgetPause): HTMLElement {
  const card = el('div', 'budget-card');
  card.setAttribute('role', 'group');
  card.dataset.runId = run.id;
  const title = budgetTitle(pause);
  card.setAttribute('aria-label', title);
  const heading = el('div', 'budget-title');
  heading.append(el('span', 'codicon codicon-warning'), el('span', undefined, ` ${title}`));
  const used = pause.estimated
    ? l10n.t('Used so far: about {0} (estimated: the model reports no usage, so tokens were counted here).', amount(pause, pause.used))
    : l10n.t('Used so far: {0}.', amount(pause, pause.used));
  const detail = el('div', 'budget-detail', `${used} ${l10n.t('The next model call waits for you.')}`);
  const actions = el('div', 'budget-actions');
  const more = `+${amount(pause, pause.step)}`;
  const go = component(
    'vscode-button',
    { class: 'budget-continue', 'aria-label': l10n.t('Continue, adding {0} to the budget', more) },
    l10n.t('Continue ({0})', more),
  );
  const stop = component('vscode-button', { class: 'budget-stop', secondary: '' }, l10n.t('Stop'));
  const decide = (decision: 'continue' | 'stop'): void => {
    card.classList.add('decided');
    for (const button of [go, stop]) button.setAttribute('disabled', '');
    postToHost({ type: 'decideBudget', runId: run.id, decision });
  };
  go.addEventListener('click', () => decide('continue'));
  stop.addEventListener('click', () => decide('stop'));
  actions.append(go, stop);
  card.append(heading, detail, actions);
  return card;
}
