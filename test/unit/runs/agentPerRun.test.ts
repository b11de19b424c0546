// A thread does not belong to an agent; a run does: each run, and each answer it writes, records the agent and the
// agent version it ran with, so one thread can hold answers from several agents and from several versions of one.

import { strict as assert } from 'node:assert';
import type { Message } from '../../../src/core/domain/message';
import { type Harness, startHarness, userText } from './helpers';

describe('RunEngine: the agent of each run', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  async function answersOf(threadId: string): Promise<Message[]> {
    const page = await h.threads.listMessages(threadId, { order: 'asc', limit: 100 });
    return page.data.filter((message) => message.role === 'assistant');
  }

  it('records the agent version a run used, in the run and in its answer; a later save makes the next run use the new version', async () => {
    const agent = await h.agent();
    const threadId = await h.thread('First question');
    h.server.script({ kind: 'text', text: 'First answer.' });
    const first = await h.engine.createRun(threadId, agent.id);
    await h.log.waitForEnd(first.id);

    const edited = await h.agents.update(agent.id, { instructions: 'You are terse.' });
    assert.notEqual(edited.version, agent.version, 'a save makes a new version');
    await h.threads.appendMessage(threadId, userText('Second question'));
    h.server.script({ kind: 'text', text: 'Second answer.' });
    const second = await h.engine.createRun(threadId, agent.id);
    await h.log.waitForEnd(second.id);

    const runs = await Promise.all([first, second].map((run) => h.threads.getRun(threadId, run.id)));
    assert.deepEqual(
      runs.map((run) => [run.assistant_id, run.assistant_version]),
      [
        [agent.id, agent.version],
        [agent.id, edited.version],
      ],
    );
    const answers = await answersOf(threadId);
    assert.deepEqual(
      answers.map((message) => [message.run_id, message.assistant_id, message.assistant_version]),
      [
        [first.id, agent.id, agent.version],
        [second.id, agent.id, edited.version],
      ],
    );
  });

  it('lets another agent answer the next message of the same thread, on its own model, without moving the thread', async () => {
    const alpha = await h.agent({ name: 'Alpha', model: { profile: 'fake', name: 'fake-model' } });
    const beta = await h.agent({ name: 'Beta', model: { profile: 'fake', name: 'beta-model' } });
    const thread = await h.threads.create({ agent_id: alpha.id, messages: [userText('Ask Alpha')] });
    h.server.script({ kind: 'text', text: 'Alpha here.' });
    await h.log.waitForEnd((await h.engine.createRun(thread.id, alpha.id)).id);
    await h.threads.appendMessage(thread.id, userText('Ask Beta'));
    h.server.script({ kind: 'text', text: 'Beta here.' });
    await h.log.waitForEnd((await h.engine.createRun(thread.id, beta.id)).id);

    const answers = await answersOf(thread.id);
    assert.deepEqual(
      answers.map((message) => [message.assistant_id, message.assistant_version]),
      [
        [alpha.id, alpha.version],
        [beta.id, beta.version],
      ],
    );
    const models = h.server.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body?.model);
    assert.deepEqual(models, ['fake-model', 'beta-model'], 'each run called its own agent’s model');
    assert.equal((await h.threads.get(thread.id)).agent_id, alpha.id, 'the thread stays with the agent it was created with');
  });
});
