// Every model call's tokens and cost, and every budget Continue, as one append-only JSON Lines file beside the
// threads. Budgets of a thread or of an agent's day need sums across runs and threads before each model call; the
// ledger keeps those sums in memory, so a check costs a map lookup instead of reading thread logs.

import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import type { UnixSeconds } from '../domain/common';
import { Emitter } from '../util/emitter';
import { errnoCode, errorMessage } from '../util/errors';
import { type Logger, silentLogger } from '../util/logger';
import type { BudgetScope, BudgetUnit, ScopeSpending } from './budgetLimits';

/** One model call: tokens as the provider reported them, or counted with the tokenizer (`estimated`). */
export interface UsageCall {
  type: 'call';
  at: UnixSeconds;
  thread_id: string;
  run_id: string;
  agent_id: string;
  agent_name: string;
  profile: string;
  prompt_tokens: number;
  completion_tokens: number;
  /** US dollars at the profile's prices when the call was made; null without prices. */
  cost: number | null;
  estimated: boolean;
}

/** A Continue on a budget card: the limit of that scope grows by `amount`. */
export interface BudgetGrant {
  type: 'grant';
  at: UnixSeconds;
  thread_id: string;
  run_id: string;
  agent_id: string;
  scope: BudgetScope;
  unit: BudgetUnit;
  amount: number;
}

export type UsageRecord = UsageCall | BudgetGrant;

/** Tokens and cost summed over some calls. */
export interface UsageTotals {
  calls: number;
  tokens: number;
  /** Dollars of the calls that had prices. */
  dollars: number;
  /** Calls without prices (their cost is unknown, so `dollars` is a lower bound). */
  unpriced: number;
  estimated: boolean;
}

/** One row of the Usage view: an agent's calls on one day. */
export interface UsageRow extends UsageTotals {
  day: string;
  agent_id: string;
  agent_name: string;
}

export interface UsageLedgerOptions {
  /** The ledger file (created on the first write). */
  file: string;
  logger?: Logger;
  /** The local calendar day of a time, as YYYY-MM-DD (tests pin the time zone through it). */
  dayOf?: (at: UnixSeconds) => string;
}

