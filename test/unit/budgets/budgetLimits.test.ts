import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BudgetLimit,
  budgetRefusal,
  continueStep,
  reachedBudget,
  type ScopeSpending,
  UsageLedger,
  type UsageCall,
} from '../../../src/core/budgets';

const spent = (tokens: number, dollars = 0, granted = { tokens: 0, dollars: 0 }): ScopeSpending => ({
  tokens,
  dollars,
  estimated: false,
  granted,
});
const none = spent(0);
const prices = { input: 2, output: 8 };

describe('budget arithmetic', () => {
  it('pauses when the next prompt would take the spent tokens past the limit, not when it lands on it', () => {
    const limits: BudgetLimit[] = [{ scope: 'thread', unit: 'tokens', limit: 200_000 }];
    assert.equal(
      reachedBudget(limits, () => spent(190_000), { promptTokens: 10_000, prices: undefined }),
      undefined,
    );
    assert.deepEqual(
      reachedBudget(limits, () => spent(190_000), { promptTokens: 10_001, prices: undefined }),
      {
        scope: 'thread',
        unit: 'tokens',
        limit: 200_000,
        used: 190_000,
        next: 10_001,
        step: 100_000,
        estimated: false,
      },
    );
  });

  it('counts what Continue granted into the limit, and Continue adds half the configured limit', () => {
    const limits: BudgetLimit[] = [{ scope: 'thread', unit: 'tokens', limit: 200_000 }];
    const granted = spent(250_000, 0, { tokens: 100_000, dollars: 0 });
    assert.equal(
      reachedBudget(limits, () => granted, { promptTokens: 1_000, prices: undefined }),
      undefined,
    );
    assert.equal(reachedBudget(limits, () => granted, { promptTokens: 60_000, prices: undefined })?.limit, 300_000);
    assert.equal(continueStep(200_000), 100_000);
    assert.equal(continueStep(1), 0.5);
  });

  it('prices the next prompt for a money budget, and checks run before thread before the agent day', () => {
    const limits: BudgetLimit[] = [
      { scope: 'agent_day', unit: 'tokens', limit: 10 },
      { scope: 'run', unit: 'dollars', limit: 1 },
    ];
    const spending = (scope: string): ScopeSpending => (scope === 'run' ? spent(0, 0.9) : spent(50));
    // 100,000 prompt tokens at $2 per million is $0.20: the run's $1 comes first.
    const pause = reachedBudget(limits, spending, { promptTokens: 100_000, prices });
    assert.equal(pause?.scope, 'run');
    assert.equal(pause?.unit, 'dollars');
    assert.ok(Math.abs(pause!.next - 0.2) < 1e-9);
    assert.equal(reachedBudget(limits, spending, { promptTokens: 10_000, prices })?.scope, 'agent_day');
  });

  it('never enforces a money budget without prices, and refuses it when set, with the reason', () => {
    const limits: BudgetLimit[] = [{ scope: 'thread', unit: 'dollars', limit: 0.01 }];
    assert.equal(
      reachedBudget(limits, () => spent(0, 5), { promptTokens: 1_000_000, prices: undefined }),
      undefined,
    );
    assert.match(budgetRefusal(limits[0], { id: 'local' }) ?? '', /'local' has no prices/);
    assert.equal(budgetRefusal(limits[0], { id: 'priced', prices }), undefined);
    assert.equal(budgetRefusal({ scope: 'run', unit: 'tokens', limit: 5 }, { id: 'local' }), undefined);
  });

  it('ignores limits that are zero or unset', () => {
    assert.equal(
      reachedBudget([{ scope: 'run', unit: 'tokens', limit: 0 }], () => spent(1e9), { promptTokens: 1, prices: undefined }),
      undefined,
    );
    assert.equal(
      reachedBudget([], () => none, { promptTokens: 1, prices: undefined }),
      undefined,
    );
  });
});

describe('UsageLedger', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'agent-threads-ledger-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const day = (at: number): string => (at < 200 ? '2026-11-28' : '2026-11-29');
  const call = (at: number, extra: Partial<UsageCall> = {}): UsageCall => ({
    type: 'call',
    at,
    thread_id: 'thread_a',
    run_id: 'run_1',
    agent_id: 'asst_1',
    agent_name: 'Helper',
    profile: 'p',
    prompt_tokens: 100,
    completion_tokens: 20,
    cost: 0.5,
    estimated: false,
    ...extra,
  });

  it('sums by run, thread, agent and local day, keeps grants per scope, and reads it all back after a restart', async () => {
    const file = join(dir, 'usage.jsonl');
    const ledger = new UsageLedger({ file, dayOf: day });
    await ledger.append(call(100));
    await ledger.append(call(300, { run_id: 'run_2', cost: null, estimated: true }));
    await ledger.append(call(301, { thread_id: 'thread_b', run_id: 'run_3', agent_id: 'asst_2', agent_name: 'Other' }));
    await ledger.append({
      type: 'grant',
      at: 302,
      thread_id: 'thread_a',
      run_id: 'run_2',
      agent_id: 'asst_1',
      scope: 'thread',
      unit: 'tokens',
      amount: 1000,
    });

    const check = (l: UsageLedger): void => {
      const key = { runId: 'run_2', threadId: 'thread_a', agentId: 'asst_1', at: 305 };
      assert.deepEqual(l.spending('thread', key), { tokens: 240, dollars: 0.5, estimated: true, granted: { tokens: 1000, dollars: 0 } });
      assert.deepEqual(l.spending('run', key), { tokens: 120, dollars: 0, estimated: true, granted: { tokens: 0, dollars: 0 } });
      // The agent's day is today's calls only: yesterday's 120 tokens do not count.
      assert.equal(l.spending('agent_day', key).tokens, 120);
      assert.deepEqual(l.threadTotals('thread_a'), { calls: 2, tokens: 240, dollars: 0.5, unpriced: 1, estimated: true });
      // The tree's agent tooltip: today's calls and every day's, from the same sums as the Usage view.
      assert.deepEqual(l.agentDayTotals('asst_1', 305), { calls: 1, tokens: 120, dollars: 0, unpriced: 1, estimated: true });
      assert.deepEqual(l.agentDayTotals('asst_1', 100), { calls: 1, tokens: 120, dollars: 0.5, unpriced: 0, estimated: false });
      assert.deepEqual(l.agentDayTotals('asst_3', 305), { calls: 0, tokens: 0, dollars: 0, unpriced: 0, estimated: false });
      assert.deepEqual(l.agentTotals('asst_1'), { calls: 2, tokens: 240, dollars: 0.5, unpriced: 1, estimated: true });
      assert.deepEqual(
        l.rows().map((row) => [row.day, row.agent_name, row.tokens]),
        [
          ['2026-11-29', 'Helper', 120],
          ['2026-11-29', 'Other', 120],
          ['2026-11-28', 'Helper', 120],
        ],
      );
    };
    check(ledger);
    await fs.appendFile(file, '{torn line\n');
    const reopened = new UsageLedger({ file, dayOf: day });
    await reopened.load();
    check(reopened);
  });
});
