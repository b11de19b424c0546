/**
 * Back Up All Threads… and Restore from Backup… in the real VS Code: a thread deleted after a backup comes back in
 * the Agents tree and the thread view (its text through the same sanitizer as any message), and a tampered backup
 * is refused with the file that failed its checksum.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { notification, threadExportFile, treeRow, treeRowGone, waitUntilShows, showAgentThreadsView } from './helpers';

const panel = { webview: 'thread' as const };
const TITLE = 'Backed up thread 7q2';
const HOSTILE = '<img src=x onerror="document.title=1"> survives as text';

describe('backups: back up, delete, restore', () => {
  let folder: string;
  let agentId: string;
  let threadId: string;

  before(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-threads-backup-test-'));
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Backup Agent',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Answer.',
    })) as { id: string };
    agentId = agent.id;
    const thread = (await vscode.commands.executeCommand(
      'agentThreads.importThread',
      threadExportFile(4, 'backup7q2x', agentId, { title: TITLE, texts: { 0: 'Where did my history go?', 1: HOSTILE } }),
    )) as { id: string };
    threadId = thread.id;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The Agents tree is where a person sees the thread go and come back.
    await showAgentThreadsView();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('agentThreads.deleteThread', threadId, true);
    await vscode.commands.executeCommand('agentThreads.deleteAgent', agentId, true);
    await fs.rm(folder, { recursive: true, force: true });
  });

  it('a thread deleted after a backup is back in the Agents tree and the thread view after a restore', async () => {
    const archive = vscode.Uri.file(path.join(folder, 'all.tar'));
    const written = (await vscode.commands.executeCommand('agentThreads.backUpAllThreads', archive)) as vscode.Uri | undefined;
    assert.equal(written?.fsPath, archive.fsPath);
    assert.ok((await fs.stat(archive.fsPath)).size > 0);

    await treeRow(TITLE);
    await vscode.commands.executeCommand('agentThreads.deleteThread', threadId, true);
    await treeRowGone(TITLE);

    const result = (await vscode.commands.executeCommand('agentThreads.restoreFromBackup', archive)) as { threadsAdded: string[] };
    assert.deepEqual(result.threadsAdded, [threadId], 'only the deleted thread was missing');
    await treeRow(TITLE);
    const said = await notification('Restored from');
    assert.match(said.message, /Threads added: 1;/);

    await vscode.commands.executeCommand('agentThreads.openThread', threadId);
    const texts = await waitUntilShows(
      panel,
      () => [...document.querySelectorAll('.message .message-body')].map((m) => m.textContent?.trim() ?? '').slice(0, 2),
      ['Where did my history go?', HOSTILE],
    );
    assert.equal(texts.length, 2);
    const images = await ui.evaluate(panel, () => document.querySelectorAll('.message .message-body img').length);
    assert.equal(images, 0, 'restored text is rendered as text, not as HTML');
    await ui.screenshot('backup-restored-thread');
  });

  it('a tampered backup is refused with the file that failed its checksum, and nothing is restored', async () => {
    const archive = path.join(folder, 'tampered.tar');
    await vscode.commands.executeCommand('agentThreads.backUpAllThreads', vscode.Uri.file(archive));
    const bytes = await fs.readFile(archive);
    const at = bytes.indexOf('Where did my history go?');
    assert.ok(at > 0, 'the message is in the archive');
    bytes.write('WHERE', at);
    await fs.writeFile(archive, bytes);
    await vscode.commands.executeCommand('agentThreads.deleteThread', threadId, true);
    await treeRowGone(TITLE);

    const result = await vscode.commands.executeCommand('agentThreads.restoreFromBackup', vscode.Uri.file(archive));
    assert.equal(result, undefined);
    const error = await notification('failed its checksum');
    assert.match(error.message, new RegExp(`threads/${threadId}/messages\\.jsonl failed its checksum`));
    assert.match(error.message, /Nothing was restored/);
    await ui.screenshot('backup-tampered-refused');
    await treeRowGone(TITLE);
    // Put it back for after() (and to show the untampered backup still restores).
    await vscode.commands.executeCommand('agentThreads.restoreFromBackup', vscode.Uri.file(path.join(folder, 'all.tar')));
    await treeRow(TITLE);
  });
});
