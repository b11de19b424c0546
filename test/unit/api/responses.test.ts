import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { sentMessages } from '../runs/helpers';
import { type ApiHarness, startApiHarness, unparsed } from './apiHarness';

// Fields each streamed event type must carry, typed by the openai package so a renamed field fails to compile.
type EventOf<T extends ResponseStreamEvent['type']> = Extract<ResponseStreamEvent, { type: T }>;
const REQUIRED: { [T in ResponseStreamEvent['type']]?: (keyof EventOf<T>)[] } = {
  'response.created': ['response', 'sequence_number'],
  'response.in_progress': ['response', 'sequence_number'],
  'response.completed': ['response', 'sequence_number'],
  'response.failed': ['response', 'sequence_number'],
  'response.incomplete': ['response', 'sequence_number'],
  'response.output_item.added': ['item', 'output_index', 'sequence_number'],
  'response.output_item.done': ['item', 'output_index', 'sequence_number'],
  'response.content_part.added': ['item_id', 'output_index', 'content_index', 'part', 'sequence_number'],
  'response.content_part.done': ['item_id', 'output_index', 'content_index', 'part', 'sequence_number'],
  'response.output_text.delta': ['item_id', 'output_index', 'content_index', 'delta', 'logprobs', 'sequence_number'],
  'response.output_text.done': ['item_id', 'output_index', 'content_index', 'text', 'logprobs', 'sequence_number'],
  'response.function_call_arguments.delta': ['item_id', 'output_index', 'delta', 'sequence_number'],
  'response.function_call_arguments.done': ['item_id', 'output_index', 'arguments', 'sequence_number'],
  'response.mcp_call_arguments.delta': ['item_id', 'output_index', 'delta', 'sequence_number'],
  'response.mcp_call_arguments.done': ['item_id', 'output_index', 'arguments', 'sequence_number'],
  'response.mcp_call.in_progress': ['item_id', 'output_index', 'sequence_number'],
  'response.mcp_call.completed': ['item_id', 'output_index', 'sequence_number'],
  'response.mcp_call.failed': ['item_id', 'output_index', 'sequence_number'],
};

/** Checks every event against its type's required fields and that sequence numbers count up by one. */
function assertWellFormed(events: ResponseStreamEvent[]): void {
  events.forEach((event, index) => {
    const required = REQUIRED[event.type] as string[] | undefined;
    assert.ok(required, `unexpected event type ${event.type}`);
    for (const key of required) assert.ok(key in event, `${event.type} lacks ${key}`);
    assert.equal(event.sequence_number, events[0].sequence_number + index, `sequence_number of event ${index} (${event.type})`);
  });
}

const WEATHER_TOOL: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

