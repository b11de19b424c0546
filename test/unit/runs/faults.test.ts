import { strict as assert } from 'node:assert';
import { messageText } from '../../../src/core/domain/message';
import type { Run } from '../../../src/core/domain/run';
import { faults, type ScriptedReply } from '../../fixtures/fakeModelServer';
import { type Harness, sentMessages, startHarness, testApiKey } from './helpers';

describe('RunEngine cancel and model faults', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  async function runWith(...replies: ScriptedReply[]): Promise<{ threadId: string; run: Run; ended: Run }> {
    const agent = await h.agent();
    const threadId = await h.thread('hello');
    h.server.script(...replies);
    const run = await h.engine.createRun(threadId, agent.id);
    return { threadId, run, ended: await h.log.waitForEnd(run.id) };
  }

  it('cancels mid-stream within a second, keeping the partial text on an incomplete message', async () => {
    const agent = await h.agent();
    const threadId = await h.thread('tell me a story');
    h.server.script({ kind: 'stall', text: 'Once upon a time there was', afterChunks: 3 });
    const run = await h.engine.createRun(threadId, agent.id);
    await h.log.waitFor(
      (e) =>
        e.run_id === run.id &&
        e.event === 'thread.message.delta' &&
        h.log.namesOf(run.id).filter((n) => n === 'thread.message.delta').length === 3,
    );
    const started = Date.now();
    const cancelled = await h.engine.cancelRun(threadId, run.id);
    const elapsed = Date.now() - started;
    assert.equal(cancelled.status, 'cancelled');
    assert.ok(elapsed < 1000, `cancel took ${elapsed} ms`);
    assert.equal(await h.server.requests[0].ended, 'client_closed', 'the HTTP request was aborted');
    const [message] = await h.threads.readNewest(threadId, 1);
    assert.equal(message.status, 'incomplete');
    assert.deepEqual(message.incomplete_details, { reason: 'run_cancelled' });
    assert.equal(messageText(message), 'Once upon a');
    const names = h.log.namesOf(run.id);
    assert.deepEqual(names.slice(names.indexOf('thread.run.cancelling')), [
      'thread.run.cancelling',
      'thread.message.incomplete',
      'thread.run.step.cancelled',
      'thread.run.cancelled',
    ]);
    assert.equal((await h.threads.getRun(threadId, run.id)).status, 'cancelled');
  });

  it('cancels a run before it has started streaming', async () => {
    const agent = await h.agent();
    const threadId = await h.thread('hi');
    const run = await h.engine.createRun(threadId, agent.id);
    const cancelled = await h.engine.cancelRun(threadId, run.id);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.last_error, null);
    assert.equal(h.engine.activeRun(threadId), undefined);
    assert.equal((await h.threads.getRun(threadId, run.id)).status, 'cancelled');
    // Cancelling a finished run changes nothing.
    assert.equal((await h.engine.cancelRun(threadId, run.id)).status, 'cancelled');
  });

  it('cancels a run waiting for approval', async () => {
    await h.close();
    h = await startHarness({
      tools: [
        { name: 'risky', description: 'changes things', parameters: { type: 'object' }, readOnly: false, invoke: async () => 'done' },
      ],
    });
    const agent = await h.agent({ tools: [{ name: 'risky' }] });
    const threadId = await h.thread('do it');
    h.server.script({ kind: 'tool_calls', calls: [{ name: 'risky', arguments: '{}' }] });
    const run = await h.engine.createRun(threadId, agent.id);
    await h.log.waitForEvent(run.id, 'thread.run.requires_action');
    assert.equal((await h.engine.cancelRun(threadId, run.id)).status, 'cancelled');
    const steps = await h.threads.listRunSteps(threadId, run.id);
    assert.deepEqual(
      steps.map((s) => [s.type, s.status]),
      [['tool_calls', 'cancelled']],
    );
    const [message] = await h.threads.readNewest(threadId, 1);
    assert.match(message.tool_calls![0].function.output!, /cancelled/);
  });

  it('fails with invalid_api_key on 401, without the key in the error', async () => {
    const { ended } = await runWith(faults.unauthorized());
    assert.equal(ended.status, 'failed');
    assert.equal(ended.last_error?.code, 'invalid_api_key');
    assert.ok(!ended.last_error!.message.includes(testApiKey));
    assert.match(ended.last_error!.message, /API key/);
  });

  it('fails with model_not_found on 404', async () => {
    const { ended } = await runWith(faults.modelNotFound('fake-model'));
    assert.equal(ended.last_error?.code, 'model_not_found');
  });

  it('fails with context_length_exceeded on a 400 about context length', async () => {
    const { ended } = await runWith(faults.contextLengthExceeded());
    assert.equal(ended.last_error?.code, 'context_length_exceeded');
    assert.match(ended.last_error!.message, /new thread/);
  });

  it('fails with rate_limit_exceeded once 429 retries are exhausted', async () => {
    const limited = faults.rateLimited({ ms: 1 });
    const { ended } = await runWith(limited, limited, limited, limited);
    assert.equal(ended.last_error?.code, 'rate_limit_exceeded');
    assert.equal(h.server.requests.length, 4);
  });

  it('fails with server_error after a 500 storm, marking a started message incomplete', async () => {
    const broken: ScriptedReply = {
      kind: 'stream_error',
      text: 'partial answer here',
      afterChunks: 2,
      error: { message: 'overloaded', type: 'server_error' },
    };
    const { threadId, ended } = await runWith(broken, faults.serverError(), faults.serverError(), faults.serverError());
    assert.equal(ended.status, 'failed');
    assert.equal(ended.last_error?.code, 'server_error');
    const [message] = await h.threads.readNewest(threadId, 1);
    assert.equal(message.role, 'assistant');
    assert.equal(message.status, 'incomplete');
    assert.deepEqual(message.incomplete_details, { reason: 'run_failed' });
    const steps = await h.threads.listRunSteps(threadId, ended.id);
    assert.equal(steps[0].status, 'failed');
  });

  it('completes after a dropped connection, keeping only the text of the successful attempt', async () => {
    const { threadId, run, ended } = await runWith(
      { kind: 'drop_connection', text: 'lost words here', afterChunks: 2 },
      { kind: 'text', text: 'Complete answer.' },
    );
    assert.equal(ended.status, 'completed');
    const [message] = await h.threads.readNewest(threadId, 1);
    assert.equal(messageText(message), 'Complete answer.');
    // The discarded attempt is retracted by a fresh in_progress snapshot with empty content.
    const resets = h.log.events.filter((e) => e.run_id === run.id && e.event === 'thread.message.in_progress');
    assert.equal(resets.length, 2);
    assert.equal(h.server.requests.length, 2);
    assert.equal(sentMessages(h.server, 1).length, 2, 'the retry sends the same context');
  });
});
