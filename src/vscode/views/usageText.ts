// Usage in words, the same everywhere it is shown: the thread's header, the Agents tree's tooltips. The figures come
// from the usage ledger's sums (the Usage view's), formatted in core; only the words are made here, to translate them.

import * as vscode from 'vscode';
import { type UsageTotals, usageFigures } from '../../core/budgets';
import type { UsageView } from '../../protocol/threadView';

/** "12,345 tokens · $0.27", "about 12,345 tokens · $0.27" when estimated, tokens only without prices; undefined before any call. */
export function usageSummary(totals: UsageTotals): string | undefined {
  const figures = usageFigures(totals, vscode.env.language);
  if (!figures) return undefined;
  const tokens = figures.estimated ? vscode.l10n.t('about {0} tokens', figures.tokens) : vscode.l10n.t('{0} tokens', figures.tokens);
  return figures.cost ? `${tokens} · ${figures.cost}` : tokens;
}

/** What a narrow header has room for: the cost ("$0.27"), or without prices the tokens ("12.3K tokens", "≈12.3K tokens"). */
export function usageSummaryShort(totals: UsageTotals): string | undefined {
  const figures = usageFigures(totals, vscode.env.language);
  if (!figures) return undefined;
  if (figures.cost) return figures.cost;
  return vscode.l10n.t('{0} tokens', figures.estimated ? `≈${figures.compactTokens}` : figures.compactTokens);
}

/** What a reader of the figures should know: estimates, and calls the cost leaves out. */
export function usageNotes(totals: UsageTotals): string[] {
  const notes: string[] = [];
  if (totals.estimated) notes.push(vscode.l10n.t('Some tokens are estimates: the model reported no usage, so they were counted here.'));
  if (totals.unpriced)
    notes.push(vscode.l10n.t('{0} calls had no prices (their model profile has none), so the cost leaves them out.', totals.unpriced));
  return notes;
}

/** A thread's usage as its header's meter shows it, or null before its first model call. */
export function toUsageView(totals: UsageTotals): UsageView | null {
  const text = usageSummary(totals);
  const short = usageSummaryShort(totals);
  if (!text || !short) return null;
  const calls = totals.calls === 1 ? vscode.l10n.t('in 1 model call') : vscode.l10n.t('in {0} model calls', totals.calls);
  const lines = [vscode.l10n.t('This thread used {0}', text), calls, ...usageNotes(totals)];
  return { text, short, tooltip: lines.join('\n') };
}
