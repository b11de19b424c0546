import { strict as assert } from 'node:assert';
import type OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { type ApiHarness, startApiHarness } from './apiHarness';

/** A response as JSON, without what the stream helper adds when it parses (`parsed`, `output_parsed`, `parsed_arguments`). */
function plain(response: unknown): unknown {
  return JSON.parse(
    JSON.stringify(response, (key, value: unknown) => (['parsed', 'output_parsed', 'parsed_arguments'].includes(key) ? undefined : value)),
  );
}

/** The stream's events in order, with what identifies each (its item type or summary paragraph). */
function outline(events: ResponseStreamEvent[]): string[] {
  const out: string[] = [];
  for (const event of events) {
    const last = out.at(-1);
    const label =
      'item' in event ? `${event.type} ${event.item.type}` : 'summary_index' in event ? `${event.type} ${event.summary_index}` : event.type;
    // Runs of deltas read as one line.
    if (event.type.endsWith('.delta') && last === `${label} …`) continue;
    out.push(event.type.endsWith('.delta') ? `${label} …` : label);
  }
  return out;
}

describe('local agent API: a reasoning model streams its summary', function () {
  this.timeout(20_000);
  let h: ApiHarness;
  beforeEach(async () => (h = await startApiHarness({ profile: { api: 'responses' } })));
  afterEach(() => h.close());

  async function stream(params: OpenAI.Responses.ResponseCreateParamsStreaming) {
    const events: ResponseStreamEvent[] = [];
    const running = h.client.responses.stream(params);
    running.on('event', (event) => events.push(event));
    const response = await running.finalResponse();
    events.forEach((event, index) => assert.equal(event.sequence_number, index, `sequence_number of ${event.type}`));
    return { events, response };
  }

  it('sends the reasoning item and its summary paragraphs before the answer; the final response equals retrieve', async () => {
    h.server.script({
      kind: 'text',
      text: 'It is 42.',
      reasoning: { summary: ['Reading the question.', 'Working it out.'], encryptedContent: 'gAAAA-provider-secret' },
    });
    const { events, response } = await stream({ model: 'fake/fake-model', input: 'Why?', stream: true });
    assert.deepEqual(outline(events), [
      'response.created',
      'response.in_progress',
      'response.output_item.added reasoning',
      'response.reasoning_summary_part.added 0',
      'response.reasoning_summary_text.delta 0 …',
      'response.reasoning_summary_text.done 0',
      'response.reasoning_summary_part.done 0',
      'response.reasoning_summary_part.added 1',
      'response.reasoning_summary_text.delta 1 …',
      'response.reasoning_summary_text.done 1',
      'response.reasoning_summary_part.done 1',
      'response.output_item.done reasoning',
      'response.output_item.added message',
      'response.content_part.added',
      'response.output_text.delta …',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done message',
      'response.completed',
    ]);
    const deltas = events.flatMap((e) => (e.type === 'response.reasoning_summary_text.delta' ? [e.delta] : [])).join('');
    assert.equal(deltas, 'Reading the question.Working it out.');
    const [reasoning, message] = response.output;
    assert.deepEqual(reasoning, {
      type: 'reasoning',
      id: reasoning.id,
      summary: [
        { type: 'summary_text', text: 'Reading the question.' },
        { type: 'summary_text', text: 'Working it out.' },
      ],
    });
    const itemDone = events.find((e) => e.type === 'response.output_item.done' && e.item.type === 'reasoning');
    assert.deepEqual(itemDone && 'item' in itemDone ? itemDone.item : undefined, reasoning);
    assert.equal(message.type, 'message');
    assert.equal(response.output_text, 'It is 42.');
    assert.ok(!JSON.stringify(response).includes('provider-secret'), 'the provider’s encrypted reasoning stays in the extension');
    assert.deepEqual(plain(await h.client.responses.retrieve(response.id)), plain(response));
  });

  it('streams the reasoning behind a function call too', async () => {
    h.server.script({
      kind: 'tool_calls',
      calls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }],
      reasoning: { summary: ['The user wants the weather.'] },
    });
    const tools: OpenAI.Responses.FunctionTool[] = [
      { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: false },
    ];
    const { events, response } = await stream({ model: 'fake/fake-model', input: 'Weather?', tools, stream: true });
    const items = outline(events).filter((line) => line.startsWith('response.output_item'));
    assert.deepEqual(items.slice(0, 2), ['response.output_item.added reasoning', 'response.output_item.done reasoning']);
    assert.deepEqual(
      response.output.map((item) => item.type),
      ['reasoning', 'function_call'],
      'no empty message between them',
    );
    assert.deepEqual(plain(await h.client.responses.retrieve(response.id)), plain(response));
  });
});
