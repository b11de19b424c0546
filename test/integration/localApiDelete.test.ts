/**
 * A conversation item deleted through the local agent API leaves the chat that shows its thread at once: the
 * thread's log only gains a tombstone, and the view draws the thread again without the message.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { settingForSuite, waitUntilShows } from './helpers';

const chat = { webview: 'chat' as const };

/** Runs "Show Local API Address and Token", presses `button` on its notification and returns what it copied. */
async function copiedFromApiInfo(button: 'Copy URL' | 'Copy Token'): Promise<string> {
  await vscode.env.clipboard.writeText('');
  const shown = vscode.commands.executeCommand('agentThreads.showLocalApiInfo');
  await vscode.commands.executeCommand('notifications.showList');
  await ui.click('workbench', `.notification-list-item:has-text("Local agent API: http") .monaco-button:has-text("${button}")`);
  await shown;
  return vscode.env.clipboard.readText();
}

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
    // The status bar item shows once the server listens.
    await waitUntilShows(
      'workbench',
      () => [...document.querySelectorAll('.statusbar-item')].some((item) => item.textContent?.includes('Agent API')),
      true,
    );
    const url = await copiedFromApiInfo('Copy URL');
    const token = await copiedFromApiInfo('Copy Token');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    call = async (method, path, body) => {
      const response = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await response.json()) as Record<string, unknown>;
    };
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
