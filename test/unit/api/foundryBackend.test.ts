import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import type { Backend } from '../../../src/core/backend';
import { FoundryAgentsBackend, FoundryBackend, type FoundryConnection } from '../../../src/core/backend/foundry';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import { ToolRegistry } from '../../../src/core/tools/toolRegistry';
import { silentLogger } from '../../../src/core/util/logger';
import { type FakeFoundryServer, startFakeFoundryServer } from '../../fixtures/fakeFoundryServer';
import { type ApiHarness, startApiHarness, unparsed } from './apiHarness';

/** The API while the workspace's active backend is a Foundry project: the real FoundryBackend against the fake service. */
for (const [kind, make] of [
  ['classic agents', (connection: FoundryConnection) => new FoundryBackend(connection, tools(), silentLogger)],
  ['new agents', (connection: FoundryConnection) => new FoundryAgentsBackend(connection, tools(), silentLogger)],
] as const)
  describe(`local agent API: while the workspace uses a Foundry project (${kind})`, function () {
    this.timeout(20_000);
    const key = 'foundry-test-key-0123456789';
    let h: ApiHarness;
    let service: FakeFoundryServer;
    let foundry: Backend;
    let foundryActive: boolean;

    beforeEach(async () => {
      service = await startFakeFoundryServer({ apiKey: key });
      foundry = make({ endpoint: service.endpoint, auth: { kind: 'apiKey', key: async () => key } });
      foundryActive = true;
      h = await startApiHarness({ api: { remoteBackend: () => (foundryActive ? foundry : undefined) } });
    });
    afterEach(async () => {
      await h.close();
      foundry.dispose();
      await service.close();
    });

    const projectAgent = (): ReturnType<Backend['agents']['create']> =>
      foundry.agents.create({ name: 'Project helper', model: { profile: 'foundry', name: 'gpt-4o' }, instructions: 'Be brief.' });
    const threadOf = (conversationId: string): string =>
      kind === 'new agents' ? conversationId : conversationId.replace(/^conv_/, 'thread_');
    /** The model turns the service was asked for, each with the thread and agent it named. */
    const serviceRuns = (): { thread: string; agent: unknown }[] =>
      service.requests.flatMap((r) => {
        if (r.method !== 'POST') return [];
        if (kind === 'classic agents') {
          const thread = /\/threads\/([^/]+)\/runs$/.exec(r.path)?.[1];
          return thread ? [{ thread, agent: r.body?.assistant_id }] : [];
        }
        if (!r.path.endsWith('/openai/v1/responses')) return [];
        const body = r.body as { conversation?: string; agent?: { name?: string } };
        return [{ thread: String(body.conversation), agent: body.agent?.name }];
      });
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
      const conversation = await h.client.conversations.retrieve(conversationOf(remoteThread.id));
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
      const conversation = await h.client.conversations.create({
        items: [{ type: 'message', role: 'user', content: 'also from a script' }],
      });
      const listed = (await foundry.threads.list()).map((t) => t.id);
      assert.ok(listed.includes(thread.id), 'the Assistants thread is a thread of the project');
      assert.ok(listed.includes(threadOf(conversation.id)), 'the conversation is a thread of the project');
      assert.equal((await h.threads.list()).length, 0, 'nothing was written to local storage');
      await h.client.conversations.items.create(conversation.id, { items: [{ type: 'message', role: 'user', content: 'one more' }] });
      const stored = await foundry.threads.listMessages(threadOf(conversation.id), { order: 'asc' });
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
      assert.deepEqual(serviceRuns(), [{ thread: threadOf(conversation.id), agent: agent.id }], 'the service ran it');
      assert.deepEqual(await h.client.responses.retrieve(final.id), unparsed(final));
    });

    it('waits for a response, continues it with previous_response_id, and runs one in the background', async () => {
      await projectAgent();
      const agent = { type: 'agent_reference', name: 'Project helper' };
      const first = await h.client.responses.create({
        agent,
        input: 'one',
      } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
      assert.equal(first.status, 'completed');
      assert.equal(first.output_text, 'Echo: one');
      const second = await h.client.responses.create({
        agent,
        previous_response_id: first.id,
        input: 'two',
      } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
      assert.equal(second.output_text, 'Echo: two');
      assert.equal(second.previous_response_id, first.id);
      assert.equal(second.id.split('_')[1], first.id.split('_')[1], 'the same thread of the project');

      const ended = new Promise<string>((resolve) =>
        foundry.runs.onEvent((event) => {
          if (event.event === 'thread.run.completed') resolve(event.run_id);
        }),
      );
      const background = await h.client.responses.create({
        agent,
        input: 'three',
        background: true,
      } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
      assert.equal(background.background, true);
      assert.ok(background.id.endsWith(`_${(await ended).split('_')[1]}`));
      const done = await h.client.responses.retrieve(background.id);
      assert.deepEqual([done.status, done.output_text, done.background], ['completed', 'Echo: three', true]);
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

    it('lets a script approve a workspace tool call the project run waits on, and the run goes on', async () => {
      const agent = await foundry.agents.create({
        name: 'Careful',
        model: { profile: 'foundry', name: 'gpt-4o' },
        instructions: 'Use tools.',
        tools: [{ name: 'echo' }],
        approval_policy: { echo: 'ask' },
      });
      const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'call echo {"text":"approved-9"}' }] });
      const waiting = await h.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: agent.id }, { pollIntervalMs: 20 });
      assert.equal(waiting.status, 'requires_action');
      const [call] = waiting.required_action!.submit_tool_outputs.tool_calls;
      assert.equal(call.function.name, 'echo');
      await assert.rejects(
        h.client.beta.threads.runs.submitToolOutputs(waiting.id, {
          thread_id: thread.id,
          tool_outputs: [{ tool_call_id: call.id, output: 'mine' }],
        }),
        unsupported(/Supplying a tool output/),
      );
      await assert.rejects(
        h.client.beta.threads.runs.create(thread.id, { assistant_id: agent.id }),
        (error: unknown) => error instanceof OpenAI.ConflictError && error.code === 'thread_busy',
      );
      await assert.rejects(
        h.client.beta.threads.messages.create(thread.id, { role: 'user', content: 'meanwhile' }),
        (error: unknown) => error instanceof OpenAI.ConflictError && error.code === 'thread_busy',
      );
      const stream = h.client.beta.threads.runs.submitToolOutputsStream(waiting.id, {
        thread_id: thread.id,
        tool_outputs: [{ tool_call_id: call.id } as { tool_call_id: string; output: string }],
      });
      const done = await stream.finalRun();
      assert.equal(done.status, 'completed');
      const [answer] = (await h.client.beta.threads.messages.list(thread.id, { limit: 1 })).data;
      assert.equal((answer.content[0] as { text: { value: string } }).text.value, 'Tool echo said: approved-9');
      await assert.rejects(
        h.client.beta.threads.runs.submitToolOutputs(waiting.id, {
          thread_id: thread.id,
          tool_outputs: [{ tool_call_id: call.id } as { tool_call_id: string; output: string }],
        }),
        (error: unknown) => error instanceof OpenAI.BadRequestError && /status "completed" do not accept/.test(error.message),
      );
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
        unsupported(/^400 DELETE \/v1\/threads\/:thread_id\/messages\/:message_id is not available while/),
      );
      await assert.rejects(
        h.client.responses.inputItems.list(`resp_${thread.id.split('_')[1]}_0000000000000000`),
        unsupported(/GET \/v1\/responses\/:id\/input_items is not available/),
      );
      await assert.rejects(h.client.conversations.retrieve('conv_0000000000000000nothere'), OpenAI.NotFoundError);
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

function tools(): ToolRegistry {
  const registry = new ToolRegistry();
  for (const tool of builtinTools()) registry.register(tool);
  return registry;
}

/** The conversation id of a project thread: Assistants-style threads are named `thread_…`, new agents' are conversations. */
function conversationOf(threadId: string): string {
  return threadId.replace(/^thread_/, 'conv_');
}
