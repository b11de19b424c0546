import { strict as assert } from 'node:assert';
import type { RunStep } from '../../../src/core/domain/run';
import { RunError } from '../../../src/core/runs';
import type { ToolDefinition } from '../../../src/core/tools/toolRegistry';
import { type Harness, sentMessages, startHarness } from './helpers';
import { waitingToolCalls } from '../../../src/core/domain/run';

/** A tool that changes things (so it asks by default) and records its calls. */
function writeTool(calls: unknown[]): ToolDefinition {
  return {
    name: 'write_note',
    description: 'Writes a note.',
    parameters: { type: 'object', properties: { note: { type: 'string' } }, required: ['note'] },
    readOnly: false,
    invoke: async (args) => {
      calls.push(args);
      return `wrote ${(args as { note: string }).note}`;
    },
  };
}

function toolMessages(h: Harness, request: number): Array<Record<string, unknown>> {
  return sentMessages(h.server, request).filter((m) => m.role === 'tool');
}

describe('RunEngine tool loop', () => {
  let h: Harness;
  let written: unknown[];
  beforeEach(async () => {
    written = [];
    h = await startHarness({ engine: { approvalTimeoutMs: 60_000 }, tools: [writeTool(written)] });
  });
  afterEach(() => h.close());

  const agentWith = (extra: Parameters<Harness['agent']>[0] = {}) =>
    h.agents.create({
      name: 'Tools',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Use tools.',
      tools: [{ name: 'echo' }, { name: 'write_note' }],
      ...extra,
    });

  it('runs parallel auto calls, stores outputs on the step and the message, and asks the model again', async () => {
    const agent = await agentWith();
    const threadId = await h.thread('echo twice');
    h.server.script(
      {
        kind: 'tool_calls',
        interleave: true,
        calls: [
          { id: 'call_1', name: 'echo', arguments: '{"text":"one"}' },
          { id: 'call_2', name: 'echo', arguments: '{"text":"two"}' },
        ],
      },
      { kind: 'text', text: 'one two' },
    );
    const run = await h.engine.createRun(threadId, agent.id);
    const ended = await h.log.waitForEnd(run.id);
    assert.equal(ended.status, 'completed');

    const second = sentMessages(h.server, 1);
    assert.deepEqual(
      second.slice(-3).map((m) => m.role),
      ['assistant', 'tool', 'tool'],
    );
    assert.deepEqual(
      toolMessages(h, 1).map((m) => [m.tool_call_id, m.content]),
      [
        ['call_1', 'one'],
        ['call_2', 'two'],
      ],
    );
    assert.ok(Array.isArray(h.server.requests[0].body!.tools) && h.server.requests[0].body!.tools.length === 2);

    const steps = await h.threads.listRunSteps(threadId, run.id);
    assert.deepEqual(
      steps.map((s) => s.type),
      ['tool_calls', 'message_creation'],
    );
    const toolStep = steps[0] as Extract<RunStep, { type: 'tool_calls' }>;
    assert.equal(toolStep.status, 'completed');
    assert.deepEqual(
      toolStep.step_details.tool_calls.map((c) => [c.function.output, c.status]),
      [
        ['one', 'completed'],
        ['two', 'completed'],
      ],
    );
    const [toolCalling] = await h.threads.readNewest(threadId, 2);
    assert.deepEqual(
      toolCalling.tool_calls?.map((c) => c.function.output),
      ['one', 'two'],
    );
    assert.ok(h.log.namesOf(run.id).includes('thread.run.step.delta'));
  });

  it('pauses in requires_action for a tool that asks, then runs it once approved', async () => {
    const agent = await agentWith();
    const threadId = await h.thread('write it');
    h.server.script(
      { kind: 'tool_calls', calls: [{ id: 'call_w', name: 'write_note', arguments: '{"note":"hi"}' }] },
      { kind: 'text', text: 'Written.' },
    );
    const run = await h.engine.createRun(threadId, agent.id);
    const waiting = (await h.log.waitForEvent(run.id, 'thread.run.requires_action')).data as typeof run;
    assert.deepEqual(waitingToolCalls(waiting.required_action), [
      { id: 'call_w', type: 'function', function: { name: 'write_note', arguments: '{"note":"hi"}' } },
    ]);
    assert.ok(waiting.expires_at !== null);
    assert.equal((await h.threads.getRun(threadId, run.id)).status, 'requires_action');
    assert.equal(written.length, 0, 'nothing runs before approval');

    await h.engine.submitToolApprovals(threadId, run.id, [{ tool_call_id: 'call_w', approve: true }]);
    const ended = await h.log.waitForEnd(run.id);
    await assert.rejects(
      h.engine.submitToolOutputs(threadId, run.id, [{ tool_call_id: 'call_w', output: 'late' }]),
      (e: RunError) => e.code === 'run_not_found',
    );
    assert.equal(ended.status, 'completed');
    assert.deepEqual(written, [{ note: 'hi' }]);
    const statuses = h.log.namesOf(run.id).filter((n) => n.startsWith('thread.run.') && !n.includes('step'));
    assert.deepEqual(statuses, [
      'thread.run.created',
      'thread.run.queued',
      'thread.run.in_progress',
      'thread.run.requires_action',
      'thread.run.in_progress',
      'thread.run.completed',
    ]);
    assert.equal(toolMessages(h, 1)[0].content, 'wrote hi');
  });

  it('lets the model see a denial, and remembers "always for this thread"', async () => {
    const agent = await agentWith();
    const threadId = await h.thread('write twice');
    h.server.script(
      {
        kind: 'tool_calls',
        calls: [
          { id: 'call_a', name: 'write_note', arguments: '{"note":"a"}' },
          { id: 'call_b', name: 'write_note', arguments: '{"note":"b"}' },
        ],
      },
      { kind: 'text', text: 'ok' },
    );
    const run = await h.engine.createRun(threadId, agent.id);
    await h.log.waitForEvent(run.id, 'thread.run.requires_action');
    await assert.rejects(
      h.engine.submitToolApprovals(threadId, run.id, [{ tool_call_id: 'call_zzz', approve: true }]),
      (e: RunError) => e.code === 'unknown_tool_call',
    );
    await h.engine.submitToolApprovals(threadId, run.id, [{ tool_call_id: 'call_a', approve: false }]);
    assert.equal(h.engine.activeRun(threadId)?.status, 'requires_action', 'waits until every call is answered');
    await h.engine.submitToolApprovals(threadId, run.id, [{ tool_call_id: 'call_b', approve: true, alwaysForThread: true }]);
    await h.log.waitForEnd(run.id);
    assert.deepEqual(written, [{ note: 'b' }]);
    const [denied, approved] = toolMessages(h, 1);
    assert.match(String(denied.content), /user denied/);
    assert.equal(approved.content, 'wrote b');
    assert.equal((await h.threads.get(threadId)).metadata.allowed_tools, 'write_note');

    // The next run on the thread runs the tool without asking.
    h.server.script(
      { kind: 'tool_calls', calls: [{ id: 'call_c', name: 'write_note', arguments: '{"note":"c"}' }] },
      { kind: 'text', text: 'done' },
    );
    const next = await h.engine.createRun(threadId, agent.id);
    assert.equal((await h.log.waitForEnd(next.id)).status, 'completed');
    assert.ok(!h.log.namesOf(next.id).includes('thread.run.requires_action'));
    assert.deepEqual(written, [{ note: 'b' }, { note: 'c' }]);
  });

  it('accepts outputs supplied by the caller for waiting calls', async () => {
    const agent = await agentWith();
    const threadId = await h.thread('external');
    h.server.script(
      { kind: 'tool_calls', calls: [{ id: 'call_x', name: 'write_note', arguments: '{"note":"x"}' }] },
      { kind: 'text', text: 'ok' },
    );
    const run = await h.engine.createRun(threadId, agent.id);
    await h.log.waitForEvent(run.id, 'thread.run.requires_action');
    await h.engine.submitToolOutputs(threadId, run.id, [{ tool_call_id: 'call_x', output: 'done elsewhere' }]);
    await h.log.waitForEnd(run.id);
    assert.equal(toolMessages(h, 1)[0].content, 'done elsewhere');
    assert.deepEqual(written, []);
  });

  it('refuses a tool the agent policy denies and tells the model', async () => {
    const agent = await agentWith({ approval_policy: { write_note: 'deny' } });
    const threadId = await h.thread('write');
    h.server.script({ kind: 'tool_calls', calls: [{ name: 'write_note', arguments: '{"note":"x"}' }] }, { kind: 'text', text: 'ok' });
    const run = await h.engine.createRun(threadId, agent.id);
    assert.equal((await h.log.waitForEnd(run.id)).status, 'completed');
    assert.match(String(toolMessages(h, 1)[0].content), /denied by policy/);
    assert.deepEqual(written, []);
  });

  it('sends malformed tool-call JSON back to the model as a tool error', async () => {
    const agent = await agentWith();
    const threadId = await h.thread('echo');
    h.server.script(
      { kind: 'tool_calls', calls: [{ name: 'echo', arguments: '{"text": "unterminated' }] },
      { kind: 'text', text: 'sorry' },
    );
    const run = await h.engine.createRun(threadId, agent.id);
    assert.equal((await h.log.waitForEnd(run.id)).status, 'completed');
    assert.match(String(toolMessages(h, 1)[0].content), /not valid JSON/);
  });

  it('ends as incomplete with max_tool_rounds when the model keeps calling tools', async () => {
    await h.close();
    h = await startHarness({ engine: { maxToolRounds: 2 } });
    const agent = await h.agent({ tools: [{ name: 'echo' }] });
    const threadId = await h.thread('loop');
    const call = { kind: 'tool_calls' as const, calls: [{ name: 'echo', arguments: '{"text":"again"}' }] };
    h.server.script(call, call, call);
    const run = await h.engine.createRun(threadId, agent.id);
    const ended = await h.log.waitForEnd(run.id);
    assert.equal(ended.status, 'incomplete');
    assert.deepEqual(ended.incomplete_details, { reason: 'max_tool_rounds' });
    assert.equal(h.server.requests.length, 2);
  });

  it('expires a run nobody approves in time', async () => {
    await h.close();
    h = await startHarness({ engine: { approvalTimeoutMs: 30 }, tools: [writeTool(written)] });
    const agent = await agentWith();
    const threadId = await h.thread('write');
    h.server.script({ kind: 'tool_calls', calls: [{ id: 'call_late', name: 'write_note', arguments: '{"note":"x"}' }] });
    const run = await h.engine.createRun(threadId, agent.id);
    const ended = await h.log.waitForEnd(run.id);
    assert.equal(ended.status, 'expired');
    assert.deepEqual(written, []);
    const steps = await h.threads.listRunSteps(threadId, run.id);
    assert.equal(steps.at(-1)!.status, 'expired');
    const [message] = await h.threads.readNewest(threadId, 1);
    assert.match(message.tool_calls![0].function.output!, /expired/);
    await assert.rejects(
      h.engine.submitToolApprovals(threadId, run.id, [{ tool_call_id: 'call_late', approve: true }]),
      (e: RunError) => e.code === 'run_not_found',
    );
  });
});
