// Usage of runs a service ran (a Foundry project), into the same ledger as local runs' model calls, so the Usage view,
// tree tooltips, the thread header and Run Details count them too. The local engine records each model call as it
// makes it; a service reports one usage per run when the run ends, so that is recorded once, when this window sees
// the run end. Runs that ended elsewhere (another window, a teammate) are the service's to count, not ours.

import type { UnixSeconds } from '../domain/common';
import type { Run } from '../domain/run';
import { TERMINAL_RUN_STATUSES } from '../domain/run';
import type { AgentModel } from '../domain/agent';
import { costOf, type ModelPrices } from '../model/prices';
import type { UsageLedger } from './usageLedger';

export interface ServiceRunUsageOptions {
  ledger: UsageLedger;
  /** The agent's name for the Usage view, or undefined when it cannot be read (the run's agent id is shown then). */
  agentName: (agentId: string) => Promise<string | undefined>;
  /** The prices of the model (deployment) a run used, when the user set them. */
  pricesOf: (model: AgentModel) => ModelPrices | undefined;
}

/** Records a service's finished runs in the usage ledger, each once. */
export class ServiceRunUsage {
  /** Runs being recorded now: a run saved twice in a row (status, then its last step) is counted once. */
  private readonly recording = new Set<string>();

  constructor(private readonly options: ServiceRunUsageOptions) {}

  /** Records `run` if it has ended with usage and is not in the ledger yet; true when it was recorded. */
  async record(run: Run): Promise<boolean> {
    if (!run.usage || !TERMINAL_RUN_STATUSES.includes(run.status) || this.recording.has(run.id)) return false;
    this.recording.add(run.id);
    try {
      const { ledger } = this.options;
      await ledger.load();
      if (ledger.runTotals(run.id).calls > 0) return false;
      const agentName = (await this.options.agentName(run.assistant_id).catch(() => undefined)) ?? run.assistant_id;
      await ledger.append({
        type: 'call',
        at: endedAt(run),
        thread_id: run.thread_id,
        run_id: run.id,
        agent_id: run.assistant_id,
        agent_name: agentName,
        profile: `${run.model.profile}/${run.model.name}`,
        prompt_tokens: run.usage.prompt_tokens,
        completion_tokens: run.usage.completion_tokens,
        cost: costOf(run.usage, this.options.pricesOf(run.model)) ?? null,
        estimated: false,
      });
      return true;
    } finally {
      this.recording.delete(run.id);
    }
  }
}

function endedAt(run: Run): UnixSeconds {
  return run.completed_at ?? run.failed_at ?? run.cancelled_at ?? run.expires_at ?? run.started_at ?? run.created_at;
}
