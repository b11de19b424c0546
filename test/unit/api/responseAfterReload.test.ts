import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { LocalAgentApi, modelNameResolver } from '../../../src/core/api';
import type { RunEngine } from '../../../src/core/runs/runEngine';
import type { Run } from '../../../src/core/domain/run';
import { sentMessages } from '../runs/helpers';
import { type ApiHarness, startApiHarness } from './apiHarness';

/** A window reload: the engine and API stop without further writes; a new engine and API start over the same storage. */
describe('local agent API: background responses across a window reload', function () {
  this.timeout(20_000);
  let h: ApiHarness;
  let reloaded: LocalAgentApi | undefined;
  beforeEach(async () => (h = await startApiHarness()));
  afterEach(async () => {
    await reloaded?.stop();
    reloaded = undefined;
    await h.close();
  });

  async function reload(
    options: Parameters<ApiHarness['newEngine']>[0] = {},
  ): Promise<{ client: OpenAI; recover: () => Promise<unknown>; engine: RunEngine }> {
    await h.api.stop();
    await h.engine.stop();
    const engine = h.newEngine(options);
    reloaded = new LocalAgentApi({
      agents: h.agents,
      threads: h.threads,
      engine,
      tools: h.tools,
      resolveModelName: modelNameResolver(() => [h.profile]),
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const address = await reloaded.start();
    return {
      client: new OpenAI({ baseURL: address.url, apiKey: address.token, maxRetries: 0 }),
      recover: () => engine.recoverInterruptedRuns(),
      engine,
    };
  }

  it('a finished background response is retrieved after the reload as it ended', async () => {
    h.server.script({ kind: 'text', text: 'Done before the reload.' });
    const started = await h.client.responses.create({ model: 'fake/fake-model', input: 'go', background: true });
    await h.log.waitForEnd(`run_${started.id.split('_')[2]}`);
    const before = await h.client.responses.retrieve(started.id);
    const { client } = await reload();
    assert.deepEqual(await client.responses.retrieve(started.id), before);
    assert.equal(before.status, 'completed');
    assert.equal(before.output_text, 'Done before the reload.');
  });

  it('one cut off by the reload is failed with the reason when the new window does not serve the API, and cancel leaves it so', async () => {
    h.server.script({ kind: 'stall', text: 'partial answer here', afterChunks: 1 });
    const started = await h.client.responses.create({ model: 'fake/fake-model', input: 'stall', background: true });
    await h.log.waitFor((event) => event.event === 'thread.message.delta');
    const { client, recover } = await reload();
    await recover();
    const after = await client.responses.retrieve(started.id);
    assert.equal(after.status, 'failed');
    assert.equal(after.error?.code, 'server_error');
    assert.match(after.error?.message ?? '', /interrupted because VS Code closed/);
    assert.equal(after.background, true);
    const cancelled = await client.responses.cancel(started.id);
    assert.equal(cancelled.status, 'failed');
  });

  it('one retrieved before the new window has closed it is already answered as failed, not in progress', async () => {
    h.server.script({ kind: 'stall', text: 'partial answer here', afterChunks: 1 });
    const started = await h.client.responses.create({ model: 'fake/fake-model', input: 'stall', background: true });
    await h.log.waitFor((event) => event.event === 'thread.message.delta');
    const { client } = await reload();
    const after = await client.responses.retrieve(started.id);
    assert.equal(after.status, 'failed');
    assert.match(after.error?.message ?? '', /interrupted/);
  });

  describe('when the new window serves the local API', () => {
    const restarting = { restartsBackgroundResponses: () => true };
    const ended = (engine: RunEngine, runId: string): Promise<Run> =>
      new Promise((resolve) =>
        engine.onEvent((event) => {
          if (
            event.run_id === runId &&
            event.data.object === 'thread.run' &&
            ['completed', 'failed', 'cancelled', 'incomplete'].includes(event.data.status)
          )
            resolve(event.data);
        }),
      );

    it('a background response cut off mid-answer starts its model turn again and completes with the whole answer', async () => {
      h.server.script({ kind: 'stall', text: 'partial answer here', afterChunks: 1 });
      const started = await h.client.responses.create({
        model: 'fake/fake-model',
        input: 'tell me',
        instructions: 'Answer in one line.',
        temperature: 0.3,
        background: true,
      });
      await h.log.waitFor((event) => event.event === 'thread.message.delta');
      h.server.script({ kind: 'text', text: 'The whole answer, after the reload.' });
      const { client, recover, engine } = await reload(restarting);
      const runId = `run_${started.id.split('_')[2]}`;
      const end = ended(engine, runId);
      await recover();
      assert.equal((await end).status, 'completed');

      const after = await client.responses.retrieve(started.id);
      assert.equal(after.status, 'completed');
      assert.equal(after.output_text, 'The whole answer, after the reload.', 'the cut-off half answer is not part of it');
      assert.deepEqual([after.background, after.instructions, after.temperature], [true, 'Answer in one line.', 0.3]);
      // The second model call got the same request again: the stored thread (the input, not the half answer) and
      // the response's own settings.
      const resent = sentMessages(h.server, 1);
      assert.deepEqual(
        resent.map((m) => [m.role, m.content]),
        [
          ['system', 'Answer in one line.'],
          ['user', 'tell me'],
        ],
      );
      assert.equal(h.server.requests.filter((r) => r.path.endsWith('/chat/completions'))[1].body?.temperature, 0.3);
      const items = await client.conversations.items.list(started.id.replace(/^resp_([^_]+)_.*$/, 'conv_$1'), { order: 'asc' });
      assert.deepEqual(
        items.data.map((item) => item.type === 'message' && item.content.map((part) => ('text' in part ? part.text : '')).join('')),
        ['tell me', 'The whole answer, after the reload.'],
      );
    });

    it("a workspace agent's background response, cut off after a tool round, goes on with the agent and its tool outputs", async () => {
      const agent = await h.agent({ name: 'Reloader', instructions: 'Use the tool, then answer.', tools: [{ name: 'echo' }] });
      h.server.script(
        { kind: 'tool_calls', calls: [{ name: 'echo', arguments: JSON.stringify({ text: 'kept-output' }) }] },
        { kind: 'stall', text: 'partial answer here', afterChunks: 1 },
      );
      const started = await h.client.responses.create({
        agent: { type: 'agent_reference', name: 'Reloader' },
        input: 'go',
        background: true,
      } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
      await h.log.waitFor((event) => event.event === 'thread.message.delta');
      h.server.script({ kind: 'text', text: 'Answered with kept-output.' });
      const { client, recover, engine } = await reload(restarting);
      const end = ended(engine, `run_${started.id.split('_')[2]}`);
      await recover();
      assert.equal((await end).status, 'completed');
      const after = await client.responses.retrieve(started.id);
      assert.equal((after as unknown as { agent: { name: string } | null }).agent?.name, agent.name);
      assert.deepEqual(
        after.output.map((item) => item.type),
        ['mcp_call', 'message'],
        'the tool round before the reload, then the new answer',
      );
      assert.equal(after.output_text, 'Answered with kept-output.');
      const resent = sentMessages(h.server, 2);
      assert.equal(resent[0].content, 'Use the tool, then answer.');
      assert.ok(resent.some((m) => m.role === 'tool' && m.content === 'kept-output'));
      assert.ok(!resent.some((m) => String(m.content).includes('partial answer')));
    });

    it('one whose model the new window no longer has ends failed/interrupted, its half answer kept as it was', async () => {
      h.server.script({ kind: 'stall', text: 'partial answer here', afterChunks: 1 });
      const started = await h.client.responses.create({ model: 'fake/fake-model', input: 'stall', background: true });
      await h.log.waitFor((event) => event.event === 'thread.message.delta');
      const { client, recover } = await reload({ ...restarting, resolveModel: () => undefined });
      await recover();
      const after = await client.responses.retrieve(started.id);
      assert.equal(after.status, 'failed');
      assert.match(after.error?.message ?? '', /interrupted because VS Code closed/);
      const threadId = `thread_${started.id.split('_')[1]}`;
      const [answer] = (await h.threads.listMessages(threadId, { order: 'desc', limit: 1 })).data;
      assert.deepEqual([answer.role, answer.status], ['assistant', 'incomplete'], 'closed as any interrupted run, not hidden');
    });

    it('a run that is not a background response still ends failed/interrupted', async () => {
      const agent = await h.agent();
      const threadId = await h.thread('stall');
      h.server.script({ kind: 'stall', text: 'partial answer here', afterChunks: 1 });
      const run = await h.engine.createRun(threadId, agent.id);
      await h.log.waitFor((event) => event.event === 'thread.message.delta');
      const { recover } = await reload(restarting);
      await recover();
      const after = await h.threads.getRun(threadId, run.id);
      assert.equal(after.status, 'failed');
      assert.equal(after.last_error?.code, 'interrupted');
      assert.equal(h.server.requests.filter((r) => r.path.endsWith('/chat/completions')).length, 1, 'the model was not called again');
    });

    it('a streamed response that is not in the background still ends failed/interrupted', async () => {
      h.server.script({ kind: 'stall', text: 'partial answer here', afterChunks: 1 });
      const stream = await h.client.responses.create({ model: 'fake/fake-model', input: 'stall', stream: true });
      let id = '';
      for await (const event of stream) {
        if (event.type === 'response.created') id = event.response.id;
        if (event.type === 'response.output_text.delta') break;
      }
      const { client, recover } = await reload(restarting);
      await recover();
      const after = await client.responses.retrieve(id);
      assert.equal(after.status, 'failed');
      assert.match(after.error?.message ?? '', /interrupted/);
    });
  });
});
