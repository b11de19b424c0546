/**
 * The chat, the thread panel and the agent editor as a demanding reader sees them, in Dark Modern, Light Modern and
 * High Contrast, with the sidebar at 240, 300 and 600 px: nothing overflows sideways, no control is cut off, and
 * text and status badges have WCAG AA contrast, read from the computed colours (visualAudit.ts). Each combination
 * leaves a screenshot in test-results/screenshots/ to look at.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { sendFromComposer, setSidebarWidth, sidebarWidth, useFakeModel, waitForRunStatus, THEMES, useTheme } from './helpers';
import { visualAudit, type AuditFinding } from './visualAudit';

const chat = { webview: 'chat' as const };
const panel = { webview: 'thread' as const };

const WIDTHS = [240, 300, 600];

/** An answer with what a chat answer holds: prose, a list, a code block, a table and a link. */
const ANSWER = [
  'Here is the **plan** for the build, with a [link to the docs](https://example.invalid/docs):',
  '',
  '1. Install the dependencies',
  '2. Run the tests',
  '',
  '```ts',
  'export function add(a: number, b: number): number {',
  '  return a + b; // a comment that is long enough to need wrapping in a narrow sidebar',
  '}',
  '```',
  '',
  '| Step | Time |',
  '| --- | --- |',
  '| install | 12 s |',
  '| test | 40 s |',
].join('\n');

/**
 * What is wrong with the answer's table as drawn (the chat experience issue, item 8: no borders, 1 px padding): each
 * cell needs a visible border on every side, a colour that is neither transparent nor the background's, and at
 * least 4 px of padding to keep its text off the lines.
 */
function tableProblems(): string[] {
  const cells = [...document.querySelectorAll<HTMLElement>('.message.assistant .message-body table :is(th, td)')];
  if (cells.length !== 6) return [`the answer's table has ${cells.length} cells, not 6`];
  const background = getComputedStyle(document.body).backgroundColor;
  const problems: string[] = [];
  for (const cell of cells) {
    const style = getComputedStyle(cell);
    for (const side of ['Top', 'Right', 'Bottom', 'Left'] as const) {
      const width = parseFloat(style.getPropertyValue(`border-${side.toLowerCase()}-width`));
      const colour = style.getPropertyValue(`border-${side.toLowerCase()}-color`);
      const styleName = style.getPropertyValue(`border-${side.toLowerCase()}-style`);
      const invisible = /rgba\(.*, 0\)$|transparent/.test(colour) || colour === background;
      if (!(width > 0) || styleName === 'none' || invisible)
        problems.push(`cell "${cell.textContent}": ${side.toLowerCase()} border ${width}px ${styleName} ${colour} on ${background}`);
      const padding = parseFloat(style.getPropertyValue(`padding-${side.toLowerCase()}`));
      if (padding < 4) problems.push(`cell "${cell.textContent}": ${side.toLowerCase()} padding ${padding}px`);
    }
  }
  return problems;
}

/** Every finding of every combination, so one run shows all that is wrong rather than the first. */
function report(findings: AuditFinding[], where: string): string[] {
  return findings.map((f) => `${where}: ${f.kind}: ${f.what}: ${f.detail}`);
}

describe('themes and widths: nothing clipped, nothing overflowing, readable contrast', () => {
  let originalWidth: number;
  let agentId: string;

  before(async () => {
    await useFakeModel();
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Theme Check',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Answer.',
    })) as { id: string };
    agentId = agent.id;
    originalWidth = await sidebarWidth();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await setSidebarWidth(originalWidth);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.newChatThread');
  });

  it('the sidebar chat with an answer, in three themes at 240, 300 and 600 px, its table with borders and padding', async () => {
    await vscode.commands.executeCommand('agentThreads.openChat');
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await ui.click(chat, 'vscode-single-select#agent');
    await ui.click(chat, 'vscode-single-select#agent li[role="option"]:has-text("Theme Check")');
    await fakeModel.script({ kind: 'text', text: ANSWER });
    const before = await sendFromComposer(chat, 'How do I build this project?');
    await waitForRunStatus(chat, 'Completed', before);
    const found: string[] = [];
    for (const [theme, bodyClass, short] of THEMES) {
      await useTheme(theme, bodyClass, [chat]);
      for (const width of WIDTHS) {
        await setSidebarWidth(width);
        await ui.screenshot(`matrix-chat-${short}-${width}`);
        found.push(...report(await ui.evaluate(chat, visualAudit), `chat, ${theme}, ${width} px`));
        found.push(...(await ui.evaluate(chat, tableProblems)).map((problem) => `chat, ${theme}, ${width} px: table: ${problem}`));
      }
    }
    assert.equal(found.join('\n'), '');
  });

  it('the thread panel and the agent editor, in three themes', async () => {
    await vscode.commands.executeCommand('agentThreads.newThread', agentId);
    await fakeModel.script({ kind: 'text', text: ANSWER });
    const before = await sendFromComposer(panel, 'How do I build this project?');
    await waitForRunStatus(panel, 'Completed', before);
    const found: string[] = [];
    for (const [theme, bodyClass, short] of THEMES) {
      await useTheme(theme, bodyClass, [panel]);
      await ui.screenshot(`matrix-panel-${short}`);
      found.push(...report(await ui.evaluate(panel, visualAudit), `thread panel, ${theme}`));
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.editAgent', agentId);
    const editor = { webview: 'agent' as const };
    for (const [theme, bodyClass, short] of THEMES) {
      await useTheme(theme, bodyClass, [editor]);
      await ui.screenshot(`matrix-agent-editor-${short}`);
      found.push(...report(await ui.evaluate(editor, visualAudit), `agent editor, ${theme}`));
    }
    assert.equal(found.join('\n'), '');
  });
});
