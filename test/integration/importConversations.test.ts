/**
 * Import Conversations… in the real VS Code: each format's fixture (test/fixtures/imports) imported through the command
 * shows its threads in the Agents tree, a thread opens with its messages and tool calls, imported markup stays text,
 * and a second import adds nothing.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { treeRow, waitUntilShows } from './helpers';
import { IMPORT_FIXTURE_TITLES, IMPORT_FIXTURES, IMPORT_FORMAT_FOLDERS } from '../fixtures/importFixtures';

const FIXTURES = IMPORT_FIXTURES;
const FORMATS = IMPORT_FORMAT_FOLDERS;
const panel = { webview: 'thread' as const };

interface Report {
  imported: { id: string; title: string }[];
  alreadyThere: { id: string }[];
  problems: { file: string; reason: string }[];
}

function importFrom(...folders: string[]): Thenable<Report> {
  return vscode.commands.executeCommand<Report>(
    'agentThreads.importConversations',
    folders.map((folder) => vscode.Uri.file(path.join(FIXTURES, folder))),
  );
}

describe('importing conversations from other assistants', () => {
  const importedIds: string[] = [];
  const idsByTitle = new Map<string, string>();

  before(async () => {
    await vscode.commands.executeCommand('agentThreads.agents.focus');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const id of importedIds) await vscode.commands.executeCommand('agentThreads.deleteThread', id, true);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('imports a VS Code chat session, a Cline task, a Continue session and OpenAI exports into threads the tree shows', async () => {
    const titles: string[] = [];
    for (const format of FORMATS) {
      const report = await importFrom(format);
      assert.deepEqual(report.problems, [], `${format} imports without problems`);
      assert.ok(report.imported.length > 0, `${format} gives at least one thread`);
      for (const thread of report.imported) {
        importedIds.push(thread.id);
        idsByTitle.set(thread.title, thread.id);
        titles.push(thread.title);
      }
    }
    assert.deepEqual(titles.sort(), IMPORT_FIXTURE_TITLES);
    for (const title of titles) await treeRow(title);
    await ui.screenshot('import-conversations-tree');
    // A single imported conversation opens; the next test opens one itself, from an editor area without the three
    // panels this import opened one after another.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens an imported thread with its messages and tool call; markup in imported text stays text', async () => {
    const id = idsByTitle.get('Fix the flaky login test (VS Code fixture)');
    assert.ok(id, 'the VS Code fixture was imported by the test before');
    await vscode.commands.executeCommand('agentThreads.openThread', id);

    await waitUntilShows(
      panel,
      () =>
        [...document.querySelectorAll('.message.assistant')].some((m) =>
          (m.textContent ?? '').includes('Wait for the login event instead.'),
        ),
      true,
    );
    const card = await ui.waitFor(panel, () => {
      const name = document.querySelector('.tool-call .tool-call-name');
      return name && { name: name.textContent, status: document.querySelector('.tool-call .tool-call-status-text')?.textContent };
    });
    assert.equal(card.name, 'copilot_readFile');
    const markup = await ui.waitFor(panel, () => {
      const user = [...document.querySelectorAll('.message.user')].find((m) => (m.textContent ?? '').includes('onerror'));
      const answer = [...document.querySelectorAll('.message.assistant')].find((m) => (m.textContent ?? '').includes('nothing ran'));
      return (
        user &&
        answer && {
          userText: user.textContent ?? '',
          answerText: answer.textContent ?? '',
          injected: document.querySelectorAll('.message img[onerror], .message script').length,
          ran: (window as unknown as { __importPwned?: number }).__importPwned ?? null,
        }
      );
    });
    assert.match(markup.userText, /<img src=x onerror="window.__importPwned=1">/);
    assert.match(markup.answerText, /<script>window.__importPwned=2<\/script>/);
    assert.equal(markup.injected, 0);
    assert.equal(markup.ran, null);
    await ui.screenshot('import-conversations-thread');
  });

  it('imports nothing twice: importing every fixture again finds each conversation already there', async () => {
    const report = await importFrom(...FORMATS);
    assert.deepEqual(report.problems, []);
    assert.equal(report.imported.length, 0);
    assert.equal(report.alreadyThere.length, importedIds.length);
  });

  it('names a file that is not a conversation and says why', async () => {
    const report = await importFrom('bad');
    assert.equal(report.imported.length, 0);
    const reasons = Object.fromEntries(report.problems.map((p) => [path.basename(p.file), p.reason]));
    assert.match(reasons['vscode-v9.json'], /version 9/);
    assert.match(reasons['truncated.json'], /is not valid JSON/);
  });
});
