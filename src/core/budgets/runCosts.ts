// What a run cost, and its thread so far, as Run Details shows them. The ledger holds each model call's cost at the
// prices of the day it was made, so a price change later does not rewrite what was spent. Runs the ledger has no
// price for (made before it existed or before prices were set, or a service's run that ended in another window) are
// costed at today's prices, and the page says so.

import type { AgentModel } from '../domain/agent';
import type { Run } from '../domain/run';
import { costOf, hasPrices, type ModelPrices } from '../model/prices';
import type { UsageLedger } from './usageLedger';

export interface RunCosts {
  /** US dollars; undefined when the run's cost is unknown (its calls had no prices). */
  run: number | undefined;
  /** US dollars of the thread's runs that have a cost. */
  thread: number;
  /** Some figure was computed at today's prices rather than read from the ledger. */
  atTodaysPrices: boolean;
}

/** The costs of `run` and of its thread (`runs`), or undefined when nothing in them has a price. */
export function runCosts(
  run: Run,
  runs: readonly Run[],
  ledger: Pick<UsageLedger, 'runTotals'>,
  pricesOf: (model: AgentModel) => ModelPrices | undefined,
): RunCosts | undefined {
  let atTodaysPrices = false;
  let priced = false;
  const costOfRun = (each: Run): number | undefined => {
    const recorded = ledger.runTotals(each.id);
    if (recorded.calls > recorded.unpriced) {
      priced = true;
      return recorded.dollars;
    }
    const prices = pricesOf(each.model);
    if (!each.usage || !hasPrices(prices)) return undefined;
    priced = true;
    atTodaysPrices = true;
    return costOf(each.usage, prices);
  };
  const thisRun = costOfRun(run);
  const thread = runs.reduce((sum, each) => sum + ((each.id === run.id ? thisRun : costOfRun(each)) ?? 0), 0);
  if (!priced) return undefined;
  return { run: thisRun, thread, atTodaysPrices };
}
