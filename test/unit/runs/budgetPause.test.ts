import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { type BudgetLimit, RunBudgets, UsageLedger } from '../../../src/core/budgets';
import { messageText } from '../../../src/core/domain/message';
import type { Run } from '../../../src/core/domain/run';
import type { RunEngine } from '../../../src/core/runs';
import { EventLog, type Harness, startHarness, userText } from './helpers';

describe('RunEngine budgets', () => {
  let h: Harness;
  let limits: BudgetLimit[];
  let engine: RunEngine;
  let log: EventLog;
  const budgetsFor = (): RunBudgets =>
    new RunBudgets({ ledger: new UsageLedger({ file: join(h.dir, 'usage.jsonl') }), limits: () => limits });
  beforeEach(async () => {
    h = await startHarness();
    limits = [{ scope: 'thread', unit: 'tokens', limit: 1_000 }];
    engine = h.newEngine({ budgets: budgetsFor() });
    log = new EventLog(engine);
  });
  afterEach(() => h.close());

  /** A thread whose first run used 995 of its 1,000 tokens, so the next call would go past the budget. */
  async function threadNearItsBudget(): Promise<{ threadId: string; agentId: string }> {
    const agent = await h.agent();
    const threadId = await h.thread('first');
    h.server.script({ kind: 'text', text: 'one', usage: { prompt_tokens: 990, completion_tokens: 5 } });
    const first = await engine.createRun(threadId, agent.id);
    assert.equal((await log.waitForEnd(first.id)).status, 'completed');
    await h.threads.appendMessages(threadId, [userText('second')]);
    return { threadId, agentId: agent.id };
  }

  async function waitForOwnerRelease(threadId: string): Promise<void> {
    for (;;) {
      const metadata = (await h.threads.get(threadId)).metadata;
      if (metadata.active_run && !('active_run_owner' in metadata)) return;
      let listener: { dispose(): void } | undefined;
      await new Promise((resolve) => (listener = h.threads.onDidChangeThreads(resolve)));
      listener?.dispose();
    }
  }

  async function pausedRun(threadId: string, agentId: string, on = engine, events = log): Promise<Run> {
    const run = await on.createRun(threadId, agentId);
    return (await events.waitForEvent(run.id, 'thread.run.requires_action')).data as Run;
  }

  it('pauses before the model call that would pass the thread budget, and Continue lets that call happen', async () => {
    const { threadId, agentId } = await threadNearItsBudget();
    const paused = await pausedRun(threadId, agentId);
    assert.equal(h.server.requests.length, 1, 'no model call was made for the paused run');
    assert.equal(paused.status, 'requires_action');
    assert.equal(paused.expires_at, null);
    const action = paused.required_action;
    assert.equal(action?.type, 'budget_exceeded');
    assert.deepEqual(action.type === 'budget_exceeded' && { ...action.budget_exceeded, next: 0 }, {
      scope: 'thread',
      unit: 'tokens',
      limit: 1_000,
      used: 995,
      next: 0,
      step: 500,
      estimated: false,
    });
    assert.equal((await h.threads.getRun(threadId, paused.id)).status, 'requires_action', 'the pause is saved');

    h.server.script({ kind: 'text', text: 'two', usage: { prompt_tokens: 30, completion_tokens: 5 } });
    await engine.decideBudget(threadId, paused.id, 'continue');
    assert.equal((await log.waitForEnd(paused.id)).status, 'completed');
    assert.equal(h.server.requests.length, 2);
  });

  it('Stop ends the paused run cancelled with the budget as its reason, without a model call', async () => {
    const { threadId, agentId } = await threadNearItsBudget();
    const paused = await pausedRun(threadId, agentId);
    const stopped = await engine.decideBudget(threadId, paused.id, 'stop');
    assert.equal(stopped.status, 'cancelled');
    assert.deepEqual(stopped.last_error, { code: 'budget_exceeded', message: 'Stopped at the 1,000-token thread budget.' });
    assert.deepEqual((await h.threads.getRun(threadId, paused.id)).last_error, stopped.last_error);
    assert.equal(h.server.requests.length, 1);
    assert.equal(engine.activeRun(threadId), undefined);
  });

  it('keeps the pause across a restart: the next session waits at the same budget and Continue resumes the run', async () => {
    const { threadId, agentId } = await threadNearItsBudget();
    const paused = await pausedRun(threadId, agentId);
    // Owned by no process while it waits, so a new session adopts it even while the old one lingers.
    await waitForOwnerRelease(threadId);
    await engine.stop();

    const restarted = h.newEngine({ budgets: budgetsFor() });
    const events = new EventLog(restarted);
    assert.deepEqual(await restarted.recoverInterruptedRuns(), [], 'a run paused at a budget is not interrupted');
    assert.equal(restarted.activeRun(threadId)?.status, 'requires_action');
    assert.equal((await h.threads.getRun(threadId, paused.id)).status, 'requires_action');

    h.server.script({ kind: 'text', text: 'two', usage: { prompt_tokens: 30, completion_tokens: 5 } });
    await restarted.decideBudget(threadId, paused.id, 'continue');
    const ended = await events.waitForEnd(paused.id);
    assert.equal(ended.status, 'completed');
    assert.equal(ended.usage?.total_tokens, 35);
  });

  it('a restarted engine adopts the pause when the user decides before the start-up pass reached the thread', async () => {
    const { threadId, agentId } = await threadNearItsBudget();
    const paused = await pausedRun(threadId, agentId);
    await engine.stop();
    const restarted = h.newEngine({ budgets: budgetsFor() });
    const stopped = await restarted.decideBudget(threadId, paused.id, 'stop');
    assert.equal(stopped.status, 'cancelled');
    assert.equal(stopped.last_error?.code, 'budget_exceeded');
  });

  it('counts tokens with the tokenizer when the provider reports no usage, and says they are estimates', async () => {
    limits = [{ scope: 'run', unit: 'tokens', limit: 1_000_000 }];
    const agent = await h.agent();
    const threadId = await h.thread('hello there');
    h.server.script({ kind: 'text', text: 'a short answer', usage: 'none' });
    const run = await engine.createRun(threadId, agent.id);
    const ended = await log.waitForEnd(run.id);
    assert.equal(ended.usage, null, 'the provider reported nothing');
    const ledger = new UsageLedger({ file: join(h.dir, 'usage.jsonl') });
    await ledger.load();
    const totals = ledger.threadTotals(threadId);
    assert.equal(totals.estimated, true);
    assert.ok(totals.tokens > 3 && totals.tokens < 100, `estimated ${totals.tokens} tokens`);
  });

  it('ends a response (which cannot wait) incomplete with reason budget_exceeded', async () => {
    limits = [{ scope: 'run', unit: 'tokens', limit: 1 }];
    const agent = await h.agent();
    const threadId = await h.thread('hello');
    const run = await engine.createRun(threadId, agent.id, {
      response: {
        client_tools: [],
        tool_choice: 'auto',
        parallel_tool_calls: true,
        background: false,
        store: true,
        previous_response_id: null,
        conversation_id: null,
        agent: null,
        instructions: null,
        max_output_tokens: null,
        truncation: 'disabled',
        input_message_ids: [],
        answered_calls: [],
      },
    });
    const ended = await log.waitForEnd(run.id);
    assert.equal(ended.status, 'incomplete');
    assert.deepEqual(ended.incomplete_details, { reason: 'budget_exceeded' });
    assert.equal(h.server.requests.length, 0);
    const [said] = await h.threads.readNewest(threadId, 1);
    assert.equal(said.run_id, run.id);
    assert.match(messageText(said), /^The 1-token run budget is reached\. Raise it/);
  });
});
