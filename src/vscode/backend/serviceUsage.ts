// Runs of a Foundry project count in the usage ledger too (see core/budgets/serviceRunUsage.ts), costed at the prices
// the user set per deployment in `agentThreads.foundry.prices`: a project's deployments are not model profiles, and
// no prices are shipped or guessed.

import * as vscode from 'vscode';
import type { Backend } from '../../core/backend';
import { FOUNDRY_PROFILE } from '../../core/backend/foundry/endpoint';
import { ServiceRunUsage, type UsageLedger } from '../../core/budgets';
import { type ModelPrices, pricesProblem } from '../../core/model/prices';
import type { Logger } from '../../core/util/logger';

/** The prices set for each deployment of a Foundry project; an entry that is not prices is left out and logged. */
export function readFoundryPrices(
  log: Logger,
  config = vscode.workspace.getConfiguration('agentThreads.foundry'),
): Map<string, ModelPrices> {
  const prices = new Map<string, ModelPrices>();
  const setting = config.get<unknown>('prices', {});
  if (typeof setting !== 'object' || setting === null || Array.isArray(setting)) return prices;
  for (const [deployment, entry] of Object.entries(setting)) {
    const problem = pricesProblem(entry);
    if (problem) log.warn(`agentThreads.foundry.prices: "${deployment}" ${problem}; it is left out.`);
    else prices.set(deployment, entry as ModelPrices);
  }
  return prices;
}

/** Records each Foundry run this window sees end, once, in the usage ledger. */
export function recordServiceRunUsage(backend: Pick<Backend, 'agents' | 'threads'>, ledger: UsageLedger, log: Logger): vscode.Disposable {
  const usage = new ServiceRunUsage({
    ledger,
    agentName: async (agentId) => (await backend.agents.get(agentId)).name,
    pricesOf: (model) => readFoundryPrices(log).get(model.name),
  });
  return backend.threads.onDidSaveRun(({ run }) => {
    if (run.model.profile !== FOUNDRY_PROFILE) return; // local runs record each model call as they make it
    usage.record(run).catch((error: unknown) => log.warn(`Could not record the usage of run ${run.id}: ${String(error)}`));
  });
}
