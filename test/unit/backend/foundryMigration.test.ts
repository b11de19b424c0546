// From Foundry's classic agents to the new ones, in one project: Upgrade Classic Agent, against the fake service that
// serves both APIs (the classic assistants through @azure/ai-agents, the new agents through @azure/ai-projects).

import * as assert from 'node:assert/strict';
import { FoundryAgentsBackend, FoundryBackend, upgradeClassicAgent, UPGRADED_FROM_KEY } from '../../../src/core/backend/foundry';
import { exportThreadJson, importThreadJson } from '../../../src/core/backend/threadExport';
import { messageText } from '../../../src/core/domain/message';
import { createAgentsClient } from '../../../src/core/backend/foundry/foundryClient';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import { ToolRegistry } from '../../../src/core/tools/toolRegistry';
import { silentLogger } from '../../../src/core/util/logger';
import { startFakeFoundryServer, type FakeFoundryServer } from '../../fixtures/fakeFoundryServer';

type Coded = Error & { code?: string };
const KEY = 'migration-key';

describe('Foundry: from classic agents to new ones in the same project', function () {
  this.timeout(20_000);
  let service: FakeFoundryServer;
  let classic: FoundryBackend;
  let next: FoundryAgentsBackend;
  let tools: ToolRegistry;

  beforeEach(async () => {
    service = await startFakeFoundryServer({ apiKey: KEY });
    tools = new ToolRegistry();
    for (const tool of builtinTools()) tools.register(tool);
    const connection = { endpoint: service.endpoint, auth: { kind: 'apiKey' as const, key: async () => KEY } };
    classic = new FoundryBackend(connection, tools, silentLogger);
    next = new FoundryAgentsBackend(connection, tools, silentLogger);
  });
  afterEach(async () => {
    classic.dispose();
    next.dispose();
    await service.close();
  });

  /** A classic assistant as the portal makes them: with a service-side tool, its files, and a function of its own. */
  const portalAssistant = () =>
    createAgentsClient({ endpoint: service.endpoint, auth: { kind: 'apiKey', key: async () => KEY } }).createAgent('gpt-4o', {
      name: 'Support Bot',
      instructions: 'Answer support questions.',
      temperature: 0.3,
      tools: [
        { type: 'code_interpreter' },
        { type: 'function', function: { name: 'echo', description: 'Echoes', parameters: { type: 'object' } } },
        { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } } },
      ],
      toolResources: { codeInterpreter: { fileIds: ['file_1', 'file_2'] } },
      metadata: { team: 'support' },
    });

  it('Upgrade Classic Agent makes a new agent (version 1) of a classic one, and names what it could not carry over', async () => {
    const assistant = await portalAssistant();
    const { agent, notCarried } = await upgradeClassicAgent(classic, next, assistant.id, tools);
    assert.equal(agent.id, 'Support-Bot');
    assert.equal(agent.name, 'Support Bot');
    assert.equal(agent.version, 1);
    assert.equal(agent.instructions, 'Answer support questions.');
    assert.equal(agent.temperature, 0.3);
    assert.deepEqual(
      agent.tools.map((t) => t.name),
      ['echo'],
    );
    assert.equal(agent.metadata.team, 'support');
    assert.equal(agent.metadata[UPGRADED_FROM_KEY], assistant.id);
    assert.equal(notCarried.length, 3);
    assert.match(notCarried.join('\n'), /code_interpreter tool/);
    assert.match(notCarried.join('\n'), /'get_weather'/);
    assert.match(notCarried.join('\n'), /2 code interpreter file/);
    // The new version went through the agents API as the SDK sends it; the classic assistant is untouched.
    const created = service.requests.find((r) => r.method === 'POST' && r.path.endsWith('/agents/Support-Bot/versions'));
    assert.equal(created?.query['api-version'], 'v1');
    assert.equal((await classic.agents.get(assistant.id)).name, 'Support Bot');
  });

  it('refuses to upgrade onto a new agent of the same name rather than add a version to it', async () => {
    const assistant = await portalAssistant();
    await next.agents.create({ name: 'Support Bot', model: { profile: 'foundry', name: 'gpt-4o' }, instructions: 'Mine.' });
    await assert.rejects(
      upgradeClassicAgent(classic, next, assistant.id, tools),
      (e: Coded) => e.code === 'foundry_conflict' && /exists already/.test(e.message),
    );
    assert.equal((await next.agents.get('Support-Bot')).version, 1, 'the existing agent got no new version');
  });

  it('a classic thread copied into a conversation keeps every message as an item, in order, and the classic one stays', async () => {
    const texts = Array.from({ length: 45 }, (_, i) => `turn ${i + 1} ✓`);
    const original = await classic.threads.create({
      title: 'Billing question',
      messages: texts.map((value, i) => ({
        role: i % 2 ? ('assistant' as const) : ('user' as const),
        content: [{ type: 'text' as const, text: { value } }],
      })),
    });
    const conversation = await importThreadJson(next.threads, await exportThreadJson(classic.threads, original.id));
    const copied = await exportThreadJson(next.threads, conversation.id);
    assert.equal(copied.thread.title, 'Billing question');
    assert.deepEqual(copied.messages.data.map(messageText), texts);
    assert.deepEqual(
      copied.messages.data.map((m) => m.role),
      texts.map((_, i) => (i % 2 ? 'assistant' : 'user')),
    );
    const items = service.requests.filter((r) => r.method === 'POST' && /\/openai\/v1\/conversations/.test(r.path));
    assert.ok(items.length > 0, 'the messages went to the conversations API as items');
    assert.equal((await exportThreadJson(classic.threads, original.id)).messages.data.length, 45, 'the classic thread is untouched');
  });

  it("a copied thread keeps its messages' times and its answers name the agent, also when read in another window", async () => {
    const agent = await next.agents.create({ name: 'Billing Helper', model: { profile: 'foundry', name: 'gpt-4o' } });
    const original = await classic.threads.create({
      title: 'Refunds',
      messages: ['Why was I billed twice?', 'Echo: Why was I billed twice?', 'And the refund?', 'Echo: And the refund?'].map(
        (value, i) => ({
          role: i % 2 ? ('assistant' as const) : ('user' as const),
          content: [{ type: 'text' as const, text: { value } }],
        }),
      ),
    });
    // Written over two days (the fake classic service stamps every message with the second it was made).
    const times = [1_763_000_000, 1_763_000_030, 1_763_090_000, 1_763_090_002];
    const exported = await exportThreadJson(classic.threads, original.id);
    exported.messages.data = exported.messages.data.map((message, i) => ({ ...message, created_at: times[i] }));
    const conversation = await importThreadJson(next.threads, { ...exported, thread: { ...exported.thread, agent_id: agent.id } });

    const elsewhere = new FoundryAgentsBackend(
      { endpoint: service.endpoint, auth: { kind: 'apiKey', key: async () => KEY } },
      tools,
      silentLogger,
    );
    try {
      for (const reader of [next, elsewhere]) {
        const read = (await reader.threads.listMessages(conversation.id, { order: 'desc', limit: 20 })).data.reverse();
        assert.deepEqual(
          read.map((m) => m.created_at),
          times,
        );
        assert.deepEqual(
          read.map((m) => m.assistant_id),
          [null, agent.id, null, agent.id],
        );
      }
      assert.equal(Object.keys((await elsewhere.threads.get(conversation.id)).metadata).length, 0, 'the times are not thread metadata');
    } finally {
      elsewhere.dispose();
    }
  });

  it('a message added to a conversation shows when it was added, not the Unix epoch', async () => {
    const conversation = await next.threads.create({ title: 'New' });
    const before = Math.floor(Date.now() / 1000);
    const [added] = await next.threads.appendMessages(conversation.id, [
      { role: 'user', content: [{ type: 'text', text: { value: 'Hello' } }] },
    ]);
    const [read] = (await next.threads.listMessages(conversation.id)).data;
    for (const message of [added, read])
      assert.ok(message.created_at >= before && message.created_at <= before + 5, String(message.created_at));
  });
});
