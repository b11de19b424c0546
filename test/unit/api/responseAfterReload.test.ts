import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { LocalAgentApi, modelNameResolver } from '../../../src/core/api';
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

  async function reload(): Promise<{ client: OpenAI; recover: () => Promise<unknown> }> {
    await h.api.stop();
    await h.engine.stop();
    const engine = h.newEngine();
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

  it('one cut off by the reload is failed with the reason, and cancel leaves it so', async () => {
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
});
