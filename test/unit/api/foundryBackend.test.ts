import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { FoundryBackend } from '../../../src/core/backend/foundry';
import { ToolRegistry } from '../../../src/core/tools/toolRegistry';
import { silentLogger } from '../../../src/core/util/logger';
import { type FakeFoundryServer, startFakeFoundryServer } from '../../fixtures/fakeFoundryServer';
import { type ApiHarness, startApiHarness, unparsed } from './apiHarness';

/** The API while the workspace's active backend is a Foundry project: the real FoundryBackend against the fake service. */
describe('local agent API: while the workspace uses a Foundry project', function () {
  this.timeout(20_000);
  const key = 'foundry-test-key-0123456789';
  let h: ApiHarness;
  let service: FakeFoundryServer;
  let foundry: FoundryBackend;
  let foundryActive: boolean;

  beforeEach(async () => {
    service = await startFakeFoundryServer({ apiKey: key });
    foundry = new FoundryBackend(
      { endpoint: service.endpoint, auth: { kind: 'apiKey', key: async () => key } },
      new ToolRegistry(),
      silentLogger,
    );
    foundryActive = true;
    h = await startApiHarness({ api: { remoteBackend: () => (foundryActive ? foundry : undefined) } });
  });
  afterEach(async () => {
    await h.close();
    foundry.dispose();
    await service.close();
  });

  const projectAgent = (): ReturnType<FoundryBackend['agents']['create']> =>
    foundry.agents.create({ name: 'Project helper', model: { profile: 'foundry', name: 'gpt-4o' }, instructions: 'Be brief.' });
  const serviceRuns = (): string[] =>
    service.requests.filter((r) => r.method === 'POST' && /\/threads\/[^/]+\/runs$/.test(r.path)).map((r) => r.path);
  const unsupported =
    (pattern: RegExp) =>
    (error: unknown): boolean =>
      error instanceof OpenAI.BadRequestError && error.code === 'unsupported_on_backend' && pattern.test(error.message);

  it("lists the project's agents and threads, not the workspace's local ones", async () => {
    await h.thread('a local thread');
    const agent = await projectAgent();
    const remoteThread = await foundry.threads.create({
      agent_id: agent.id,
      messages: [{ role: 'user', content: [{ type: 'text', text: { value: 'hello there' } }] }],
    });

    const assistants = await h.client.beta.assistants.list();
    assert.deepEqual(
      assistants.data.map((a) => [a.id, a.name, a.model]),
      [[agent.id, 'Project helper', 'foundry/gpt-4o']],
    );
    const thread = await h.client.beta.threads.retrieve(remoteThread.id);
    assert.equal(thread.id, remoteThread.id);
    const messages = await h.client.beta.threads.messages.list(remoteThread.id);
    assert.deepEqual(
      messages.data.map((m) => (m.content[0] as { text: { value: string } }).text.value),
      ['hello there'],
    );
    const conversation = await h.client.conversations.retrieve(remoteThread.id.replace(/^thread_/, 'conv_'));
    const items = await h.client.conversations.items.list(conversation.id);
    assert.deepEqual(
      items.data.map((item) => item.type === 'message' && item.content[0].type === 'input_text' && item.content[0].text),
      ['hello there'],
    );
  });

  it("creates threads and conversations in the project, where the project's thread list shows them", async () => {
    const thread = await h.client.beta.threads.create({
      messages: [{ role: 'user', content: 'from a script' }],
      metadata: { by: 'script' },
    });
    const conversation = await h.client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'also from a script' }] });
    const listed = (await foundry.threads.list()).map((t) => t.id);
    assert.ok(listed.includes(thread.id), 'the Assistants thread is a thread of the project');
    assert.ok(listed.includes(conversation.id.replace(/^conv_/, 'thread_')), 'the conversation is a thread of the project');
    assert.equal((await h.threads.list()).length, 0, 'nothing was written to local storage');
    await h.client.conversations.items.create(conversation.id, { items: [{ type: 'message', role: 'user', content: 'one more' }] });
    const stored = await foundry.threads.listMessages(conversation.id.replace(/^conv_/, 'thread_'), { order: 'asc' });
    assert.equal(stored.data.length, 2);
  });

  it('streams a response of a project agent that the service runs', async () => {
    const agent = await projectAgent();
    const conversation = await h.client.conversations.create();
    const stream = h.client.responses.stream({
      agent: { type: 'agent_reference', name: 'Project helper' },
      conversation: conversation.id,
      input: 'hello from the API',
    } as unknown as OpenAI.Responses.ResponseCreateParamsStreaming);
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    const final = await stream.finalResponse();
    assert.equal(types[0], 'response.created');
    assert.equal(types[types.length - 1], 'response.completed');
    assert.ok(types.filter((t) => t === 'response.output_text.delta').length > 1, 'the answer streamed in pieces');
    assert.equal(text, 'Echo: hello from the API');
    assert.equal(final.output_text, 'Echo: hello from the API');
    assert.equal(final.conversation?.id, conversation.id);
    const runs = serviceRuns();
    assert.equal(runs.length, 1, 'the service ran it');
    assert.ok(runs[0].includes(conversation.id.replace(/^conv_/, 'thread_')));
    assert.equal(service.requests.find((r) => r.method === 'POST' && r.path === runs[0])?.body?.assistant_id, agent.id);
    assert.deepEqual(await h.client.responses.retrieve(final.id), unparsed(final));
  });

  it('runs an Assistants run on the service, waited for and streamed', async () => {
    const agent = await projectAgent();
    const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'first' }] });
    const run = await h.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: agent.id }, { pollIntervalMs: 20 });
    assert.equal(run.status, 'completed');
    await h.client.beta.threads.messages.create(thread.id, { role: 'user', content: 'second' });
    const stream = h.client.beta.threads.runs.stream(thread.id, { assistant_id: agent.id });
    let streamed = '';
    stream.on('textDelta', (delta) => (streamed += delta.value ?? ''));
    const done = await stream.finalRun();
    assert.equal(done.status, 'completed');
    assert.equal(streamed, 'Echo: second');
    assert.equal(serviceRuns().length, 2);
    const answers = await h.client.beta.threads.messages.list(thread.id, { order: 'desc', limit: 1 });
    assert.equal((answers.data[0].content[0] as { text: { value: string } }).text.value, 'Echo: second');
  });

  it('answers what the project cannot do with unsupported_on_backend, naming it', async () => {
    await projectAgent();
    await assert.rejects(
      h.client.responses.create({ model: 'gpt-4o', input: 'hi' }),
      unsupported(/bare model.*uses Foundry: 127\.0\.0\.1/),
    );
    await assert.rejects(
      h.client.responses.create({
        agent: { type: 'agent_reference', name: 'Project helper' },
        input: 'hi',
        temperature: 0.2,
      } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming),
      unsupported(/'temperature' on a response/),
    );
    const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'x' }] });
    const [message] = (await h.client.beta.threads.messages.list(thread.id)).data;
    await assert.rejects(
      h.client.beta.threads.messages.delete(message.id, { thread_id: thread.id }),
      unsupported(/DELETE \/v1\/threads\/\{id\}\/messages\/\{id\}/),
    );
    assert.equal(serviceRuns().length, 0, 'nothing ran');
  });

  it('serves local storage again once the workspace is back on it', async () => {
    await projectAgent();
    foundryActive = false;
    assert.deepEqual((await h.client.beta.assistants.list()).data, []);
    const conversation = await h.client.conversations.create();
    assert.equal((await h.threads.list()).length, 1);
    assert.match(conversation.id, /^conv_/);
  });
});
