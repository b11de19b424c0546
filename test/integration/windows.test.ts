import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui, type WindowUi } from './driver';
import { fromPalette, useFakeModel } from './helpers';

const panel = { webview: 'thread' as const };
const TITLE = 'Shared between windows';

/** Opens the thread from the command palette. */
async function openFromPalette(window: WindowUi): Promise<void> {
  // The window lists the extension's commands once its extension host has loaded the extension.
  await window.waitFor('workbench', () => document.querySelector('.activitybar [aria-label^="Agent Threads"]'), 30_000);
  await fromPalette(window, 'Agent Threads: Open Thread');
  await window.waitFor('workbench', () =>
    [...document.querySelectorAll('.quick-input-widget .monaco-list-row')].some((r) => r.textContent?.includes('Shared between windows')),
  );
  await window.fill('workbench', '.quick-input-widget input.input', TITLE);
  await window.press('Enter');
  await window.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected', 30_000);
}

/** Every message the panel shows, as role + id + text, oldest first. */
function history(window: WindowUi): Promise<{ id: string; role: string; text: string }[]> {
  return window.evaluate(panel, () =>
    [...document.querySelectorAll('.message')].map((m) => ({
      id: (m as HTMLElement).dataset.messageId ?? '',
      role: m.classList.contains('user') ? 'user' : 'assistant',
      text: m.querySelector('.message-body')?.textContent?.trim() ?? '',
    })),
  );
}

/** The run the window's header shows now ('' when none). */
function shownRun(window: WindowUi): Promise<string> {
  return window.evaluate(panel, () => document.getElementById('run-status')?.dataset.runId ?? '');
}

/**
 * Waits until the window's header shows a run other than `previousRunId` completed. (Not by the answer's text: the
 * fake model echoes the newest question in the thread, which may be the other window's.)
 */
function completedAfter(window: WindowUi, previousRunId: string): Promise<string> {
  return window.waitFor(
    panel,
    new Function(`
      const badge = document.getElementById('run-status');
      return badge?.textContent === 'Completed' && badge.dataset.runId !== ${JSON.stringify(previousRunId)} ? badge.dataset.runId : undefined;
    `) as () => string,
    30_000,
  );
}

describe('two windows on one workspace', () => {
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await ui.screenshot('two-windows-failed-first').catch(() => undefined);
    await ui.second.screenshot('two-windows-failed-second').catch(() => undefined);
  });

  after(async () => {
    await ui.closeSecondWindow();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('send to the same thread at once: nothing lost, nothing duplicated, the same history in both', async function () {
    this.timeout(150_000); // two workbenches start on two shared cores
    // The fake model echoes "You said: <last question>" when nothing is scripted.
    await useFakeModel();
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Pair',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Echo.',
    })) as { id: string };
    const thread = (await vscode.commands.executeCommand('agentThreads.newThread', agent.id)) as { id: string };
    await vscode.commands.executeCommand('agentThreads.renameThread', thread.id, TITLE);
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    await ui.fill(panel, 'vscode-textarea#input', 'Opening line');
    await ui.press('Enter');
    await completedAfter(ui, '');

    await ui.openSecondWindow();
    await openFromPalette(ui.second);
    await ui.second.waitFor(panel, () => document.body.textContent?.includes('You said: Opening line'));

    // Both people type, then press Enter at the same moment.
    await ui.fill(panel, 'vscode-textarea#input', 'From the first window');
    await ui.second.fill(panel, 'vscode-textarea#input', 'From the second window');
    const before = await Promise.all([shownRun(ui), shownRun(ui.second)]);
    await Promise.all([ui.press('Enter'), ui.second.press('Enter')]);
    const runs = await Promise.all([completedAfter(ui, before[0]), completedAfter(ui.second, before[1])]);
    assert.notEqual(runs[0], runs[1], 'each window ran its own run');

    // Refresh both: close the panels and open the thread again.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.openThread', thread.id);
    await ui.waitFor(panel, () => document.querySelectorAll('.message').length >= 6);
    await fromPalette(ui.second, 'View: Close All Editors');
    await openFromPalette(ui.second);
    await ui.second.waitFor(panel, () => document.querySelectorAll('.message').length >= 6);

    const first = await history(ui);
    const second = await history(ui.second);
    assert.deepEqual(second, first, 'both windows show the same history');
    const userTexts = first
      .filter((m) => m.role === 'user')
      .map((m) => m.text)
      .sort();
    assert.deepEqual(userTexts, ['From the first window', 'From the second window', 'Opening line'], 'every question once');
    assert.equal(new Set(first.map((m) => m.id)).size, first.length, 'no message twice');
    assert.equal(first.length, 6, `three questions and three answers: ${JSON.stringify(first.map((m) => m.text))}`);
    await ui.second.screenshot('second-window-same-history');
  });
});
