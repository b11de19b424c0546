import { strict as assert } from 'node:assert';
import { createOtelTracer, type ExportingTracer } from '../../../src/vscode/backend/tracing/otelTracer';
import { type FakeOtlpReceiver, type ReceivedSpan, startFakeOtlpReceiver } from '../../fixtures/fakeOtlpReceiver';
import { errorBody } from '../../fixtures/fakeModel/replies';
import { type Harness, startHarness } from '../runs/helpers';

const SECRET_WORDS = 'the launch code is pelican';

describe('run traces over OTLP/HTTP', () => {
  let h: Harness;
  let receiver: FakeOtlpReceiver;
  let tracer: ExportingTracer;

  async function start(captureContent: boolean): Promise<void> {
    receiver = await startFakeOtlpReceiver();
    tracer = createOtelTracer({ endpoint: receiver.url, captureContent, serviceVersion: 'test', scheduledDelayMs: 50 });
    h = await startHarness({ engine: { tracer } });
  }
  afterEach(async () => {
    await tracer.shutdown();
    await h.close();
    await receiver.close();
  });

  /** Runs an agent whose model calls `echo` once, then answers; resolves with the spans of that run's trace. */
  async function runWithToolCall(): Promise<{ runId: string; threadId: string; agentId: string; spans: ReceivedSpan[] }> {
    const agent = await h.agent({ name: 'Tracer', tools: [{ name: 'echo' }], instructions: 'Secret instructions.' });
    const threadId = await h.thread(SECRET_WORDS);
    h.server.script(
      { kind: 'tool_calls', calls: [{ id: 'call_echo', name: 'echo', arguments: '{"text":"pelican arguments"}' }] },
      { kind: 'text', text: 'The answer mentions pelican.', usage: { prompt_tokens: 31, completion_tokens: 7 } },
    );
    const run = await h.engine.createRun(threadId, agent.id);
    assert.equal((await h.log.waitForEnd(run.id)).status, 'completed');
    await tracer.flush();
    const spans = await receiver.waitFor((all) => all.some((s) => s.name.startsWith('invoke_agent')));
    return { runId: run.id, threadId, agentId: agent.id, spans };
  }

  it('exports a run as invoke_agent with chat and execute_tool children, GenAI attributes, and no message text', async () => {
    await start(false);
    const { runId, threadId, agentId, spans } = await runWithToolCall();
    const root = spans.find((s) => s.name === 'invoke_agent Tracer');
    assert.ok(root, `spans: ${spans.map((s) => s.name).join(', ')}`);
    assert.equal(root.parentSpanId, '');
    const children = spans.filter((s) => s.parentSpanId === root.spanId);
    assert.deepEqual(
      children.map((s) => s.name),
      ['chat fake-model', 'execute_tool echo', 'chat fake-model'],
    );
    assert.ok(spans.every((s) => s.traceId === root.traceId));
    assert.equal(spans.length, 4);

    assert.equal(root.path, '/v1/traces');
    assert.equal(root.kind, 1);
    assert.deepEqual(
      {
        operation: root.attributes['gen_ai.operation.name'],
        provider: root.attributes['gen_ai.provider.name'],
        agentName: root.attributes['gen_ai.agent.name'],
        agentId: root.attributes['gen_ai.agent.id'],
        conversation: root.attributes['gen_ai.conversation.id'],
        model: root.attributes['gen_ai.request.model'],
        run: root.attributes['agent_threads.run.id'],
        status: root.attributes['agent_threads.run.status'],
      },
      {
        operation: 'invoke_agent',
        provider: 'openai-compatible',
        agentName: 'Tracer',
        agentId,
        conversation: threadId,
        model: 'fake-model',
        run: runId,
        status: 'completed',
      },
    );
    assert.ok(Number(root.attributes['gen_ai.usage.input_tokens']) >= 31);
    assert.ok(Number(root.attributes['gen_ai.usage.output_tokens']) >= 7);

    const [firstChat, tool, lastChat] = children;
    assert.equal(firstChat.kind, 3, 'a model call is a CLIENT span');
    assert.equal(firstChat.attributes['gen_ai.operation.name'], 'chat');
    assert.equal(firstChat.attributes['gen_ai.request.model'], 'fake-model');
    assert.equal(firstChat.attributes['server.address'], '127.0.0.1');
    assert.deepEqual(firstChat.attributes['gen_ai.response.finish_reasons'], ['tool_calls']);
    assert.deepEqual(lastChat.attributes['gen_ai.response.finish_reasons'], ['stop']);
    assert.equal(lastChat.attributes['gen_ai.usage.input_tokens'], 31);
    assert.equal(lastChat.attributes['gen_ai.usage.output_tokens'], 7);
    assert.deepEqual(
      [tool.attributes['gen_ai.operation.name'], tool.attributes['gen_ai.tool.name'], tool.attributes['gen_ai.tool.call.id']],
      ['execute_tool', 'echo', 'call_echo'],
    );
    assert.ok(spans.every((s) => s.status.code !== 2));

    const exported = JSON.stringify(spans);
    for (const words of ['pelican', 'Secret instructions']) assert.ok(!exported.includes(words), `"${words}" must not be exported`);
  });

  it('puts messages, instructions and tool arguments and results on spans only when content capture is allowed', async () => {
    await start(true);
    const { spans } = await runWithToolCall();
    const root = spans.find((s) => s.name.startsWith('invoke_agent'))!;
    assert.match(String(root.attributes['gen_ai.system_instructions']), /Secret instructions/);
    const chats = spans.filter((s) => s.name.startsWith('chat'));
    const input = JSON.parse(String(chats[0].attributes['gen_ai.input.messages'])) as { role: string; parts: { content?: string }[] }[];
    assert.deepEqual(input.find((m) => m.role === 'user')?.parts, [{ type: 'text', content: SECRET_WORDS }]);
    assert.match(String(chats[1].attributes['gen_ai.output.messages']), /The answer mentions pelican/);
    const tool = spans.find((s) => s.name === 'execute_tool echo')!;
    assert.equal(tool.attributes['gen_ai.tool.call.arguments'], '{"text":"pelican arguments"}');
    assert.equal(tool.attributes['gen_ai.tool.call.result'], 'pelican arguments');
  });

  it('marks a failed model call and its run as errors with the error type', async () => {
    await start(false);
    const agent = await h.agent({ name: 'Failing' });
    const threadId = await h.thread('hello');
    h.server.script({ kind: 'http_error', status: 400, body: errorBody('Bad request from the fake.', 'invalid_request_error') });
    const run = await h.engine.createRun(threadId, agent.id);
    const ended = await h.log.waitForEnd(run.id);
    assert.equal(ended.status, 'failed');
    await tracer.flush();
    const spans = await receiver.waitFor((all) => all.some((s) => s.name.startsWith('invoke_agent')));
    const root = spans.find((s) => s.name === 'invoke_agent Failing')!;
    const chat = spans.find((s) => s.name === 'chat fake-model')!;
    assert.equal(chat.parentSpanId, root.spanId);
    assert.equal(chat.status.code, 2);
    assert.equal(root.status.code, 2);
    assert.equal(root.attributes['error.type'], ended.last_error?.code);
    assert.ok(chat.attributes['error.type']);
  });
});
