import { strict as assert } from 'node:assert';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import { type ToolDefinition, ToolRegistry } from '../../../src/core/tools/toolRegistry';
import { gatedByWorkspaceTrust } from '../../../src/core/tools/workspaceTrust';
import { type Harness, sentMessages, startHarness, userText } from '../runs/helpers';

describe('workspace trust gate', () => {
  let trusted: boolean;
  let writes: number;
  let registry: ToolRegistry;
  const context = { threadId: 't', runId: 'r', signal: new AbortController().signal };
  beforeEach(() => {
    trusted = false;
    writes = 0;
    const write: ToolDefinition = {
      name: 'write',
      description: 'w',
      parameters: { type: 'object' },
      readOnly: false,
      invoke: async () => `wrote ${++writes}`,
    };
    registry = new ToolRegistry();
    for (const tool of [...builtinTools(), write]) registry.register(gatedByWorkspaceTrust(tool, () => trusted));
  });

  it('refuses a changing tool in Restricted Mode with an error that says how to trust the folder', async () => {
    const result = await registry.invoke('write', '{}', context);
    assert.equal(result.ok, false);
    assert.match(result.output, /Restricted Mode/);
    assert.match(result.output, /Manage Workspace Trust/);
    assert.equal(writes, 0);
  });

  it('keeps read-only tools working in Restricted Mode', async () => {
    assert.deepEqual(await registry.invoke('echo', '{"text":"hi"}', context), { ok: true, output: 'hi' });
  });

  it('runs the changing tool as soon as the workspace is trusted', async () => {
    await registry.invoke('write', '{}', context);
    trusted = true;
    assert.deepEqual(await registry.invoke('write', '{}', context), { ok: true, output: 'wrote 1' });
  });
});

describe('workspace trust in the run engine', () => {
  let h: Harness;
  let trusted: boolean;
  let writes: number;
  beforeEach(async () => {
    trusted = false;
    writes = 0;
    const write: ToolDefinition = {
      name: 'write',
      description: 'w',
      parameters: { type: 'object' },
      readOnly: false,
      invoke: async () => `wrote ${++writes}`,
    };
    h = await startHarness({ engine: { approvalTimeoutMs: 60_000 }, tools: [gatedByWorkspaceTrust(write, () => trusted)] });
  });
  afterEach(() => h.close());

  it('refuses a changing tool in Restricted Mode without asking the user first, and tells the model why', async () => {
    const agent = await h.agent({ tools: [{ name: 'write' }], approval_policy: { write: 'ask' } });
    const thread = await h.threads.create({ messages: [userText('write it')] });
    h.server.script(
      { kind: 'tool_calls', calls: [{ id: 'call_w', name: 'write', arguments: '{}' }] },
      { kind: 'text', text: 'I cannot write here.' },
    );
    const run = await h.engine.createRun(thread.id, agent.id);
    assert.equal((await h.log.waitForEnd(run.id)).status, 'completed');
    assert.ok(!h.log.namesOf(run.id).includes('thread.run.requires_action'), 'no approval is asked for a call that cannot run');
    assert.equal(writes, 0);
    const toolMessage = sentMessages(h.server, 1).find((m) => m.role === 'tool');
    assert.match(String(toolMessage?.content), /Restricted Mode[\s\S]*Manage Workspace Trust/);
    const [step] = (await h.threads.listRunSteps(thread.id, run.id)).filter((s) => s.type === 'tool_calls');
    assert.equal(step.type === 'tool_calls' && step.step_details.tool_calls[0].status, 'failed', 'the run step shows the refusal');
  });

  it('asks as usual once the workspace is trusted', async () => {
    trusted = true;
    const agent = await h.agent({ tools: [{ name: 'write' }], approval_policy: { write: 'ask' } });
    const thread = await h.threads.create({ messages: [userText('write it')] });
    h.server.script({ kind: 'tool_calls', calls: [{ id: 'call_w', name: 'write', arguments: '{}' }] }, { kind: 'text', text: 'done' });
    const run = await h.engine.createRun(thread.id, agent.id);
    await h.log.waitForEvent(run.id, 'thread.run.requires_action');
    await h.engine.submitToolApprovals(thread.id, run.id, [{ tool_call_id: 'call_w', approve: true }]);
    assert.equal((await h.log.waitForEnd(run.id)).status, 'completed');
    assert.equal(writes, 1);
  });
});
