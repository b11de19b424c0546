import * as assert from 'node:assert/strict';
import { isAgentEditorMessage } from '../../../src/protocol/agentEditor';
import { isThreadViewMessage } from '../../../src/protocol/threadView';

describe('thread webview → host protocol', () => {
  it('accepts well-formed intents and requests', () => {
    assert.equal(isThreadViewMessage({ type: 'ready' }), true);
    assert.equal(isThreadViewMessage({ type: 'ping', requestId: 3 }), true);
    assert.equal(isThreadViewMessage({ type: 'attachUris', requestId: 4, uris: ['file:///w/a.ts'] }), true);
    assert.equal(isThreadViewMessage({ type: 'send', text: 'hi', attachments: ['src/a.ts'] }), true);
    assert.equal(
      isThreadViewMessage({ type: 'decideToolCall', runId: 'run_1', toolCallId: 'call_1', approve: true, alwaysForThread: false }),
      true,
    );
  });

  it('rejects unknown types, prototype keys, wrongly typed fields and requests without an id', () => {
    for (const bad of [
      null,
      'ready',
      {},
      { type: 'launchMissiles' },
      { type: 'toString' },
      { type: '__proto__' },
      { type: 'ping' },
      { type: 'ping', requestId: '3' },
      { type: 'pickAttachments' },
      { type: 'send', text: 'hi' },
      { type: 'send', text: 'hi', attachments: [1] },
      { type: 'decideToolCall', runId: 'run_1', toolCallId: 'call_1', approve: 'yes', alwaysForThread: false },
      // The agent editor's messages are not the thread view's.
      { type: 'saveAgent', requestId: 1, form: {} },
    ]) {
      assert.equal(isThreadViewMessage(bad), false, JSON.stringify(bad));
    }
  });
});

describe('agent editor → host protocol', () => {
  it('accepts ready and a save request', () => {
    assert.equal(isAgentEditorMessage({ type: 'ready' }), true);
    assert.equal(isAgentEditorMessage({ type: 'saveAgent', requestId: 1, form: { name: 'x' } }), true);
  });

  it("rejects a save without an id or a form, and the thread view's messages", () => {
    for (const bad of [
      { type: 'saveAgent', form: {} },
      { type: 'saveAgent', requestId: 1, form: [] },
      { type: 'saveAgent', requestId: 1 },
      { type: 'send', text: 'hi', attachments: [] },
      { type: 'ping', requestId: 1 },
    ]) {
      assert.equal(isAgentEditorMessage(bad), false, JSON.stringify(bad));
    }
  });
});
