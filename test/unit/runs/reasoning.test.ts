import { strict as assert } from 'node:assert';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { type Harness, startHarness, userText } from './helpers';

describe('RunEngine with a reasoning model (Responses API)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ profile: { api: 'responses' } });
  });
  afterEach(() => h.close());

  it('stores the reasoning on the answer, streams its summary first, and sends the encrypted item back next turn', async () => {
    const agent = await h.agent({ reasoning_effort: 'low' });
    const threadId = await h.thread('What is 6 x 7?');
    h.server.script({
      kind: 'text',
      text: 'It is 42.',
      reasoning: { id: 'rs_7', summary: ['Multiplying six by seven.'], encryptedContent: 'gAAAA-carried' },
    });
    const first = await h.engine.createRun(threadId, agent.id);
    assert.equal((await h.log.waitForEnd(first.id)).status, 'completed');

    const [, answer] = (await h.threads.listMessages(threadId, { order: 'asc' })).data;
    assert.equal(answer.role, 'assistant');
    assert.deepEqual(answer.reasoning, { id: 'rs_7', summary: ['Multiplying six by seven.'], encrypted_content: 'gAAAA-carried' });
    const streamed = h.log.events.flatMap((event) =>
      event.event === 'thread.message.delta' && event.data.id === answer.id ? [event.data.delta] : [],
    );
    const firstText = streamed.findIndex((delta) => delta.content);
    const thinking = streamed.filter((delta) => delta.reasoning).map((delta) => delta.reasoning!.value);
    assert.equal(thinking.join(''), 'Multiplying six by seven.');
    assert.ok(streamed.findIndex((delta) => delta.reasoning) < firstText, 'the thinking streams before the answer');
    assert.deepEqual(h.server.requests[0].responsesBody?.reasoning, { effort: 'low', summary: 'auto' });

    await h.threads.appendMessage(threadId, userText('And 7 x 8?'));
    h.server.script({ kind: 'text', text: '56.' });
    const second = await h.engine.createRun(threadId, agent.id);
    assert.equal((await h.log.waitForEnd(second.id)).status, 'completed');
    const input = h.server.requests[1].responsesBody?.input as ResponseInputItem[];
    const carried = input.findIndex((item) => 'type' in item && item.type === 'reasoning');
    assert.deepEqual(input[carried], {
      type: 'reasoning',
      id: 'rs_7',
      summary: [{ type: 'summary_text', text: 'Multiplying six by seven.' }],
      encrypted_content: 'gAAAA-carried',
    });
    assert.deepEqual(input[carried + 1], { role: 'assistant', content: 'It is 42.' });
  });

  it('keeps the reasoning of a turn that is only tool calls, and sends it back with the calls and their results', async () => {
    const agent = await h.agent({ tools: [{ name: 'echo' }] });
    const threadId = await h.thread('Echo hi');
    h.server.script(
      {
        kind: 'tool_calls',
        calls: [{ id: 'call_1', name: 'echo', arguments: '{"text":"hi"}' }],
        reasoning: { summary: [], encryptedContent: 'gAAAA-tool' },
      },
      { kind: 'text', text: 'Echoed.' },
    );
    const run = await h.engine.createRun(threadId, agent.id);
    assert.equal((await h.log.waitForEnd(run.id)).status, 'completed');
    assert.equal('reasoning' in (h.server.requests[0].responsesBody ?? {}), false, 'no effort set: nothing sent');
    const input = h.server.requests[1].responsesBody?.input as ResponseInputItem[];
    assert.deepEqual(
      input.map((item) => ('type' in item && item.type ? item.type : 'message')),
      ['message', 'message', 'reasoning', 'function_call', 'function_call_output'],
    );
    assert.equal((input[2] as { encrypted_content?: string }).encrypted_content, 'gAAAA-tool');
  });
});