/** The local calendar day of Unix time `at`, as YYYY-MM-DD. */
export function localDay(at: UnixSeconds): string {
  const date = new Date(at * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const emptyTotals = (): UsageTotals => ({ calls: 0, tokens: 0, dollars: 0, unpriced: 0, estimated: false });

/** The usage ledger: append, then read sums by run, thread, agent and day. */
export class UsageLedger {
  private readonly changes = new Emitter<void>();
  /** Fires after a record was added (the Usage view and tooltips refresh). */
  readonly onDidChange = this.changes.event;
  private readonly byRun = new Map<string, UsageTotals>();
  private readonly byThread = new Map<string, UsageTotals>();
  private readonly byAgent = new Map<string, UsageTotals>();
  private readonly byAgentDay = new Map<string, UsageRow>();
  private readonly grants = new Map<string, Record<BudgetUnit, number>>();
  private loading: Promise<void> | undefined;
  private writes: Promise<void> = Promise.resolve();
  private readonly logger: Logger;
  private readonly dayOf: (at: UnixSeconds) => string;

  constructor(private readonly options: UsageLedgerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.dayOf = options.dayOf ?? localDay;
  }

  /** Reads the file once; later calls wait for the same read. Corrupt lines are skipped and reported. */
  load(): Promise<void> {
    this.loading ??= this.read();
    return this.loading;
  }

  /** Appends a record and counts it; resolves once it is on disk. */
  async append(record: UsageRecord): Promise<void> {
    await this.load();
    const write = this.writes.then(async () => {
      await fs.mkdir(dirname(this.options.file), { recursive: true });
      await fs.appendFile(this.options.file, `${JSON.stringify(record)}\n`, 'utf8');
    });
    this.writes = write.catch(() => undefined);
    await write;
    this.count(record);
    this.changes.fire();
  }

  /** What was spent and granted in a scope: a run id, a thread id, or an agent on a day. */
  spending(scope: BudgetScope, key: { runId: string; threadId: string; agentId: string; at: UnixSeconds }): ScopeSpending {
    const id = scopeKey(scope, key.runId, key.threadId, key.agentId, this.dayOf(key.at));
    const totals =
      (scope === 'run' ? this.byRun.get(id) : scope === 'thread' ? this.byThread.get(id) : this.byAgentDay.get(id)) ?? emptyTotals();
    return {
      tokens: totals.tokens,
      dollars: totals.dollars,
      estimated: totals.estimated,
      granted: { ...(this.grants.get(id) ?? { tokens: 0, dollars: 0 }) },
    };
  }

  /** Totals of one run's calls, each costed at the prices of the day it was made. */
  runTotals(runId: string): UsageTotals {
    return { ...(this.byRun.get(runId) ?? emptyTotals()) };
  }

  /** Totals of one thread's calls. */
  threadTotals(threadId: string): UsageTotals {
    return { ...(this.byThread.get(threadId) ?? emptyTotals()) };
  }

  /** Totals of one agent's calls, every day. */
  agentTotals(agentId: string): UsageTotals {
    return { ...(this.byAgent.get(agentId) ?? emptyTotals()) };
  }

  /** Totals of one agent's calls on the local day of `at` (today, for the tree's tooltip). */
  agentDayTotals(agentId: string, at: UnixSeconds): UsageTotals {
    const row = this.byAgentDay.get(scopeKey('agent_day', '', '', agentId, this.dayOf(at)));
    if (!row) return emptyTotals();
    const { calls, tokens, dollars, unpriced, estimated } = row;
    return { calls, tokens, dollars, unpriced, estimated };
  }

  /** One row per agent and day, newest day first. */
  rows(): UsageRow[] {
    return [...this.byAgentDay.values()]
      .map((row) => ({ ...row }))
      .sort((a, b) => b.day.localeCompare(a.day) || a.agent_name.localeCompare(b.agent_name));
  }

  dispose(): void {
    this.changes.dispose();
  }

  private async read(): Promise<void> {
    let text: string;
    try {
      text = await fs.readFile(this.options.file, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return;
      this.logger.warn(`Could not read the usage ledger: ${errorMessage(error)}`);
      return;
    }
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const record = JSON.parse(line) as UsageRecord;
        if (record.type === 'call' || record.type === 'grant') this.count(record);
        else skipped++;
      } catch {
        skipped++;
      }
    }
    if (skipped) this.logger.warn(`Skipped ${skipped} unreadable line(s) of the usage ledger.`);
  }

  private count(record: UsageRecord): void {
    const day = this.dayOf(record.at);
    if (record.type === 'grant') {
      const id = scopeKey(record.scope, record.run_id, record.thread_id, record.agent_id, day);
      const granted = this.grants.get(id) ?? { tokens: 0, dollars: 0 };
      granted[record.unit] += record.amount;
      this.grants.set(id, granted);
      return;
    }
    add(this.byRun, record.run_id, record);
    add(this.byThread, record.thread_id, record);
    add(this.byAgent, record.agent_id, record);
    const id = scopeKey('agent_day', record.run_id, record.thread_id, record.agent_id, day);
    const row = this.byAgentDay.get(id) ?? { day, agent_id: record.agent_id, agent_name: record.agent_name, ...emptyTotals() };
    row.agent_name = record.agent_name || row.agent_name;
    addTo(row, record);
    this.byAgentDay.set(id, row);
  }
}

function scopeKey(scope: BudgetScope, runId: string, threadId: string, agentId: string, day: string): string {
  return scope === 'run' ? runId : scope === 'thread' ? threadId : `${agentId}\u0000${day}`;
}

function add(map: Map<string, UsageTotals>, id: string, call: UsageCall): void {
  const totals = map.get(id) ?? emptyTotals();
  addTo(totals, call);
  map.set(id, totals);
}

function addTo(totals: UsageTotals, call: UsageCall): void {
  totals.calls++;
  totals.tokens += call.prompt_tokens + call.completion_tokens;
  if (call.cost === null) totals.unpriced++;
  else totals.dollars += call.cost;
  totals.estimated ||= call.estimated;
}
