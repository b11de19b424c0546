import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCosts, ServiceRunUsage, UsageLedger } from '../../../src/core/budgets';
import type { Run } from '../../../src/core/domain/run';
import { sampleRun } from '../store/helpers';

const usage = (prompt: number, completion: number) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

/** A run a Foundry project ran, ended as `status` with `usage`. */
function serviceRun(id: string, status: Run['status'], tokens = usage(1_000_000, 500_000)): Run {
  return {
    ...sampleRun('thread_svc', status),
    id,
    assistant_id: 'support-bot',
    model: { profile: 'foundry', name: 'gpt-4.1' },
    usage: tokens,
    completed_at: status === 'completed' ? 200 : null,
  };
}

describe('usage of runs a service ran', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'agent-threads-service-usage-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('records a run once when it ends, with its agent, tokens and cost at the prices of that moment, and reads it back', async () => {
    const file = join(dir, 'usage.jsonl');
    const ledger = new UsageLedger({ file });
    let prices = { input: 2, output: 8 };
    const recorder = new ServiceRunUsage({ ledger, agentName: async () => 'Support Bot', pricesOf: () => prices });

    assert.equal(await recorder.record({ ...serviceRun('run_a', 'in_progress'), usage: null }), false, 'still running: nothing yet');
    const saves = await Promise.all([recorder.record(serviceRun('run_a', 'completed')), recorder.record(serviceRun('run_a', 'completed'))]);
    assert.deepEqual(saves.filter(Boolean).length, 1, 'two saves of the same end are one record');
    assert.equal(await recorder.record(serviceRun('run_a', 'completed')), false, 'a later save of the same run adds nothing');

    const run = ledger.runTotals('run_a');
    assert.deepEqual(run, { calls: 1, tokens: 1_500_000, dollars: 2 + 4, unpriced: 0, estimated: false });
    assert.equal(ledger.rows()[0].agent_name, 'Support Bot');

    // The price goes up later: what was spent stays what it cost then, also after a restart.
    prices = { input: 20, output: 80 };
    const reopened = new UsageLedger({ file });
    await reopened.load();
    assert.equal(reopened.threadTotals('thread_svc').dollars, 6);
    assert.equal(
      await new ServiceRunUsage({ ledger: reopened, agentName: async () => 'x', pricesOf: () => prices }).record(
        serviceRun('run_a', 'failed'),
      ),
      false,
    );
  });

  it('records a failed or cancelled run that used tokens, without cost when the deployment has no prices, and names a deleted agent by id', async () => {
    const ledger = new UsageLedger({ file: join(dir, 'usage.jsonl') });
    const recorder = new ServiceRunUsage({ ledger, agentName: () => Promise.reject(new Error('gone')), pricesOf: () => undefined });
    assert.equal(await recorder.record(serviceRun('run_f', 'failed', usage(10, 0))), true);
    assert.equal(await recorder.record(serviceRun('run_c', 'cancelled', usage(5, 1))), true);
    assert.deepEqual(ledger.threadTotals('thread_svc'), { calls: 2, tokens: 16, dollars: 0, unpriced: 2, estimated: false });
    assert.equal(ledger.rows()[0].agent_name, 'support-bot');
  });
});

describe('what Run Details says a run cost', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'agent-threads-run-costs-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it("reads the cost of recorded calls from the ledger, not at today's prices", async () => {
    const ledger = new UsageLedger({ file: join(dir, 'usage.jsonl') });
    const then = { input: 2, output: 8 };
    await new ServiceRunUsage({ ledger, agentName: async () => 'Bot', pricesOf: () => then }).record(serviceRun('run_a', 'completed'));
    const today = { input: 200, output: 800 };
    const costs = runCosts(serviceRun('run_a', 'completed'), [serviceRun('run_a', 'completed')], ledger, () => today);
    assert.deepEqual(costs, { run: 6, thread: 6, atTodaysPrices: false });
  });

  it("costs runs the ledger has no price for at today's prices, and says so", async () => {
    const ledger = new UsageLedger({ file: join(dir, 'usage.jsonl') });
    const recorder = new ServiceRunUsage({ ledger, agentName: async () => 'Bot', pricesOf: () => undefined });
    await recorder.record(serviceRun('run_unpriced', 'completed'));
    const earlier = serviceRun('run_before_the_ledger', 'completed', usage(1_000_000, 0));
    const run = serviceRun('run_unpriced', 'completed');
    assert.equal(
      runCosts(run, [earlier, run], ledger, () => undefined),
      undefined,
      'no prices anywhere: no cost',
    );
    assert.deepEqual(
      runCosts(run, [earlier, run], ledger, () => ({ input: 1, output: 1 })),
      {
        run: 1.5,
        thread: 2.5,
        atTodaysPrices: true,
      },
    );
  });
});
