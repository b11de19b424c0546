import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import type { AssistantCreateParams } from 'openai/resources/beta/assistants';
import type { Run as ApiRun } from 'openai/resources/beta/threads/runs/runs';
import type { RunEventName } from '../../../src/core/domain/events';
import { sentMessages } from '../runs/helpers';
import { type ApiHarness, startApiHarness } from './apiHarness';
import { waitingToolCalls } from '../../../src/core/domain/run';

describe('local agent API: runs', function () {
  // As in test/unit/.mocharc.json: runs load the tokenizer and talk HTTP twice, which can take seconds on a busy machine.
  this.timeout(20_000);
  let h: ApiHarness;
  let assistantId: string;
  beforeEach(async () => {
    h = await startApiHarness({ engine: { approvalTimeoutMs: 60_000 } });
    assistantId = (await h.client.beta.assistants.create({ model: 'fake/fake-model', name: 'Scripted', instructions: 'Answer.' })).id;
  });
  afterEach(() => h.close());

  const textOf = (message: OpenAI.Beta.Threads.Message): string =>
    message.content.map((part) => (part.type === 'text' ? part.text.value : '')).join('');

  it('runs to completed with createAndPoll; the reply, the run and its steps can be read back', async () => {
    const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'Hi there' }] });
    h.server.script({ kind: 'text', text: 'Hello from the fake model.' });
    const run = await h.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistantId });
    assert.equal(run.status, 'completed');
    assert.equal(run.object, 'thread.run');
    assert.equal(run.model, 'fake/fake-model');
    assert.ok(run.usage && run.usage.total_tokens > 0);

    const messages = await h.client.beta.threads.messages.list(thread.id, { order: 'desc', limit: 1 });
    assert.equal(messages.data[0].role, 'assistant');
    assert.equal(messages.data[0].run_id, run.id);
    assert.equal(textOf(messages.data[0]), 'Hello from the fake model.');

    const runs = await h.client.beta.threads.runs.list(thread.id);
    assert.deepEqual(
      runs.data.map((r) => [r.id, r.status]),
      [[run.id, 'completed']],
    );
    const steps = await h.client.beta.threads.runs.steps.list(run.id, { thread_id: thread.id });
    assert.deepEqual(
      steps.data.map((s) => s.type),
      ['message_creation'],
    );
    const step = await h.client.beta.threads.runs.steps.retrieve(steps.data[0].id, { thread_id: thread.id, run_id: run.id });
    assert.equal(step.object, 'thread.run.step');
    assert.deepEqual(step.step_details, { type: 'message_creation', message_creation: { message_id: messages.data[0].id } });
  });

  it('streams a run as server-sent events: text deltas in order, every engine event, then the final run', async () => {
    const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'Stream please' }] });
    const chunks = ['Streaming', ' is', ' in', ' order.'];
    h.server.script({ kind: 'text', text: chunks.join(''), chunks });
    const deltas: string[] = [];
    const names: string[] = [];
    const stream = h.client.beta.threads.runs.stream(thread.id, { assistant_id: assistantId });
    stream.on('textDelta', (delta) => deltas.push(delta.value ?? ''));
    stream.on('event', (event) => names.push(event.event));
    const final = await stream.finalRun();
    assert.equal(final.status, 'completed');
    assert.deepEqual(deltas, chunks);
    assert.deepEqual(names, h.log.namesOf(final.id));
    assert.equal(names[0], 'thread.run.created');
    assert.equal(names[names.length - 1], 'thread.run.completed');
    const [message] = await stream.finalMessages();
    assert.equal(textOf(message), 'Streaming is in order.');
  });

  it('creates a thread and runs it in one call, polled or streamed', async () => {
    h.server.script({ kind: 'text', text: 'polled answer' }, { kind: 'text', text: 'streamed answer' });
    const polled = await h.client.beta.threads.createAndRunPoll({
      assistant_id: assistantId,
      thread: { messages: [{ role: 'user', content: 'one' }] },
    });
    assert.equal(polled.status, 'completed');
    assert.equal((await h.threads.get(polled.thread_id)).agent_id, assistantId);

    const stream = h.client.beta.threads.createAndRunStream({
      assistant_id: assistantId,
      thread: { messages: [{ role: 'user', content: 'two' }] },
    });
    const final = await stream.finalRun();
    assert.equal(final.status, 'completed');
    assert.notEqual(final.thread_id, polled.thread_id);
    const reply = await h.client.beta.threads.messages.list(final.thread_id, { limit: 1 });
    assert.equal(textOf(reply.data[0]), 'streamed answer');
  });

  it('passes run overrides (instructions, additional messages, token limits) to the model', async () => {
    const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'first' }] });
    h.server.script({ kind: 'text', text: 'ok' });
    const run = await h.client.beta.threads.runs.createAndPoll(thread.id, {
      assistant_id: assistantId,
      additional_instructions: 'Mention the weather.',
      additional_messages: [{ role: 'user', content: 'second' }],
      max_completion_tokens: 77,
      metadata: { origin: 'script' },
    });
    assert.equal(run.status, 'completed');
    assert.deepEqual(run.metadata, { origin: 'script' });
    const sent = sentMessages(h.server, 0);
    assert.match(String(sent[0].content), /Answer\.\n\nMention the weather\./);
    assert.deepEqual(
      sent.slice(-2).map((m) => m.content),
      ['first', 'second'],
    );
    assert.equal((await h.threads.get(thread.id)).message_count, 3);
    await assert.rejects(
      h.client.beta.threads.runs.create(thread.id, { assistant_id: assistantId, model: 'nobody/none' }),
      OpenAI.BadRequestError,
    );
    await assert.rejects(h.client.beta.threads.runs.create(thread.id, { assistant_id: 'asst_00000000NotThere' }), OpenAI.NotFoundError);
  });

  it('answers 409 while the thread is busy, and cancels a stalled run to cancelled', async () => {
    const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'stall' }] });
    h.server.script({ kind: 'stall', text: 'partial answer here', afterChunks: 1 });
    const run = await h.client.beta.threads.runs.create(thread.id, { assistant_id: assistantId });
    await h.log.waitForEvent(run.id, 'thread.message.delta');

    const conflict = (error: unknown): boolean => error instanceof OpenAI.ConflictError && error.status === 409;
    await assert.rejects(h.client.beta.threads.runs.create(thread.id, { assistant_id: assistantId }), conflict);
    await assert.rejects(h.client.beta.threads.messages.create(thread.id, { role: 'user', content: 'more' }), conflict);
    await assert.rejects(h.client.beta.threads.delete(thread.id), conflict);
    assert.equal((await h.client.beta.threads.runs.retrieve(run.id, { thread_id: thread.id })).status, 'in_progress');

    const cancelled = await h.client.beta.threads.runs.cancel(run.id, { thread_id: thread.id });
    assert.equal(cancelled.status, 'cancelled');
    assert.ok(cancelled.cancelled_at);
    assert.equal((await h.client.beta.threads.runs.retrieve(run.id, { thread_id: thread.id })).status, 'cancelled');
    h.server.script({ kind: 'text', text: 'free again' });
    assert.equal((await h.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistantId })).status, 'completed');
  });

  it('keeps a run going when the streaming client disconnects', async () => {
    const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'long answer' }] });
    const words = Array.from({ length: 30 }, (_, i) => ` w${i}`);
    h.server.script({ kind: 'text', text: words.join(''), chunks: words, chunkDelayMs: 20 });
    const stream = h.client.beta.threads.runs.stream(thread.id, { assistant_id: assistantId });
    let received = 0;
    const runId = new Promise<string>((resolve) => stream.on('runStepCreated', (step) => resolve(step.run_id)));
    stream.on('textDelta', () => {
      received++;
      stream.abort();
    });
    await stream.done().catch(() => undefined);
    const ended = await h.log.waitForEnd(await runId);
    assert.equal(ended.status, 'completed');
    assert.ok(received < words.length, `the client stopped reading early (${received} deltas)`);
    const reply = await h.client.beta.threads.messages.list(thread.id, { limit: 1 });
    assert.equal(textOf(reply.data[0]), words.join(''));
  });

  describe('tool calls answered through submit_tool_outputs', () => {
    let toolAssistant: string;
    beforeEach(async () => {
      // echo is read-only (runs at once) unless the agent asks for approval; then the run waits in requires_action
      // and whatever output the script submits stands in for running the tool.
      const params = {
        model: 'fake/fake-model',
        tools: [{ type: 'function', function: { name: 'echo' } }],
        approval_policy: { echo: 'ask' },
      } as AssistantCreateParams;
      toolAssistant = (await h.client.beta.assistants.create(params)).id;
      h.server.script(
        { kind: 'tool_calls', calls: [{ id: 'call_echo1', name: 'echo', arguments: '{"text":"hi"}' }] },
        { kind: 'text', text: 'The tool said: supplied.' },
      );
    });

    const assertToolOutputReachedModel = () => {
      const toolMessages = sentMessages(h.server, 1).filter((m) => m.role === 'tool');
      assert.deepEqual(
        toolMessages.map((m) => [m.tool_call_id, m.content]),
        [['call_echo1', 'supplied']],
      );
    };

    it('polls to requires_action, then submitToolOutputsAndPoll completes the run', async () => {
      const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'echo hi' }] });
      const waiting: ApiRun = await h.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: toolAssistant });
      assert.equal(waiting.status, 'requires_action');
      const calls = waitingToolCalls(waiting.required_action);
      assert.deepEqual(
        calls.map((c) => [c.id, c.function.name, c.function.arguments]),
        [['call_echo1', 'echo', '{"text":"hi"}']],
      );

      await assert.rejects(
        h.client.beta.threads.runs.submitToolOutputs(waiting.id, {
          thread_id: thread.id,
          tool_outputs: [{ tool_call_id: 'call_other', output: 'x' }],
        }),
        OpenAI.BadRequestError,
      );
      const done = await h.client.beta.threads.runs.submitToolOutputsAndPoll(waiting.id, {
        thread_id: thread.id,
        tool_outputs: [{ tool_call_id: 'call_echo1', output: 'supplied' }],
      });
      assert.equal(done.status, 'completed');
      assertToolOutputReachedModel();
      const steps = await h.client.beta.threads.runs.steps.list(waiting.id, { thread_id: thread.id, order: 'asc' });
      const toolStep = steps.data.find((s) => s.type === 'tool_calls')!;
      assert.deepEqual(
        toolStep.step_details.type === 'tool_calls' &&
          toolStep.step_details.tool_calls.map((c) => c.type === 'function' && c.function.output),
        ['supplied'],
      );
    });

    it('writes no empty assistant message and no message_creation step for a turn that is only a tool call', async () => {
      const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'echo hi' }] });
      const waiting = await h.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: toolAssistant });
      assert.equal(waiting.status, 'requires_action');
      const newest = await h.client.beta.threads.messages.list(thread.id, { limit: 1 });
      assert.deepEqual(
        newest.data.map((m) => [m.role, textOf(m)]),
        [['user', 'echo hi']],
      );
      const waitingSteps = await h.client.beta.threads.runs.steps.list(waiting.id, { thread_id: thread.id, order: 'asc' });
      assert.deepEqual(
        waitingSteps.data.map((s) => s.type),
        ['tool_calls'],
      );

      const done = await h.client.beta.threads.runs.submitToolOutputsAndPoll(waiting.id, {
        thread_id: thread.id,
        tool_outputs: [{ tool_call_id: 'call_echo1', output: 'supplied' }],
      });
      assert.equal(done.status, 'completed');
      const all = await h.client.beta.threads.messages.list(thread.id, { order: 'asc' });
      assert.deepEqual(
        all.data.map((m) => [m.role, textOf(m)]),
        [
          ['user', 'echo hi'],
          ['assistant', 'The tool said: supplied.'],
        ],
      );
      assert.equal(all.has_more, false);
      // Cursors page over the visible messages: the stored record of the tool call in between is skipped.
      const [user, reply] = all.data;
      const afterUser = await h.client.beta.threads.messages.list(thread.id, { order: 'asc', limit: 1, after: user.id });
      assert.deepEqual([afterUser.data.map((m) => m.id), afterUser.has_more], [[reply.id], false]);
      const beforeReply = await h.client.beta.threads.messages.list(thread.id, { order: 'asc', limit: 1, before: reply.id });
      assert.deepEqual([beforeReply.data.map((m) => m.id), beforeReply.has_more], [[user.id], false]);
      const steps = await h.client.beta.threads.runs.steps.list(waiting.id, { thread_id: thread.id, order: 'asc' });
      assert.deepEqual(
        steps.data.map((s) => s.type),
        ['tool_calls', 'message_creation'],
      );
      // The next turn still sees the call and its output (kept in the store for the model context and the UI).
      assertToolOutputReachedModel();
    });

    it('streams a tool call: toolCallCreated, toolCallDelta with the arguments, then toolCallDone', async () => {
      const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'echo hi' }] });
      const stream = h.client.beta.threads.runs.stream(thread.id, { assistant_id: toolAssistant });
      const seen: string[] = [];
      const created: { id?: string; type: string; name?: string }[] = [];
      let streamedArguments = '';
      let doneCall: { id?: string; name?: string; arguments?: string } | undefined;
      stream.on('toolCallCreated', (call) => {
        seen.push('created');
        created.push({ id: call.id, type: call.type, name: call.type === 'function' ? call.function.name : undefined });
      });
      stream.on('toolCallDelta', (delta) => {
        seen.push('delta');
        if (delta.type === 'function') streamedArguments += delta.function?.arguments ?? '';
      });
      stream.on('toolCallDone', (call) => {
        seen.push('done');
        if (call.type === 'function') doneCall = { id: call.id, name: call.function.name, arguments: call.function.arguments };
      });
      const waiting = await stream.finalRun();
      assert.equal(waiting.status, 'requires_action');
      assert.deepEqual(created, [{ id: 'call_echo1', type: 'function', name: 'echo' }]);
      assert.equal(streamedArguments, '{"text":"hi"}');
      assert.deepEqual(doneCall, { id: 'call_echo1', name: 'echo', arguments: '{"text":"hi"}' });
      assert.equal(seen[0], 'created');
      assert.equal(seen[seen.length - 1], 'done');
      assert.ok(seen.includes('delta'));
    });

    it('approves the call and runs the registered tool when an entry has no output', async () => {
      const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'echo hi' }] });
      const waiting = await h.client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: toolAssistant });
      assert.equal(waiting.status, 'requires_action');
      const done = await h.client.beta.threads.runs.submitToolOutputsAndPoll(waiting.id, {
        thread_id: thread.id,
        tool_outputs: [{ tool_call_id: 'call_echo1' }],
      });
      assert.equal(done.status, 'completed');
      const toolMessages = sentMessages(h.server, 1).filter((m) => m.role === 'tool');
      assert.deepEqual(
        toolMessages.map((m) => [m.tool_call_id, m.content]),
        [['call_echo1', 'hi']],
      );
    });

    it('streams up to requires_action, then streams the rest after the outputs', async () => {
      const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'echo hi' }] });
      const first = h.client.beta.threads.runs.stream(thread.id, { assistant_id: toolAssistant });
      const waiting = await first.finalRun();
      assert.equal(waiting.status, 'requires_action');

      const names: RunEventName[] = [];
      const deltas: string[] = [];
      const second = h.client.beta.threads.runs.submitToolOutputsStream(waiting.id, {
        thread_id: thread.id,
        tool_outputs: [{ tool_call_id: 'call_echo1', output: 'supplied' }],
        stream: true,
      });
      second.on('event', (event) => names.push(event.event as RunEventName));
      second.on('textDelta', (delta) => deltas.push(delta.value ?? ''));
      const final = await second.finalRun();
      assert.equal(final.status, 'completed');
      assert.equal(names[0], 'thread.run.in_progress');
      assert.equal(deltas.join(''), 'The tool said: supplied.');
      assertToolOutputReachedModel();
      // The stream leaves out deltas of the tool step created before it opened (the SDK has no snapshot of it).
      const all = h.log.namesOf(final.id);
      const afterResume = all.slice(all.lastIndexOf('thread.run.requires_action') + 1);
      assert.deepEqual(
        names,
        afterResume.filter((name, i) => name !== 'thread.run.step.delta' || afterResume.slice(0, i).includes('thread.run.step.created')),
      );
      assert.ok(names.includes('thread.run.step.completed'));
    });
  });
});
