/**
 * A conversation item deleted through the local agent API leaves the chat that shows its thread at once: the
 * thread's log only gains a tombstone, and the view draws the thread again without the message.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { localApiCaller, settingForSuite, waitUntilShows } from './helpers';

const chat = { webview: 'chat' as const };

/** The texts of the messages the chat shows, oldest first. */
function shownMessages(): string {
  return [...document.querySelectorAll('.message .message-body')].map((body) => body.textContent?.trim() ?? '').join(' | ');
}

describe('local agent API: deleting a conversation item', function () {
  this.timeout(120_000);
  let call: (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;
  let conversationId: string | undefined;

  // Registered before the setting's own after(): the thread is deleted while the API still listens.
  after(async () => {
    if (conversationId) await call('DELETE', `/conversations/${conversationId}`);
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await vscode.commands.executeCommand('notifications.clearAll');
  });
  settingForSuite('agentThreads.localApi', 'enabled', true);

  it('takes the message out of the chat showing its thread', async () => {
    await vscode.commands.executeCommand('agentThreads.openChat'); // activates the extension when run on its own
    call = await localApiCaller();
    const conversation = await call('POST', '/conversations', {
      items: ['Keep this line', 'Remove this line', 'And keep this one'].map((content) => ({ type: 'message', role: 'user', content })),
    });
    conversationId = String(conversation.id);
    await vscode.commands.executeCommand('agentThreads.openThreadInChat', `thread_${conversationId.slice('conv_'.length)}`);
    await waitUntilShows(chat, shownMessages, 'Keep this line | Remove this line | And keep this one');

    const items = (await call('GET', `/conversations/${conversationId}/items?order=asc`)).data as { id: string }[];
    const deleted = await call('DELETE', `/conversations/${conversationId}/items/${items[1].id}`);
    assert.equal(deleted.id, conversationId);
    await waitUntilShows(chat, shownMessages, 'Keep this line | And keep this one');
    await ui.screenshot('local-api-item-deleted');
  });
});
