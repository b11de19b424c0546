/**
 * What a new user trips on in the chat and thread views (the chat experience issue), each seen on screen in the
 * real VS Code: code block buttons, numbered lists, links, and following a send.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { sendFromComposer as send, useFakeModel, waitForRunStatus as runBadge } from './helpers';

const panel = { webview: 'thread' as const };

/** Waits until `read` returns what `done` accepts, re-reading on a short interval until the deadline. */
async function eventually<T>(read: () => Thenable<T> | T, done: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the chat on first contact', () => {
  let agentId: string;

  before(async () => {
    await useFakeModel();
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'First Contact',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Answer.',
    })) as { id: string };
    agentId = agent.id;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('code blocks: Copy puts the code on the clipboard, Insert puts it at the cursor; a list that starts at 3 shows 3', async () => {
    const code = 'const answer = 42; // from the code block';
    await vscode.commands.executeCommand('agentThreads.newThread', agentId);
    await fakeModel.script({ kind: 'text', text: `Steps:\n\n3. three\n4. four\n\n\`\`\`ts\n${code}\n\`\`\`\n` });
    const before = await send(panel, 'Show me code');
    await runBadge(panel, 'Completed', before);

    const list = await ui.waitFor(panel, () => {
      const ol = document.querySelector<HTMLOListElement>('.message.assistant ol');
      return ol && { start: ol.start, marker: getComputedStyle(ol.querySelector('li')!).listStyleType, html: ol.outerHTML };
    });
    assert.equal(list.start, 3, `the list numbers from 3: ${list.html}`);
    assert.notEqual(list.marker, 'none');

    await vscode.env.clipboard.writeText('');
    await ui.click(panel, '.message.assistant .code-block .code-action[data-action="copy"]');
    await eventually(
      () => vscode.env.clipboard.readText(),
      (text) => text.trim() === code,
      'the code on the clipboard',
    );

    const editorDocument = await vscode.workspace.openTextDocument({ content: '' });
    await vscode.window.showTextDocument(editorDocument, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    await ui.click(panel, '.message.assistant .code-block .code-action[data-action="insert"]');
    await eventually(
      () => editorDocument.getText(),
      (text) => text.includes(code),
      'the code inserted at the cursor',
    );
  });

  it('links open once (not also through VS Code), and a data: link is plain text', async () => {
    await fakeModel.script({
      kind: 'text',
      text: 'See [the docs](https://example.invalid/docs) and [a picture](data:image/png;base64,iVBORw0KGgo=).',
    });
    await vscode.commands.executeCommand('agentThreads.newThread', agentId);
    const before = await send(panel, 'Links please');
    await runBadge(panel, 'Completed', before);
    const rendered = await ui.waitFor(panel, () => {
      const body = document.querySelector('.message.assistant .message-body');
      return body && { dataLinks: body.querySelectorAll('a[href^="data:"]').length, text: body.textContent ?? '' };
    });
    assert.equal(rendered.dataLinks, 0, 'a data: URL is not a link');
    assert.match(rendered.text, /a picture/);

    // VS Code's webview host also opens any link a click reaches on the window: ours must stop there.
    await ui.evaluate(panel, () => {
      const seen = { window: 0 };
      (window as unknown as { linkClicks: typeof seen }).linkClicks = seen;
      window.addEventListener('click', () => seen.window++);
    });
    await ui.click(panel, '.message.assistant a[href^="https:"]');
    const reached = await ui.evaluate(panel, () => (window as unknown as { linkClicks: { window: number } }).linkClicks.window);
    assert.equal(reached, 0, 'the click on a link reached the window, where VS Code opens it a second time');
  });
});
