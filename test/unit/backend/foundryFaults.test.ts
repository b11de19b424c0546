import * as assert from 'node:assert/strict';
import { FoundryBackend } from '../../../src/core/backend/foundry';
import type { RunEvent } from '../../../src/core/domain/events';
import { messageText } from '../../../src/core/domain/message';
import type { Run } from '../../../src/core/domain/run';
import { TERMINAL_RUN_STATUSES } from '../../../src/core/domain/run';
import { ToolRegistry } from '../../../src/core/tools/toolRegistry';
import { silentLogger } from '../../../src/core/util/logger';
import { startFakeFoundryServer, type FakeFoundryServer } from '../../fixtures/fakeFoundryServer';
import { waitingToolCalls } from '../../../src/core/domain/run';

type Coded = Error & { code?: string };

describe('Foundry faults: plain words, nothing lost, retry possible', function () {
  this.timeout(20_000);
  let service: FakeFoundryServer;
  let backend: FoundryBackend;
  const ended = new Map<string, (run: Run) => void>();
  const endOf = (runId: string, seen: Run[]): Promise<Run> => {
    const done = seen.find((run) => run.id === runId);
    return done ? Promise.resolve(done) : new Promise((resolve) => ended.set(runId, resolve));
  };
  let finished: Run[];

  beforeEach(async () => {
    service = await startFakeFoundryServer({ apiKey: 'k' });
    backend = new FoundryBackend(
      { endpoint: service.endpoint, auth: { kind: 'apiKey', key: async () => 'k' } },
      new ToolRegistry(),
      silentLogger,
    );
    finished = [];
    backend.runs.onEvent((event: RunEvent) => {
      const run = event.data as Run;
      if (
        event.event.startsWith('thread.run.') &&
        !event.event.startsWith('thread.run.step') &&
        TERMINAL_RUN_STATUSES.includes(run.status)
      ) {
        finished.push(run);
        ended.get(run.id)?.(run);
      }
    });
  });
  afterEach(async () => {
    backend.dispose();
    await service.close();
  });

  const threadWithMessage = async (text: string) => {
    const agent = await backend.agents.create({ name: 'A', model: { profile: 'foundry', name: 'gpt-4o' } });
    const thread = await backend.threads.create({ agent_id: agent.id });
    await backend.threads.appendMessage(thread.id, { role: 'user', content: [{ type: 'text', text: { value: text } }] });
    return { agent, thread };
  };

  it('a 429 says the project is rate limited and to wait', async () => {
    service.fail({ status: 429, pathContains: '/threads', headers: { 'retry-after': '0' }, count: 10 });
    await assert.rejects(backend.threads.list(), (e: Coded) => e.code === 'foundry_rate_limited' && /rate limiting.*Wait/.test(e.message));
  });

  it('a 500 when starting a run leaves no run behind, and starting again works', async () => {
    const { agent, thread } = await threadWithMessage('first try');
    service.fail({ status: 500, pathContains: '/runs', count: 4 }); // the SDK retries 5xx itself; outlast its retries
    await assert.rejects(
      backend.runs.createRun(thread.id, agent.id),
      (e: Coded) => e.code === 'foundry_unavailable' && /Retry/.test(e.message),
    );
    assert.equal(backend.runs.activeRun(thread.id), undefined);
    const run = await backend.runs.createRun(thread.id, agent.id);
    assert.equal((await endOf(run.id, finished)).status, 'completed');
  });

  it('a stream dropped mid-answer ends the run failed with the reason, keeps the thread, and a new run works', async () => {
    const { agent, thread } = await threadWithMessage('tell me a long story about streams that break');
    service.setWordDelay(10); // so the first words reach the client before the connection drops
    service.dropNextStreamAfter(3);
    const run = await backend.runs.createRun(thread.id, agent.id);
    const failed = await endOf(run.id, finished);
    assert.equal(failed.status, 'failed');
    assert.ok(failed.last_error?.message, 'the failure says why');
    assert.equal(backend.runs.activeRun(thread.id), undefined);
    const again = await backend.runs.createRun(thread.id, agent.id);
    assert.equal((await endOf(again.id, finished)).status, 'completed');
    const texts = (await backend.threads.listMessages(thread.id, { order: 'asc', limit: 20 })).data.map(messageText);
    assert.equal(texts[0], 'tell me a long story about streams that break');
    assert.match(texts.at(-1)!, /Echo: tell me a long story/);
  });

  it('an unknown agent is a 404 in plain words; an unreachable project is a network error naming the setting', async () => {
    const { thread } = await threadWithMessage('who?');
    await assert.rejects(
      backend.runs.createRun(thread.id, 'asst_missing'),
      (e: Coded) => e.code === 'foundry_not_found' || /not find|No assistant/.test(e.message),
    );
    const port = Number(new URL(service.endpoint).port);
    await service.close();
    const offline = new FoundryBackend(
      { endpoint: `http://127.0.0.1:${port}/api/projects/test`, auth: { kind: 'apiKey', key: async () => 'k' } },
      new ToolRegistry(),
      silentLogger,
    );
    await assert.rejects(offline.threads.list(), (e: Coded) => e.code === 'foundry_network' && /agentThreads\.backend/.test(e.message));
    service = await startFakeFoundryServer({ apiKey: 'k' }); // for afterEach
  });
});

describe('Foundry runs that outlive the window that started them', function () {
  this.timeout(20_000);

  it('a run left waiting for approval is approved from a new window (a restart) and completes', async () => {
    const service = await startFakeFoundryServer({ apiKey: 'k' });
    const tools = new ToolRegistry();
    tools.register({
      name: 'echo',
      description: 'Echo',
      parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      readOnly: true,
      invoke: async (args) => (args as { text: string }).text,
    });
    const connect = () =>
      new FoundryBackend({ endpoint: service.endpoint, auth: { kind: 'apiKey', key: async () => 'k' } }, tools, silentLogger);
    const first = connect();
    const agent = await first.agents.create({
      name: 'A',
      model: { profile: 'foundry', name: 'gpt-4o' },
      tools: [{ name: 'echo' }],
      approval_policy: { echo: 'ask' },
    });
    const thread = await first.threads.create({ agent_id: agent.id });
    await first.threads.appendMessage(thread.id, {
      role: 'user',
      content: [{ type: 'text', text: { value: 'call echo {"text":"after restart"}' } }],
    });
    const waiting = new Promise<Run>((resolve) =>
      first.runs.onEvent((e) => e.event === 'thread.run.requires_action' && resolve(e.data as Run)),
    );
    const run = await first.runs.createRun(thread.id, agent.id);
    const call = waitingToolCalls((await waiting).required_action)[0];
    first.dispose(); // the window goes away with the run waiting

    const second = connect();
    const [latest] = await second.threads.listRuns(thread.id);
    assert.equal(latest.status, 'requires_action');
    const done = new Promise<Run>((resolve) => second.runs.onEvent((e) => e.event === 'thread.run.completed' && resolve(e.data as Run)));
    await second.runs.submitToolApprovals(thread.id, run.id, [{ tool_call_id: call.id, approve: true }]);
    assert.equal((await done).id, run.id);
    const last = (await second.threads.listMessages(thread.id, { limit: 1 })).data[0];
    assert.match(messageText(last), /after restart/);
    second.dispose();
    await service.close();
  });
});
