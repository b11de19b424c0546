/**
 * Tool calls as compact cards in the answer, approvals in the card with the diff, the run's footer, and Apply to
 * File on code blocks, as a person sees them in the sidebar chat at 240 and 600 px in three themes.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import {
  clickNotificationButton,
  notificationGone,
  pickAgentInComposer,
  sendFromComposer,
  setSidebarWidth,
  sidebarWidth,
  useFakeModel,
  waitForRunStatus,
  THEMES,
  useTheme,
} from './helpers';
import { visualAudit } from './visualAudit';

const chat = { webview: 'chat' as const };

function workspaceFile(relative: string): string {
  return path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, relative);
}

/**
 * What each tool card on screen shows: its line of text, status, duration (empty when none is drawn inside the card),
 * and whether it lies inside the chat's width.
 */
function cardsOnScreen(): Promise<
  { name: string; target: string; status: string; duration: string; approval: boolean; inside: boolean }[]
> {
  return ui.evaluate(chat, () => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll<HTMLElement>('#messages .tool-call')].map((card) => {
      const rect = card.getBoundingClientRect();
      const duration = card.querySelector<HTMLElement>('.tool-call-duration');
      const durationBox = duration?.getBoundingClientRect();
      const durationShown =
        !!durationBox &&
        durationBox.width > 0 &&
        durationBox.left >= rect.left &&
        durationBox.right <= rect.right + 0.5 &&
        getComputedStyle(duration!).visibility === 'visible';
      return {
        name: card.querySelector('.tool-call-name')?.textContent ?? '',
        target: card.querySelector('.tool-call-target')?.textContent ?? '',
        status: card.querySelector('.tool-call-status')?.textContent ?? '',
        duration: durationShown ? (duration!.textContent ?? '') : '',
        approval: card.classList.contains('approval'),
        inside: rect.left >= 0 && rect.right <= width + 1 && card.scrollWidth <= card.clientWidth + 1,
      };
    });
  });
}

/** Resolves once an editor tab satisfies `match`, listening to tab changes rather than polling. */
function tabWhere(match: (tab: vscode.Tab) => boolean, timeoutMs = 15_000): Promise<vscode.Tab> {
  const find = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find(match);
  const now = find();
  if (now) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const listener = vscode.window.tabGroups.onDidChangeTabs(() => {
      const tab = find();
      if (!tab) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(tab);
    });
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error('No matching editor tab opened.'));
    }, timeoutMs);
  });
}

/** Resolves once `document` holds `expected`, listening to its changes; fails with what it holds instead. */
/**
 * Resolves once `document` has been saved holding `expected`. Only the save event tells: a content change arrives in
 * the extension host before the document's dirty flag does, so "not dirty and the new text" can be read before the
 * edit is even marked unsaved.
 */
async function savedWith(document: vscode.TextDocument, expected: string, timeoutMs = 30_000): Promise<void> {
  let listener: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const saved = new Promise<void>((resolve, reject) => {
    listener = vscode.workspace.onDidSaveTextDocument((doc) => {
      if (doc === document && doc.getText() === expected) resolve();
    });
    timer = setTimeout(
      () =>
        reject(
          new assert.AssertionError({
            message: 'the document was never saved with the expected text',
            actual: document.getText(),
            expected,
          }),
        ),
      timeoutMs,
    );
  });
  try {
    // Saved already, before the listener was there.
    if ((await fs.readFile(document.uri.fsPath, 'utf8')) === expected) return;
    await saved;
  } finally {
    listener?.dispose();
    clearTimeout(timer);
  }
}

function textBecomes(document: vscode.TextDocument, expected: string, timeoutMs = 30_000): Promise<void> {
  if (document.getText() === expected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const listener = vscode.workspace.onDidChangeTextDocument((change) => {
      if (change.document !== document || document.getText() !== expected) return;
      clearTimeout(timer);
      listener.dispose();
      resolve();
    });
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new assert.AssertionError({ message: 'the document never held the expected text', actual: document.getText(), expected }));
    }, timeoutMs);
  });
}

/** Resolves once no editor tab satisfies `match`, listening to tab changes. */
function tabGone(match: (tab: vscode.Tab) => boolean, timeoutMs = 15_000): Promise<void> {
  const open = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some(match);
  if (!open()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const listener = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (open()) return;
      clearTimeout(timer);
      listener.dispose();
      resolve();
    });
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error('The preview tab did not close.'));
    }, timeoutMs);
  });
}

