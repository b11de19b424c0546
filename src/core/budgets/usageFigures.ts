// The figures of a usage summary (a thread's header, tree tooltips, the Usage view), formatted for a locale. The
// words around them are the UI's, so they can be translated; the numbers are formatted once, here.

import { formatCost } from '../model/prices';
import type { UsageTotals } from './usageLedger';

/** What a summary of usage shows, as text for a locale. */
export interface UsageFigures {
  /** "12,345" */
  tokens: string;
  /** "12K", for narrow places. */
  compactTokens: string;
  /** "$0.27", or undefined when none of the calls had prices (then only tokens are shown, never a made-up cost). */
  cost: string | undefined;
  /** Some tokens were counted with the tokenizer because the provider reported none. */
  estimated: boolean;
  /** Calls without prices: the cost leaves them out. */
  unpriced: number;
}

/**
 * Formatters by locale and style. Building an Intl.NumberFormat costs far more than formatting with one, and tree
 * refreshes format a figure per row.
 */
const formatters = new Map<string, Intl.NumberFormat>();

function formatter(locale: string, compact: boolean): Intl.NumberFormat {
  const key = `${compact ? 'c' : 'n'}:${locale}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.NumberFormat(locale, compact ? { notation: 'compact', maximumFractionDigits: 1 } : {});
    formatters.set(key, found);
  }
  return found;
}

/** The figures of `totals` in `locale`, or undefined when there were no calls (nothing worth showing). */
export function usageFigures(totals: UsageTotals, locale: string): UsageFigures | undefined {
  if (totals.calls === 0) return undefined;
  return {
    tokens: formatter(locale, false).format(totals.tokens),
    compactTokens: formatter(locale, true).format(totals.tokens),
    cost: totals.calls > totals.unpriced ? formatCost(totals.dollars, locale) : undefined,
    estimated: totals.estimated,
    unpriced: totals.unpriced,
  };
}

/** The sum of several totals (an agent's rows of one day, a day's rows of every agent). */
export function sumUsage(totals: readonly UsageTotals[]): UsageTotals {
  return totals.reduce<UsageTotals>(
    (sum, each) => ({
      calls: sum.calls + each.calls,
      tokens: sum.tokens + each.tokens,
      dollars: sum.dollars + each.dollars,
      unpriced: sum.unpriced + each.unpriced,
      estimated: sum.estimated || each.estimated,
    }),
    { calls: 0, tokens: 0, dollars: 0, unpriced: 0, estimated: false },
  );
}