describe('local agent API: responses', function () {
  this.timeout(20_000);
  let h: ApiHarness;
  beforeEach(async () => {
    h = await startApiHarness();
    await h.agent({ name: 'Scripted', instructions: 'Answer briefly.', tools: [{ name: 'echo' }], approval_policy: { echo: 'ask' } });
  });
  afterEach(() => h.close());

  it('answers a plain input with a bare model, waited for; retrieve gives the same response', async () => {
    h.server.script({ kind: 'text', text: 'Hello there.' });
    const response = await h.client.responses.create({ model: 'fake/fake-model', input: 'Hi', instructions: 'Be kind.' });
    assert.equal(response.status, 'completed');
    assert.equal(response.object, 'response');
    assert.equal(response.output_text, 'Hello there.');
    assert.equal(response.output.length, 1);
    assert.equal(response.output[0].type, 'message');
    assert.ok(response.usage && response.usage.total_tokens > 0);
    assert.equal(String(sentMessages(h.server, 0)[0].content), 'Be kind.');
    assert.deepEqual(await h.client.responses.retrieve(response.id), response);
    const input = await h.client.responses.inputItems.list(response.id);
    assert.deepEqual(
      input.data.map((item) => item.type === 'message' && item.content[0].type === 'input_text' && item.content[0].text),
      ['Hi'],
    );
  });

  it('streams a workspace agent answer with the documented events; the final response equals retrieve', async () => {
    const conversation = await h.client.conversations.create({ metadata: { topic: 'stream' } });
    const chunks = ['Streaming', ' in', ' order.'];
    h.server.script({ kind: 'text', text: chunks.join(''), chunks });
    const stream = h.client.responses.stream({
      agent: { type: 'agent_reference', name: 'Scripted' },
      conversation: conversation.id,
      input: 'Stream please',
    } as unknown as OpenAI.Responses.ResponseCreateParamsStreaming);
    const events: ResponseStreamEvent[] = [];
    stream.on('event', (event) => events.push(event));
    const final = await stream.finalResponse();
    assertWellFormed(events);
    assert.deepEqual(
      events.map((e) => e.type),
      [
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ],
    );
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])),
      chunks,
    );
    assert.equal(final.output_text, 'Streaming in order.');
    assert.deepEqual(final.conversation, { id: conversation.id });
    assert.deepEqual((final as unknown as { agent: unknown }).agent, { type: 'agent_reference', name: 'Scripted', version: '1' });
    assert.deepEqual(await h.client.responses.retrieve(final.id), unparsed(final));

    const items = await h.client.conversations.items.list(conversation.id, { order: 'asc' });
    assert.deepEqual(
      items.data.map((item) => [item.type, item.type === 'message' ? item.role : '']),
      [
        ['message', 'user'],
        ['message', 'assistant'],
      ],
    );
    // The conversation is a thread: the same messages, in the tree.
    const thread = (await h.threads.list()).find((t) => conversation.id.endsWith(t.id.slice('thread_'.length)));
    assert.ok(thread);
    assert.equal(thread.message_count, 2);
  });

  it('hands a client function call back and continues with its output (previous_response_id)', async () => {
    h.server.script(
      { kind: 'tool_calls', calls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
      { kind: 'text', text: 'It is sunny in Oslo.' },
    );
    const first = await h.client.responses.create({ model: 'fake/fake-model', input: 'Weather in Oslo?', tools: [WEATHER_TOOL] });
    assert.equal(first.status, 'completed');
    const call = first.output.find((item) => item.type === 'function_call');
    assert.ok(call && call.type === 'function_call');
    assert.equal(call.name, 'get_weather');
    assert.equal(call.call_id, 'call_w1');
    assert.equal(call.arguments, '{"city":"Oslo"}');
    const declared = (h.server.requests[0].body!.tools as unknown as { function: { name: string } }[]).map((t) => t.function.name);
    assert.deepEqual(declared, ['get_weather']);

    const second = await h.client.responses.create({
      model: 'fake/fake-model',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: 'call_w1', output: 'sunny, 21 C' }],
      tools: [WEATHER_TOOL],
    });
    assert.equal(second.status, 'completed');
    assert.equal(second.output_text, 'It is sunny in Oslo.');
    assert.equal(second.previous_response_id, first.id);
    const toolMessages = sentMessages(h.server, 1).filter((m) => m.role === 'tool');
    assert.deepEqual(
      toolMessages.map((m) => [m.tool_call_id, m.content]),
      [['call_w1', 'sunny, 21 C']],
    );
    const input = await h.client.responses.inputItems.list(second.id);
    assert.deepEqual(
      input.data.map((item) => item.type),
      ['function_call_output'],
    );
    // An output for a call that is not open is refused.
    await assert.rejects(
      h.client.responses.create({
        model: 'fake/fake-model',
        previous_response_id: second.id,
        input: [{ type: 'function_call_output', call_id: 'call_w1', output: 'again' }],
      }),
      OpenAI.BadRequestError,
    );
  });

  it('streams a function call: arguments delta and done, and the item done', async () => {
    h.server.script({ kind: 'tool_calls', calls: [{ id: 'call_s1', name: 'get_weather', arguments: '{"city":"Rome"}' }] });
    const stream = h.client.responses.stream({ model: 'fake/fake-model', input: 'Rome?', tools: [WEATHER_TOOL] });
    const events: ResponseStreamEvent[] = [];
    stream.on('event', (event) => events.push(event));
    const final = await stream.finalResponse();
    assertWellFormed(events);
    assert.deepEqual(
      events.map((e) => e.type),
      [
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.done',
        'response.output_item.done',
        'response.completed',
      ],
    );
    assert.deepEqual(await h.client.responses.retrieve(final.id), unparsed(final));
  });

  it('shows a workspace call waiting for approval as mcp_approval_request; an approval runs it', async () => {
    const conversation = await h.client.conversations.create();
    h.server.script(
      { kind: 'tool_calls', calls: [{ id: 'call_e1', name: 'echo', arguments: '{"text":"approved text"}' }] },
      { kind: 'text', text: 'Echo done.' },
    );
    const agent = { type: 'agent_reference', name: 'Scripted' };
    const first = await h.client.responses.create({
      agent,
      conversation: conversation.id,
      input: 'Echo it',
    } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    assert.equal(first.status, 'completed');
    const request = first.output.find((item) => item.type === 'mcp_approval_request');
    assert.ok(request && request.type === 'mcp_approval_request');
    assert.equal(request.name, 'echo');
    assert.equal(request.server_label, 'agent_threads_workspace');

    const stream = h.client.responses.stream({
      agent,
      conversation: conversation.id,
      input: [{ type: 'mcp_approval_response', approval_request_id: request.id, approve: true }],
    } as unknown as OpenAI.Responses.ResponseCreateParamsStreaming);
    const events: ResponseStreamEvent[] = [];
    stream.on('event', (event) => events.push(event));
    const second = await stream.finalResponse();
    assertWellFormed(events);
    const call = second.output.find((item) => item.type === 'mcp_call');
    assert.ok(call && call.type === 'mcp_call');
    assert.equal(call.output, 'approved text');
    assert.equal(call.approval_request_id, request.id);
    assert.equal(second.output_text, 'Echo done.');
    assert.deepEqual(await h.client.responses.retrieve(second.id), unparsed(second));
    const toolMessages = sentMessages(h.server, 1).filter((m) => m.role === 'tool');
    assert.deepEqual(
      toolMessages.map((m) => m.content),
      ['approved text'],
    );
  });

  it('runs in the background: retrieve polls it, cancel stops it', async () => {
    h.server.script({ kind: 'stall', text: 'partial answer here', afterChunks: 1 });
    const started = await h.client.responses.create({ model: 'fake/fake-model', input: 'stall', background: true });
    assert.equal(started.background, true);
    assert.ok(started.status === 'queued' || started.status === 'in_progress');
    const ids = await h.log.waitFor((event) => event.event === 'thread.message.delta');
    assert.ok(ids);
    const polled = await h.client.responses.retrieve(started.id);
    assert.equal(polled.status, 'in_progress');
    const cancelled = await h.client.responses.cancel(started.id);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal((await h.client.responses.retrieve(started.id)).status, 'cancelled');
  });

  it('a background stream goes on after the client disconnects', async () => {
    h.server.script({ kind: 'text', text: 'one two three four', chunks: ['one', ' two', ' three', ' four'], chunkDelayMs: 20 });
    const stream = await h.client.responses.create({ model: 'fake/fake-model', input: 'go', background: true, stream: true });
    let id: string | undefined;
    for await (const event of stream) {
      if (event.type === 'response.created') {
        id = event.response.id;
        break;
      }
    }
    assert.ok(id);
    const runId = `run_${id.split('_')[2]}`;
    const run = await h.log.waitForEnd(runId);
    assert.equal(run.status, 'completed');
    assert.equal((await h.client.responses.retrieve(id)).output_text, 'one two three four');
  });

  it('refuses unknown agents, models, tool names that clash and answers without a previous response', async () => {
    await assert.rejects(
      h.client.responses.create({
        agent: { type: 'agent_reference', name: 'Nobody' },
        input: 'x',
      } as unknown as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming),
      OpenAI.NotFoundError,
    );
    await assert.rejects(h.client.responses.create({ model: 'nobody/none', input: 'x' }), OpenAI.BadRequestError);
    await assert.rejects(
      h.client.responses.create({ model: 'fake/fake-model', input: 'x', tools: [{ ...WEATHER_TOOL, name: 'echo' }] }),
      OpenAI.BadRequestError,
    );
    await assert.rejects(
      h.client.responses.create({ model: 'fake/fake-model', input: [{ type: 'function_call_output', call_id: 'c', output: 'o' }] }),
      OpenAI.BadRequestError,
    );
    await assert.rejects(h.client.responses.retrieve('resp_nothing'), OpenAI.NotFoundError);
  });
});
