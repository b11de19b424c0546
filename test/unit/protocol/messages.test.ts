import * as assert from 'node:assert/strict';
import { isWebviewToHost } from '../../../src/protocol/messages';

describe('webview → host protocol', () => {
  it('accepts well-formed intents', () => {
    assert.equal(isWebviewToHost({ type: 'ready' }), true);
    assert.equal(isWebviewToHost({ type: 'ping', id: 3 }), true);
    assert.equal(isWebviewToHost({ type: 'send', text: 'hi', attachments: ['src/a.ts'] }), true);
    assert.equal(
      isWebviewToHost({ type: 'decideToolCall', runId: 'run_1', toolCallId: 'call_1', approve: true, alwaysForThread: false }),
      true,
    );
  });

  it('rejects unknown types, prototype keys and wrongly typed fields', () => {
    for (const bad of [
      null,
      'ready',
      {},
      { type: 'launchMissiles' },
      { type: 'toString' },
      { type: '__proto__' },
      { type: 'ping', id: '3' },
      { type: 'send', text: 'hi' },
      { type: 'send', text: 'hi', attachments: [1] },
      { type: 'decideToolCall', runId: 'run_1', toolCallId: 'call_1', approve: 'yes', alwaysForThread: false },
    ]) {
      assert.equal(isWebviewToHost(bad), false, JSON.stringify(bad));
    }
  });
});
