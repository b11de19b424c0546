import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import {
  sendFromComposer as send,
  settingForSuite,
  threadExportFile as exportFile,
  useFakeModel,
  waitForRunStatus as runBadge,
} from './helpers';

const chat = { webview: 'chat' as const };
const panel = { webview: 'thread' as const };

function lastRequestMessages(requests: Awaited<ReturnType<typeof fakeModel.requests>>): { role: string; content: unknown }[] {
  return requests.filter((r) => r.path.endsWith('/chat/completions')).pop()?.body?.messages ?? [];
}

describe('the UI around threads and agents', () => {
  let agentId: string;
  // VS Code for the Web saves after a second by default, and each save of the agent editor is a new version.
  settingForSuite('files', 'autoSave', 'off');

  before(async () => {
    await useFakeModel();
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Reviewer',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Review code.',
      tools: [{ name: 'echo' }],
      approval_policy: { echo: 'ask' },
    })) as { id: string };
    agentId = agent.id;
  });

  it('shows the run go queued → running → completed in the header', async () => {
    await vscode.commands.executeCommand('agentThreads.newThread', agentId);
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    await ui.evaluate(panel, () => {
      const seen: string[] = [];
      (window as unknown as { statuses: string[] }).statuses = seen;
      const badge = document.getElementById('run-status')!;
      new MutationObserver(() => seen.push(badge.textContent ?? '')).observe(badge, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    await fakeModel.script({ kind: 'text', text: 'All good.', firstByteDelayMs: 150 });
    await send(panel, 'Is this fine?');
    await runBadge(panel, 'Completed');
    const statuses = await ui.evaluate(panel, () => (window as unknown as { statuses: string[] }).statuses);
    const order = ['Queued', 'Running', 'Completed'].map((s) => statuses.indexOf(s));
    assert.ok(order.every((i) => i >= 0) && order[0] < order[1] && order[1] < order[2], `statuses seen: ${statuses.join(' → ')}`);
  });

  it('denies a tool call from the webview and tells the model', async () => {
    await fakeModel.script(
      { kind: 'tool_calls', calls: [{ name: 'echo', arguments: JSON.stringify({ text: 'should not run' }) }] },
      { kind: 'text', text: 'Understood, I will not.' },
    );
    await send(panel, 'Echo something risky');
    await runBadge(panel, 'Needs approval');
    await ui.click(panel, '.approval vscode-button.deny');
    await runBadge(panel, 'Completed');
    const tool = lastRequestMessages(await fakeModel.requests()).find((m) => m.role === 'tool');
    assert.match(String(tool?.content), /denied|declined|refused/i);
    assert.doesNotMatch(String(tool?.content), /^should not run$/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('edits an agent in its form, with validation, and saves a new version', async () => {
    await vscode.commands.executeCommand('agentThreads.editAgent', agentId);
    const form = { webview: 'agent' as const };
    await ui.waitFor(form, () => document.querySelector('.form-title')?.textContent?.includes('version 1'));
    await ui.fill(form, 'vscode-textfield#temperature', '3');
    await ui.click(form, 'vscode-button#save');
    const error = await ui.waitFor(form, () => document.getElementById('temperature-error')?.textContent);
    assert.match(error, /0 to 2/);
    await ui.screenshot('agent-editor-validation');

    await ui.fill(form, 'vscode-textfield#temperature', '0.4');
    await ui.fill(form, 'vscode-textarea#instructions', 'Review code carefully and briefly.');
    await ui.click(form, 'vscode-button#save');
    const saved = await ui.waitFor(form, () => (document.querySelector('.form-status.saved') as HTMLElement | null)?.textContent);
    assert.match(saved, /version 2/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    await fakeModel.script({ kind: 'text', text: 'Reviewed.' });
    await vscode.commands.executeCommand('agentThreads.newThread', agentId);
    await send(panel, 'Review please');
    await runBadge(panel, 'Completed');
    const requests = (await fakeModel.requests()).filter((r) => r.path.endsWith('/chat/completions'));
    const last = requests.pop()?.body as { temperature?: number; messages: { role: string; content: unknown }[] };
    assert.equal(last.temperature, 0.4);
    assert.match(String(last.messages[0].content), /carefully and briefly/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('asks the agent about the editor selection from the command', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, 'src', 'greet.ts'));
    editor.selection = new vscode.Selection(0, 0, editor.document.lineCount, 0);
    await fakeModel.script({ kind: 'text', text: 'It greets by name.' });
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await vscode.commands.executeCommand('agentThreads.askAboutSelection', 'What does this do?');
    const question = await ui.waitFor(chat, () =>
      [...document.querySelectorAll('.message.user')].map((m) => m.textContent ?? '').find((t) => t.includes('What does this do?')),
    );
    assert.match(question, /src\/greet\.ts/);
    assert.match(question, /Hello, \$\{name\}/);
    await runBadge(chat, 'Completed');
  });

  it('attaches a pasted image, shows it in the thread and sends it to the model', async () => {
    await fakeModel.script({ kind: 'text', text: 'A red pixel.' });
    await vscode.commands.executeCommand('agentThreads.openChat');
    await ui.waitFor(chat, () => document.getElementById('connection')?.dataset.state === 'connected');
    await ui.evaluate(chat, () => {
      // A 1×1 red PNG, pasted into the composer as a person would with Ctrl+V.
      const png = Uint8Array.from(
        atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=='),
        (c) => c.charCodeAt(0),
      );
      const data = new DataTransfer();
      data.items.add(new File([png], 'pixel.png', { type: 'image/png' }));
      document.querySelector('.composer')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
    });
    await ui.waitFor(chat, () => document.querySelector('.attachment')?.textContent?.includes('Pasted image'));
    await send(chat, 'What is in this image?');
    await ui.waitFor(chat, () =>
      [...document.querySelectorAll('.message.user img')].some((img) => (img as HTMLImageElement).src.startsWith('data:image/png')),
    );
    await ui.waitFor(chat, () => [...document.querySelectorAll('.message.assistant')].some((m) => m.textContent?.includes('A red pixel.')));
    const user = lastRequestMessages(await fakeModel.requests())
      .filter((m) => m.role === 'user')
      .pop();
    assert.match(JSON.stringify(user?.content), /data:image\/png;base64,/);
  });

  it('forks the thread from a message with the action on the message', async () => {
    await ui.click(chat, '.message.user button[data-message-action="fork"]');
    const forked = await ui.waitFor(panel, () => {
      const title = document.querySelector('.thread-title')?.textContent ?? '';
      const messages = [...document.querySelectorAll('.message')].map((m) => m.textContent ?? '');
      return title.includes('(fork)') && messages.length > 0 ? { title, messages } : undefined;
    });
    assert.equal(forked.messages.length, 1, 'the history up to and including the chosen message');
    assert.match(forked.messages[0], /What does this do\?/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens a 10,000-message thread with a bounded number of messages in the DOM, paging older ones on scroll', async () => {
    const file = exportFile(10_000);
    try {
      await vscode.commands.executeCommand('agentThreads.importThread', file);
    } finally {
      fs.rmSync(path.dirname(file.fsPath), { recursive: true, force: true });
    }
    const first = await ui.waitFor({ webview: 'thread', title: 'Long thread of 10000' }, () => {
      const messages = document.querySelectorAll('.message');
      return messages.length > 0 && messages[messages.length - 1].textContent?.includes('Message number 9999')
        ? { count: messages.length }
        : undefined;
    });
    assert.ok(first.count <= 150, `${first.count} messages in the DOM`);
    // Scroll to the top repeatedly: older pages come in, the window stays bounded.
    for (let i = 0; i < 4; i++) {
      const before = await ui.evaluate(panel, () => document.querySelector('.message .message-body')?.textContent ?? '');
      await ui.evaluate(panel, () => {
        document.getElementById('messages')!.scrollTop = 0;
      });
      await ui.waitFor(
        panel,
        new Function(
          `return (document.querySelector('.message .message-body')?.textContent ?? '') !== ${JSON.stringify(before)};`,
        ) as () => boolean,
      );
    }
    const after = await ui.evaluate(panel, () => ({
      count: document.querySelectorAll('.message').length,
      first: document.querySelector('.message .message-body')?.textContent ?? '',
    }));
    assert.ok(after.count <= 150, `${after.count} messages in the DOM after paging`);
    const firstNumber = Number(/Message number (\d+)/.exec(after.first)?.[1]);
    assert.ok(firstNumber < 9_800, `paged back to message ${firstNumber}`);
    await ui.screenshot('long-thread-paged');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('looks native in the dark theme', async () => {
    const workbench = () => vscode.workspace.getConfiguration('workbench');
    const previous = workbench().inspect('colorTheme')?.globalValue;
    await workbench().update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('agentThreads.openChat');
      const background = await ui.waitFor(chat, () => {
        const color = getComputedStyle(document.body).backgroundColor;
        const [r, g, b] = (color.match(/\d+/g) ?? []).map(Number);
        return r + g + b < 200 ? color : undefined;
      });
      assert.ok(background, 'the chat follows the dark theme');
      await ui.screenshot('chat-dark-theme');
    } finally {
      // Later suites expect the default theme, even when this test failed.
      await workbench().update('colorTheme', previous, vscode.ConfigurationTarget.Global);
    }
  });
});