/** The Apply button of the code block in the newest answer (a code block that says Welcome, only that one does). */
const APPLY_BUTTON = '#messages .code-block:has-text("Welcome") [data-action="apply"]';

const isApplyDiff = (tab: vscode.Tab) =>
  tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === 'agent-threads-apply';

describe('tool cards, inline approvals, run footers and Apply to File', () => {
  let originalWidth: number;
  let original: string;

  let cardEditorId: string | undefined;
  let applyWriterId: string | undefined;

  before(async () => {
    await useFakeModel();
    // Replies an earlier suite scripted but never used would answer this suite's first message instead.
    await fakeModel.reset();
    originalWidth = await sidebarWidth();
    original = await fs.readFile(workspaceFile('src/greet.ts'), 'utf8');
  });

  after(async () => {
    await fs.writeFile(workspaceFile('src/greet.ts'), original);
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await setSidebarWidth(originalWidth);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.hideList');
    // The chat would otherwise pick this suite's agents for the next suite's first message.
    for (const id of [cardEditorId, applyWriterId]) if (id) await vscode.commands.executeCommand('agentThreads.deleteAgent', id, true);
    await vscode.commands.executeCommand('agentThreads.newChatThread');
  });

  it('shows tool calls as cards in the answer, asks inline with the diff, resumes on Approve, and sums the run up', async function () {
    this.timeout(180_000); // two sets of three themes at two widths, each laid out and audited
    cardEditorId = (
      (await vscode.commands.executeCommand('agentThreads.createAgent', {
        name: 'Card Editor',
        model: { profile: 'fake', name: 'fake-model' },
        instructions: 'Use the workspace tools.',
        tools: [{ name: 'read_file' }, { name: 'edit_file' }],
        approval_policy: { read_file: 'auto', edit_file: 'ask' },
      })) as { id: string }
    ).id;
    await vscode.commands.executeCommand('agentThreads.openChat');
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await pickAgentInComposer(chat, 'Card Editor');
    await setSidebarWidth(240);
    const edits = [{ search: 'Hello, ${name}!', replace: 'Hi there, ${name}!' }];
    await fakeModel.script(
      { kind: 'tool_calls', calls: [{ name: 'read_file', arguments: JSON.stringify({ path: 'src/greet.ts' }) }] },
      { kind: 'tool_calls', calls: [{ name: 'edit_file', arguments: JSON.stringify({ path: 'src/greet.ts', edits }) }] },
      { kind: 'text', text: 'Greeting updated.', usage: { prompt_tokens: 1_100, completion_tokens: 104 } },
    );
    const before = await sendFromComposer(chat, 'Make the greeting warmer');
    await waitForRunStatus(chat, 'Needs approval', before);

    // The calls are cards in the conversation: friendly name, the file, the status in words, inside 240 px.
    const diff = await ui.waitFor(chat, () => {
      const rows = [...document.querySelectorAll('#messages .tool-call.approval .tool-diff .diff-line')];
      return rows.length > 0 ? rows.map((row) => row.textContent).join('\n') : undefined;
    });
    assert.match(diff, /^-.*Hello, \$\{name\}!/m, diff);
    assert.match(diff, /^\+.*Hi there, \$\{name\}!/m, diff);
    const cards = await cardsOnScreen();
    assert.deepEqual(
      cards.map(({ name, target, status, approval }) => ({ name, target, status, approval })),
      [
        { name: 'Read file', target: 'src/greet.ts', status: 'Done', approval: false },
        { name: 'Edit file', target: 'src/greet.ts', status: 'Needs approval', approval: true },
      ],
    );
    assert.ok(
      cards.every((card) => card.inside),
      JSON.stringify(cards),
    );
    // A finished call says how long it took (formatDuration writes "under 1 s", or "1.5 s" from a second on);
    // the call waiting for approval has taken no time of its own yet.
    assert.match(cards[0].duration, /^(under 1 s|\d+(\.\d)? s)$/, JSON.stringify(cards[0]));
    assert.equal(cards[1].duration, '', JSON.stringify(cards[1]));
    // The approval is in its card, on screen, and not repeated above the conversation.
    const approval = await ui.evaluate(chat, () => {
      const button = document.querySelector('#messages .tool-call.approval vscode-button.approve')!.getBoundingClientRect();
      const list = document.getElementById('messages')!.getBoundingClientRect();
      return {
        visible: button.top >= list.top && button.bottom <= list.bottom && button.right <= document.documentElement.clientWidth,
        inPanel: document.querySelectorAll('.run-details .approval').length,
      };
    });
    assert.deepEqual(approval, { visible: true, inPanel: 0 });
    assert.equal(await fs.readFile(workspaceFile('src/greet.ts'), 'utf8'), original, 'nothing changes before approval');

    const found: string[] = [];
    for (const [theme, bodyClass, short] of THEMES) {
      await useTheme(theme, bodyClass);
      for (const width of [240, 600]) {
        await setSidebarWidth(width);
        await ui.screenshot(`toolcards-approval-${short}-${width}`);
        found.push(...(await ui.evaluate(chat, visualAudit)).map((f) => `${theme} ${width}: ${f.kind}: ${f.what}: ${f.detail}`));
      }
    }
    await useTheme('Default Dark Modern', 'vscode-dark');
    await setSidebarWidth(240);

    // Open diff shows the proposed change in VS Code's diff editor.
    await ui.click(chat, '#messages .tool-call.approval vscode-button.show-diff');
    const isToolDiff = (tab: vscode.Tab) =>
      tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === 'agent-threads-proposed';
    await tabWhere(isToolDiff);
    // Looked up again: the tab object of a preview editor is replaced once it has loaded.
    await vscode.window.tabGroups.close(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter(isToolDiff));

    // Approve in the card resumes the run; the card then says Done.
    await ui.click(chat, '#messages .tool-call.approval vscode-button.approve');
    await waitForRunStatus(chat, 'Completed', before);
    assert.match(await fs.readFile(workspaceFile('src/greet.ts'), 'utf8'), /Hi there, \$\{name\}!/);
    await ui.waitFor(chat, () =>
      [...document.querySelectorAll('#messages .tool-call .tool-call-status')].every((status) => status.textContent === 'Done'),
    );
    for (const card of await cardsOnScreen()) assert.match(card.duration, /^(under 1 s|\d+(\.\d)? s)$/, JSON.stringify(card));

    // The footer under the answer: steps, time and tokens in one line, localised; it opens to the steps.
    const footer = await ui.waitFor(chat, () => {
      const answers = [...document.querySelectorAll('#messages article.message.assistant')];
      return answers[answers.length - 1]?.querySelector('.run-footer-summary')?.textContent;
    });
    assert.match(footer, /^3 steps · (under 1 s|\d+(\.\d)? s) · 1,\d{3} tokens$/);
    await ui.click(chat, '.run-footer-summary');
    const steps = await ui.waitFor(chat, () => {
      const details = document.querySelector<HTMLElement>('.run-footer-details');
      return details && !details.hidden && details.getBoundingClientRect().height > 0
        ? [...details.querySelectorAll('.run-footer-step')].map((step) => step.textContent)
        : undefined;
    });
    assert.deepEqual(steps, ['Read file src/greet.ts — completed', 'Edit file src/greet.ts — completed', 'Wrote the answer']);

    // A card opens to its arguments and output: monospace, wrapped inside the card at 240 px.
    await ui.click(chat, '#messages .tool-call[data-call-name="read_file"] .tool-call-header');
    const opened = await ui.waitFor(chat, () => {
      const card = document.querySelector<HTMLElement>('#messages .tool-call[data-call-name="read_file"]')!;
      const output = card.querySelector<HTMLElement>('.tool-output');
      if (!output || output.getBoundingClientRect().height === 0) return undefined;
      return {
        expanded: card.querySelector('.tool-call-header')?.getAttribute('aria-expanded'),
        output: output.textContent ?? '',
        monospace: (() => {
          // The editor's font, as the browser resolves it for an element that asks for it.
          const probe = document.body.appendChild(document.createElement('code'));
          probe.style.fontFamily = 'var(--vscode-editor-font-family)';
          const editorFont = getComputedStyle(probe).fontFamily;
          probe.remove();
          return getComputedStyle(output).fontFamily === editorFont;
        })(),
        fits:
          output.scrollWidth <= output.clientWidth + 1 && card.getBoundingClientRect().right <= document.documentElement.clientWidth + 1,
      };
    });
    assert.equal(opened.expanded, 'true');
    assert.match(opened.output, /export function greet/);
    assert.ok(opened.monospace && opened.fits, JSON.stringify(opened));
    for (const [theme, bodyClass, short] of THEMES) {
      await useTheme(theme, bodyClass);
      for (const width of [240, 600]) {
        await setSidebarWidth(width);
        await ui.screenshot(`toolcards-done-${short}-${width}`);
        found.push(...(await ui.evaluate(chat, visualAudit)).map((f) => `${theme} ${width}: ${f.kind}: ${f.what}: ${f.detail}`));
      }
    }
    assert.equal(found.join('\n'), '');

    // Run Details from the footer.
    await useTheme('Default Dark Modern', 'vscode-dark');
    await ui.click(chat, '.run-details-link');
    await ui.waitFor({ webview: 'runDetails' }, () => document.body.innerText.includes('Run '));
  });

  it('Apply to File previews the change in a diff, writes only when applied, and Undo Run Changes takes it back', async function () {
    this.timeout(120_000);
    // Its own agent and thread: it must not depend on what the card test left on screen.
    applyWriterId = (
      (await vscode.commands.executeCommand('agentThreads.createAgent', {
        name: 'Code Writer',
        model: { profile: 'fake', name: 'fake-model' },
        instructions: 'Answer with code.',
      })) as { id: string }
    ).id;
    await vscode.commands.executeCommand('agentThreads.openChat');
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await pickAgentInComposer(chat, 'Code Writer');
    await fs.writeFile(workspaceFile('src/greet.ts'), original);
    const block = 'export function greet(name: string): string {\n  return `Welcome, ${name}!`;\n}\n';
    await fakeModel.script({ kind: 'text', text: `Here it is:\n\n\`\`\`ts src/greet.ts\n${block}\`\`\`\n` });
    const before = await sendFromComposer(chat, 'Rewrite greet.ts');
    await waitForRunStatus(chat, 'Completed', before);
    const apply = await ui.waitFor(chat, () => {
      const button = [...document.querySelectorAll('#messages .code-block')].pop()?.querySelector('[data-action="apply"]');
      return button?.getAttribute('aria-label');
    });
    assert.equal(apply, 'Apply to File');

    // Discard: the diff showed the file against the change, and nothing is written.
    await ui.click(chat, APPLY_BUTTON);
    const tab = await tabWhere(isApplyDiff);
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.fsPath, workspaceFile('src/greet.ts'));
    assert.equal((await vscode.workspace.openTextDocument(input.modified)).getText(), block);
    await ui.screenshot('toolcards-apply-preview');
    await clickNotificationButton('Apply the code block to src/greet.ts', 'Discard');
    await notificationGone('Apply the code block');
    assert.equal(await fs.readFile(workspaceFile('src/greet.ts'), 'utf8'), original, 'Discard writes nothing');
    await tabGone(isApplyDiff); // the preview closes

    // Apply: the file takes the block, undoably.
    await ui.click(chat, APPLY_BUTTON);
    await tabWhere(isApplyDiff);
    await clickNotificationButton('Apply the code block to src/greet.ts', 'Apply');
    const greet = await vscode.workspace.openTextDocument(vscode.Uri.file(workspaceFile('src/greet.ts')));
    await notificationGone('Apply the code block');
    // The choice closes the toast; the edit follows it, saved.
    await savedWith(greet, block);
    assert.equal(await fs.readFile(workspaceFile('src/greet.ts'), 'utf8'), block, 'Apply saves the file');

    // Recorded as a change set of the chat's thread, as an agent's edit is: Undo Run Changes takes it back.
    const threadId = await ui.evaluate(chat, () => document.body.dataset.threadId ?? '');
    const report = (await vscode.commands.executeCommand('agentThreads.undoRunChanges', threadId)) as {
      files: { relative: string; outcome: string }[];
    };
    assert.deepEqual(
      report.files.map((file) => [file.relative, file.outcome]),
      [['src/greet.ts', 'restored']],
    );
    assert.equal(await fs.readFile(workspaceFile('src/greet.ts'), 'utf8'), original, 'restored byte for byte');
    await textBecomes(greet, original);
  });
});
