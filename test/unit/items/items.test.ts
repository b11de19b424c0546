import { strict as assert } from 'node:assert';
import type { Message } from '../../../src/core/domain/message';
import {
  callItemId,
  conversationId,
  messageToItems,
  parseInputItems,
  parseItemId,
  parseResponseId,
  reasoningItemId,
  responseId,
  responseStatus,
  threadIdOfConversation,
} from '../../../src/core/items';

const BODY = '0VcKC0oupVOS3hRsy5Fz6CYt';

function assistant(extra: Partial<Message>): Message {
  return {
    id: `msg_${BODY}`,
    object: 'thread.message',
    thread_id: 'thread_T0000000',
    role: 'assistant',
    content: [],
    assistant_id: 'asst_A0000000',
    run_id: 'run_R0000000',
    status: 'completed',
    incomplete_details: null,
    attachments: null,
    metadata: null,
    created_at: 1,
    completed_at: 1,
    incomplete_at: null,
    ...extra,
  };
}

describe('items: the domain ⇄ Responses item mapping', () => {
  it('makes reversible ids for items, conversations and responses', () => {
    assert.deepEqual(parseItemId(`msg_${BODY}`), { kind: 'message', messageId: `msg_${BODY}` });
    assert.deepEqual(parseItemId(reasoningItemId(`msg_${BODY}`)), { kind: 'reasoning', messageId: `msg_${BODY}` });
    for (const kind of ['fc', 'fco', 'mcp', 'mcpr', 'mcpa'] as const) {
      assert.deepEqual(parseItemId(callItemId(kind, `msg_${BODY}`, 3)), { kind, messageId: `msg_${BODY}`, callIndex: 3 });
    }
    assert.equal(parseItemId('fc_short_1'), undefined);
    assert.equal(parseItemId('xx_0VcKC0oupVOS3hRsy5Fz6CYt_1'), undefined);
    assert.equal(threadIdOfConversation(conversationId(`thread_${BODY}`)), `thread_${BODY}`);
    assert.equal(threadIdOfConversation(`thread_${BODY}`), `thread_${BODY}`);
    assert.equal(threadIdOfConversation('conv_../x'), undefined);
    assert.deepEqual(parseResponseId(responseId(`thread_${BODY}`, 'run_R0000000')), { threadId: `thread_${BODY}`, runId: 'run_R0000000' });
  });

  it('shows an answer with reasoning, text, a client call with its output and a workspace call awaiting approval', () => {
    const items = messageToItems(
      assistant({
        content: [{ type: 'text', text: { value: 'Let me check.' } }],
        reasoning: { summary: ['Thinking about it.'], encrypted_content: 'opaque' },
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{}', output: 'sunny' }, executor: 'client' },
          { id: 'call_b', type: 'function', function: { name: 'write_file', arguments: '{"p":1}', output: null }, awaiting_approval: true },
          { id: 'call_c', type: 'function', function: { name: 'read_file', arguments: '{}', output: 'text' } },
        ],
      }),
    );
    assert.deepEqual(
      items.map((item) => [item.type, item.id]),
      [
        ['reasoning', `rs_${BODY}`],
        ['message', `msg_${BODY}`],
        ['function_call', `fc_${BODY}_0`],
        ['function_call_output', `fco_${BODY}_0`],
        ['mcp_approval_request', `mcpr_${BODY}_1`],
        ['mcp_call', `mcp_${BODY}_2`],
      ],
    );
    assert.deepEqual(items[0], {
      type: 'reasoning',
      id: `rs_${BODY}`,
      summary: [{ type: 'summary_text', text: 'Thinking about it.' }],
      encrypted_content: 'opaque',
    });
  });

  it('parses input items into messages, call outputs and approvals, and refuses what it cannot keep', () => {
    const parsed = parseInputItems(
      [
        { role: 'user', content: 'hello' },
        { type: 'function_call_output', call_id: 'call_a', output: [{ type: 'input_text', text: 'done' }] },
        { type: 'mcp_approval_response', approval_request_id: `mcpr_${BODY}_1`, approve: false },
        { type: 'message', role: 'user', content: [{ type: 'input_file', filename: 'a.txt', file_data: 'data:text/plain;base64,aGk=' }] },
      ],
      'input',
    );
    assert.deepEqual(parsed.outputs, [{ call_id: 'call_a', output: 'done' }]);
    assert.deepEqual(parsed.approvals, [{ approval_request_id: `mcpr_${BODY}_1`, approve: false }]);
    assert.deepEqual(
      parsed.messages.map((m) => m.content),
      [[{ type: 'text', text: { value: 'hello' } }], [{ type: 'text', text: { value: 'File a.txt:\n```\nhi\n```' } }]],
    );
    assert.throws(() => parseInputItems([{ role: 'system', content: 'x' }], 'input'), /instructions/);
    assert.throws(() => parseInputItems([{ type: 'web_search_call' }], 'input'), /not accepted/);
    assert.throws(
      () => parseInputItems([{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x/y.png' }] }], 'input'),
      /data: URL/,
    );
  });

  it('maps run statuses onto response statuses', () => {
    assert.deepEqual(
      (
        ['queued', 'in_progress', 'requires_action', 'cancelling', 'completed', 'incomplete', 'cancelled', 'failed', 'expired'] as const
      ).map(responseStatus),
      ['queued', 'in_progress', 'in_progress', 'in_progress', 'completed', 'incomplete', 'cancelled', 'failed', 'failed'],
    );
  });
});
