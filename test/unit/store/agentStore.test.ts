import assert from 'node:assert/strict';
import type { AgentInput, AgentUpdate } from '../../../src/core/domain/agent';
import { AgentStore, type AgentChange } from '../../../src/core/store/agentStore';
import { makeTempDir, removeTempDir } from './helpers';

const base: AgentInput = {
  name: 'Reviewer',
  model: { profile: 'azure', name: 'gpt-4o' },
  instructions: 'Review code.',
  tools: [{ name: 'read_file' }],
};

describe('AgentStore', () => {
  let root: string;
  let store: AgentStore;
  beforeEach(async () => {
    root = await makeTempDir();
    store = new AgentStore(root, new Set(['read_file', 'run_command']));
  });
  afterEach(async () => {
    store.dispose();
    await removeTempDir(root);
  });

  it('creates, gets, lists and deletes agents, firing change events', async () => {
    const changes: AgentChange['type'][] = [];
    store.onDidChangeAgents((change) => changes.push(change.type));
    const agent = await store.create(base);
    assert.match(agent.id, /^asst_[A-Za-z0-9]+$/);
    assert.equal(agent.version, 1);
    assert.deepEqual(agent.truncation_strategy, { type: 'auto' });
    const other = await store.create({ ...base, name: 'Architect' });
    const reopened = new AgentStore(root, new Set(['read_file']));
    assert.deepEqual(await reopened.get(agent.id), agent);
    assert.deepEqual(
      (await reopened.list()).map((a) => a.name),
      ['Architect', 'Reviewer'],
    );
    await store.delete(other.id);
    await assert.rejects(store.get(other.id), { code: 'agent_not_found' });
    assert.deepEqual(changes, ['created', 'created', 'deleted']);
  });

  it('writes a new version on each update and keeps the older ones', async () => {
    const agent = await store.create(base);
    await store.update(agent.id, { temperature: 0.2 });
    const latest = await store.update(agent.id, {
      instructions: 'Review carefully.',
      approval_policy: { run_command: 'ask' },
      tools: [{ name: 'run_command' }],
    });
    assert.equal(latest.version, 3);
    assert.equal(latest.created_at, agent.created_at);
    assert.deepEqual(
      (await store.listVersions(agent.id)).map((a) => [a.version, a.instructions, a.temperature]),
      [
        [1, 'Review code.', null],
        [2, 'Review code.', 0.2],
        [3, 'Review carefully.', 0.2],
      ],
    );
    assert.equal((await store.getVersion(agent.id, 1)).instructions, 'Review code.');
    assert.equal((await store.get(agent.id)).version, 3);
    await assert.rejects(store.getVersion(agent.id, 9), { code: 'agent_not_found' });
  });

  const invalid: [string, AgentUpdate][] = [
    ['empty name', { name: '  ' }],
    ['unknown tool', { tools: [{ name: 'format_disk' }] }],
    ['temperature above 2', { temperature: 2.5 }],
    ['negative temperature', { temperature: -0.1 }],
    ['top_p above 1', { top_p: 1.2 }],
    ['negative max_prompt_tokens', { max_prompt_tokens: -1 }],
    ['negative max_completion_tokens', { max_completion_tokens: -5 }],
    ['last_messages of 0', { truncation_strategy: { type: 'last_messages', last_messages: 0 } }],
    ['unknown truncation type', { truncation_strategy: { type: 'middle' } as unknown as AgentUpdate['truncation_strategy'] }],
    ['bad approval policy', { approval_policy: { read_file: 'maybe' as 'ask' } }],
  ];
  for (const [label, update] of invalid) {
    it(`rejects an agent with ${label} (invalid_agent) on create and update`, async () => {
      await assert.rejects(store.create({ ...base, ...update } as AgentInput), { code: 'invalid_agent' });
      const agent = await store.create(base);
      await assert.rejects(store.update(agent.id, update), { code: 'invalid_agent' });
      assert.equal((await store.get(agent.id)).version, 1, 'a rejected update writes nothing');
    });
  }

  it('rejects hostile agent ids', async () => {
    for (const id of ['../x', '/tmp', 'asst_../../x', 'asst_abc\u0000defgh']) {
      await assert.rejects(store.get(id), { code: 'invalid_id' });
      await assert.rejects(store.delete(id), { code: 'invalid_id' });
    }
  });
});
