// Foundry's new agents beyond the shared contract: versions, item types we do not know, agents of other kinds, the
// fake service's strictness (so a wrong guess about the SDK's requests fails here), and faults, each ending in a state
// the user understands.

import * as assert from 'node:assert/strict';
import { PINNED_AGENT_VERSION_KEY } from '../../../src/core/backend';
import { FoundryAgentsBackend } from '../../../src/core/backend/foundry';
import type { RunEvent } from '../../../src/core/domain/events';
import { messageText } from '../../../src/core/domain/message';
import type { Run } from '../../../src/core/domain/run';
import { TERMINAL_RUN_STATUSES, waitingToolCalls } from '../../../src/core/domain/run';
import { deniedByUserOutput } from '../../../src/core/runs/toolRound';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import { ToolRegistry } from '../../../src/core/tools/toolRegistry';
import { silentLogger } from '../../../src/core/util/logger';
import { startFakeFoundryServer, type FakeFoundryServer } from '../../fixtures/fakeFoundryServer';

type Coded = Error & { code?: string };
const KEY = 'new-agents-key';
const userText = (value: string) => ({ role: 'user' as const, content: [{ type: 'text' as const, text: { value } }] });

/** Polls `probe` until it gives a value (conditions the service reaches on its own time), failing after 5 s. */
async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('the condition was not met within 5 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("Foundry's new agents: versions, kinds, items, faults", function () {
  this.timeout(20_000);
  let service: FakeFoundryServer;
  let backend: FoundryAgentsBackend;
  let ended: Run[];
  const waiters = new Map<string, (run: Run) => void>();

  const endOf = (runId: string): Promise<Run> => {
    const done = ended.find((run) => run.id === runId);
    return done ? Promise.resolve(done) : new Promise((resolve) => waiters.set(runId, resolve));
  };
  const connect = (key = KEY, streamIdleTimeoutMs?: number): FoundryAgentsBackend => {
    const tools = new ToolRegistry();
    for (const tool of builtinTools()) tools.register(tool);
    return new FoundryAgentsBackend({ endpoint: service.endpoint, auth: { kind: 'apiKey', key: async () => key } }, tools, silentLogger, {
      streamIdleTimeoutMs,
    });
  };
  const newAgent = (instructions = 'Be brief.') =>
    backend.agents.create({ name: 'helper', model: { profile: 'foundry', name: 'gpt-4o' }, instructions, tools: [{ name: 'echo' }] });

  beforeEach(async function () {
    service = await startFakeFoundryServer({ apiKey: KEY });
    // One test waits for a quiet stream to be given up; the others never go quiet for this long.
    backend = connect(KEY, /quiet/.test(this.currentTest?.title ?? '') ? 300 : undefined);
    ended = [];
    backend.runs.onEvent((event: RunEvent) => {
      const run = event.data as Run;
      if (/^thread\.run\.[a-z_]+$/.test(event.event) && TERMINAL_RUN_STATUSES.includes(run.status)) {
        ended.push(run);
        waiters.get(run.id)?.(run);
      }
    });
  });
  afterEach(async () => {
    backend.dispose();
    await service.close();
  });

  it('saves every edit as a new version, keeps the older ones, and records the version a run used', async () => {
    const first = await newAgent('Version one.');
    assert.equal(first.version, 1);
    const second = await backend.agents.update(first.id, { instructions: 'Version two.' });
    assert.equal(second.version, 2);
    assert.deepEqual(
      (await backend.agents.versions(first.id)).map((v) => [v.version, v.instructions]),
      [
        [2, 'Version two.'],
        [1, 'Version one.'],
      ],
    );
    assert.equal((await backend.agents.version(first.id, 1)).instructions, 'Version one.');
    // Reasoning effort is a prompt agent's `reasoning.effort`, saved with the version and read back.
    const thinking = await backend.agents.update(first.id, { reasoning_effort: 'high' });
    assert.equal(thinking.reasoning_effort, 'high');
    const saved = service.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/agents/${first.id}/versions`)).at(-1);
    assert.deepEqual((saved?.body as { definition?: { reasoning?: unknown } } | undefined)?.definition?.reasoning, { effort: 'high' });
    assert.equal((await backend.agents.get(first.id)).reasoning_effort, 'high');
    const thread = await backend.threads.create({ agent_id: first.id });
    await backend.threads.appendMessage(thread.id, userText('which version?'));
    const run = await backend.runs.createRun(thread.id, first.id);
    const done = await endOf(run.id);
    assert.equal(done.status, 'completed');
    assert.equal(done.assistant_version, 3);
    const sent = service.requests.filter((r) => r.path.endsWith('/openai/v1/responses'));
    assert.deepEqual(sent.at(-1)?.body?.agent, { type: 'agent_reference', name: 'helper', version: '3' });
  });

  it('runs a thread started on an older version on that version, and records it on the run and its messages', async () => {
    const first = await newAgent('Version one.');
    await backend.agents.update(first.id, { instructions: 'Version two.' });
    const thread = await backend.threads.create({ agent_id: first.id, metadata: { [PINNED_AGENT_VERSION_KEY]: '1' } });
    await backend.threads.appendMessage(thread.id, userText('which version?'));
    const run = await backend.runs.createRun(thread.id, first.id);
    const done = await endOf(run.id);
    assert.equal(done.assistant_version, 1);
    assert.equal(done.instructions, 'Version one.');
    const sent = service.requests.filter((r) => r.path.endsWith('/openai/v1/responses')).at(-1);
    assert.deepEqual(sent?.body?.agent, { type: 'agent_reference', name: 'helper', version: '1' });
    const answer = (await backend.threads.listMessages(thread.id, { limit: 1, order: 'desc' })).data[0];
    assert.equal(answer.assistant_version, 1);
    // A thread started without a pin follows the latest version.
    const latest = await backend.threads.create({ agent_id: first.id });
    await backend.threads.appendMessage(latest.id, userText('and now?'));
    assert.equal((await endOf((await backend.runs.createRun(latest.id, first.id)).id)).assistant_version, 2);
  });

  it("streams a reasoning model's summary before the answer, as its own message that reads back the same", async () => {
    const agent = await newAgent();
    const thread = await backend.threads.create({ agent_id: agent.id });
    await backend.threads.appendMessage(thread.id, userText('think about refunds'));
    const streamed: string[] = [];
    const created: string[] = [];
    const subscription = backend.runs.onEvent((event: RunEvent) => {
      if (event.event === 'thread.message.created') created.push(event.data.reasoning ? 'reasoning' : 'answer');
      if (event.event === 'thread.message.delta' && event.data.delta.reasoning) streamed.push(event.data.delta.reasoning.value);
    });
    const run = await backend.runs.createRun(thread.id, agent.id);
    assert.equal((await endOf(run.id)).status, 'completed');
    subscription.dispose();
    const summary = '**Weighing it** Considering about refunds.';
    assert.deepEqual(created, ['reasoning', 'answer'], 'the thinking shows before the answer starts');
    assert.equal(streamed.join(''), summary);
    assert.ok(streamed.length > 1, 'the summary streams in pieces');
    const [, thinking, answer] = (await backend.threads.listMessages(thread.id, { order: 'asc' })).data;
    assert.deepEqual(
      { summary: thinking.reasoning?.summary, text: messageText(thinking), run: thinking.run_id, agent: thinking.assistant_id },
      { summary: [summary], text: '', run: run.id, agent: agent.id },
    );
    assert.equal(messageText(answer), 'Echo: think about refunds');
  });

  it('a cancelled run cancels its response on the service, which stops writing', async () => {
    const agent = await newAgent();
    const thread = await backend.threads.create({ agent_id: agent.id });
    await backend.threads.appendMessage(thread.id, userText('one two three four five six seven eight nine ten'));
    service.setWordDelay(30);
    let written = 0;
    const firstWords = new Promise<void>((resolve) =>
      backend.runs.onEvent((event) => {
        if (event.event === 'thread.message.delta' && ++written === 2) resolve();
      }),
    );
    const run = await backend.runs.createRun(thread.id, agent.id);
    await firstWords;
    await backend.runs.cancelRun(thread.id, run.id);
    assert.equal((await endOf(run.id)).status, 'cancelled');
    const responseId = service.agentService.responseIds().at(-1)!;
    const cancel = await waitFor(() =>
      service.requests.find((r) => r.method === 'POST' && r.path.endsWith(`/openai/v1/responses/${responseId}/cancel`)),
    );
    assert.deepEqual(cancel.query, {}, 'the cancel carries no query parameters');
    assert.equal(await waitFor(() => service.agentService.responseStatus(responseId) === 'cancelled' || undefined), true);
  });

  it('an MCP approval request waits for the user as a tool approval, and the answer goes back as mcp_approval_response', async () => {
    // A portal-made agent with an MCP server that asks before each call.
    service.agentService.addAgentVersion('docs-agent', {
      kind: 'prompt',
      model: 'gpt-4o',
      instructions: 'Use the docs server.',
      tools: [{ type: 'mcp', server_label: 'docs', server_url: 'https://mcp.example.invalid', require_approval: 'always' }],
    });
    const run = async (text: string, approve: boolean) => {
      const thread = await backend.threads.create({ agent_id: 'docs-agent' });
      await backend.threads.appendMessage(thread.id, userText(text));
      const waiting = new Promise<Run>((resolve) =>
        backend.runs.onEvent((event) => {
          if (event.event === 'thread.run.requires_action') resolve(event.data as Run);
        }),
      );
      const started = await backend.runs.createRun(thread.id, 'docs-agent');
      const asked = await waiting;
      const call = waitingToolCalls(asked.required_action)[0];
      assert.equal(call?.function.name, 'docs · search');
      assert.equal(call?.function.arguments, '{"q":"cancel"}');
      await backend.runs.submitToolApprovals(thread.id, started.id, [{ tool_call_id: call!.id, approve }]);
      assert.equal((await endOf(started.id)).status, 'completed');
      const sent = service.requests.filter((r) => r.path.endsWith('/openai/v1/responses')).at(-1);
      assert.deepEqual(sent?.body?.input, [{ type: 'mcp_approval_response', approval_request_id: call!.id, approve }]);
      // The run's record says what the user decided: the card in the thread view reads "Denied", not "Done".
      const recorded = (await backend.threads.listRunSteps(thread.id, started.id))
        .flatMap((step) => (step.type === 'tool_calls' ? step.step_details.tool_calls : []))
        .find((c) => c.id === call!.id);
      assert.equal(recorded?.status, approve ? 'completed' : 'denied');
      // Read back, the request shows as the tool call it was, with the user's answer; nothing as "Unsupported item".
      const history = (await backend.threads.listMessages(thread.id, { limit: 20, order: 'asc' })).data;
      assert.ok(!history.some((m) => m.metadata?.unsupported_item), JSON.stringify(history.map((m) => m.metadata)));
      const card = history.find((m) => m.tool_calls?.[0]?.id === call!.id)?.tool_calls?.[0];
      assert.equal(card?.function.output, approve ? 'Approved.' : deniedByUserOutput('docs · search'), 'read back as the run recorded it');
      return messageText(history.at(-1)!);
    };
    assert.equal(await run('mcp search {"q":"cancel"}', true), 'MCP search said: search result');
    assert.equal(await run('mcp search {"q":"cancel"}', false), 'MCP search was not called.');
  });

  it('keys an agent by a Foundry name made from the one typed, shows the typed one, and renames keep the key', async () => {
    const agent = await backend.agents.create({ name: 'Code Reviewer (v2)', model: { profile: 'foundry', name: 'gpt-4o' } });
    assert.equal(agent.id, 'Code-Reviewer-v2');
    assert.equal(agent.name, 'Code Reviewer (v2)');
    const renamed = await backend.agents.update(agent.id, { name: 'Reviewer' });
    assert.equal(renamed.id, 'Code-Reviewer-v2');
    assert.equal(renamed.name, 'Reviewer');
    assert.equal(renamed.version, 2);
  });

  it('shows an item type it does not know as "Unsupported item", and the rest of the page as usual', async () => {
    const thread = await backend.threads.create({});
    await backend.threads.appendMessage(thread.id, userText('before'));
    service.agentService.addRawItem(thread.id, { type: 'computer_call', status: 'completed', action: { type: 'click' } });
    await backend.threads.appendMessage(thread.id, userText('after'));
    const page = await backend.threads.listMessages(thread.id, { limit: 10, order: 'asc' });
    assert.deepEqual(page.data.map(messageText), ['before', 'Unsupported item: computer_call', 'after']);
  });

  it('lists agents of other kinds read-only, with their kind, and refuses to edit or run them', async () => {
    service.agentService.addAgentVersion('workflow-one', { kind: 'workflow', workflow: 'kind: workflow' });
    const listed = (await backend.agents.list()).find((agent) => agent.id === 'workflow-one');
    assert.equal(listed?.metadata.kind, 'workflow');
    await assert.rejects(backend.agents.update('workflow-one', { instructions: 'x' }), /workflow agent.*read-only/);
    const thread = await backend.threads.create({});
    await assert.rejects(backend.runs.createRun(thread.id, 'workflow-one'), /workflow agent/);
  });

  it('the fake service refuses paths, query parameters and api-versions the SDK does not send', async () => {
    const call = async (path: string) => (await fetch(`${service.endpoint}${path}`, { headers: { 'api-key': KEY } })).status;
    assert.equal(await call('/agents?api-version=v1'), 200);
    assert.equal(await call('/agents?api-version=2025-05-01'), 400);
    assert.equal(await call('/agents?api-version=v1&top=3'), 400);
    assert.equal(await call('/agents'), 400);
    assert.equal(await call('/agents/a/b/c/d?api-version=v1'), 404);
    assert.equal(await call('/openai/v1/conversations'), 200);
    assert.equal(await call('/openai/v1/conversations?api-version=v1'), 400);
    assert.equal(await call('/openai/v1/conversations/conv_x/items?page=2'), 400);
    assert.equal(await call('/openai/v1/threads'), 404);
  });

  it('a wrong key (401) and a missing role (403) say what to do, and nothing is half-done', async () => {
    const wrong = connect('not-the-key');
    await assert.rejects(wrong.agents.list(), (e: Coded) => e.code === 'foundry_unauthorized' && /Sign in again|API key/.test(e.message));
    await assert.rejects(wrong.threads.list(), (e: Coded) => e.code === 'foundry_unauthorized');
    wrong.dispose();
    service.fail({ status: 403, pathContains: '/agents' });
    await assert.rejects(newAgent(), (e: Coded) => e.code === 'foundry_forbidden' && /Azure AI User/.test(e.message));
    assert.deepEqual(await backend.agents.list(), []);
  });

  it('an agent or conversation deleted elsewhere (404) says so; a save that conflicts (409) asks to refresh', async () => {
    const agent = await newAgent();
    const thread = await backend.threads.create({ agent_id: agent.id });
    const other = connect();
    await other.agents.delete(agent.id);
    await other.threads.delete(thread.id);
    other.dispose();
    await assert.rejects(backend.agents.get(agent.id), (e: Coded) => e.code === 'foundry_not_found' && /deleted/.test(e.message));
    await assert.rejects(backend.threads.listMessages(thread.id), (e: Coded) => e.code === 'foundry_not_found');
    await assert.rejects(backend.runs.createRun(thread.id, agent.id), (e: Coded) => e.code === 'foundry_not_found');
    const again = await newAgent();
    service.fail({ status: 409, pathContains: '/versions', body: { error: { code: 'conflict', message: 'Version 2 exists.' } } });
    await assert.rejects(
      backend.agents.update(again.id, { instructions: 'mine' }),
      (e: Coded) => e.code === 'foundry_conflict' && /Refresh/.test(e.message) && /Version 2 exists/.test(e.message),
    );
    assert.equal((await backend.agents.get(again.id)).version, 1);
  });

  it('429 with Retry-After is retried by the SDKs, and when it lasts the message says how long to wait', async () => {
    service.fail({ status: 429, pathContains: '/conversations', count: 1, headers: { 'retry-after-ms': '1', 'retry-after': '0' } });
    assert.ok(await backend.threads.create({ title: 'after one 429' }));
    service.fail({ status: 429, pathContains: '/conversations', count: 10, headers: { 'retry-after-ms': '1', 'retry-after': '7' } });
    await assert.rejects(backend.threads.list(), (e: Coded) => e.code === 'foundry_rate_limited' && /7 s/.test(e.message));
  });

  it('a 5xx on a response ends the run failed with the reason; the thread stays and a new run works', async () => {
    const agent = await newAgent();
    const thread = await backend.threads.create({ agent_id: agent.id });
    await backend.threads.appendMessage(thread.id, userText('hello'));
    // The openai client tries three times (maxRetries 2) before it gives up.
    service.fail({ status: 500, pathContains: '/responses', count: 3, headers: { 'retry-after-ms': '1' } });
    await assert.rejects(
      backend.runs.createRun(thread.id, agent.id),
      (e: Coded) => e.code === 'foundry_unavailable' && /Retry/.test(e.message),
    );
    assert.equal(backend.runs.activeRun(thread.id), undefined, 'nothing is left running');
    const run = await backend.runs.createRun(thread.id, agent.id);
    assert.equal((await endOf(run.id)).status, 'completed');
  });

  it('a stream dropped mid-answer ends the run failed with the reason, keeps what was written, and a new run works', async () => {
    const agent = await newAgent();
    const thread = await backend.threads.create({ agent_id: agent.id });
    await backend.threads.appendMessage(thread.id, userText('one two three four five six seven'));
    service.setWordDelay(10);
    service.dropNextStreamAfter(3);
    const run = await backend.runs.createRun(thread.id, agent.id);
    const failed = await endOf(run.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.last_error?.message ?? '', /interrupted|network|stream/i);
    service.setWordDelay(0);
    await backend.threads.appendMessage(thread.id, userText('again'));
    const next = await backend.runs.createRun(thread.id, agent.id);
    assert.equal((await endOf(next.id)).status, 'completed');
    const texts = (await backend.threads.listMessages(thread.id, { limit: 10, order: 'asc' })).data.map(messageText);
    assert.equal(texts[0], 'one two three four five six seven');
    assert.equal(texts.at(-1), 'Echo: again');
  });

  it('a response that goes quiet past the idle timeout ends the run failed, saying it may still finish; the thread stays usable', async () => {
    const agent = await newAgent();
    const thread = await backend.threads.create({ agent_id: agent.id });
    await backend.threads.appendMessage(thread.id, userText('slow words'));
    service.setWordDelay(2_000);
    const run = await backend.runs.createRun(thread.id, agent.id);
    const failed = await endOf(run.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.last_error?.code, 'timeout');
    assert.match(failed.last_error?.message ?? '', /may still finish/);
    assert.equal(backend.runs.activeRun(thread.id), undefined);
    service.setWordDelay(0);
    await backend.threads.appendMessage(thread.id, userText('quick'));
    assert.equal((await endOf((await backend.runs.createRun(thread.id, agent.id)).id)).status, 'completed');
  });

  it('an unreachable service is named as such, with the endpoint to check', async () => {
    await service.close();
    await assert.rejects(backend.threads.list(), (e: Coded) => e.code === 'foundry_network' && /endpoint/.test(e.message));
    await assert.rejects(backend.agents.list(), (e: Coded) => e.code === 'foundry_network');
    service = await startFakeFoundryServer({ apiKey: KEY }); // for afterEach
  });
});
