import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { sendFromComposer, settingForSuite, useFakeModel, waitForRunStatus } from './helpers';

const panel = { webview: 'thread' as const };
const FOLDER = 'checkpoints-demo';

function workspaceFile(relative: string): string {
  return path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, FOLDER, relative);
}

// Content a text round trip would damage: a BOM, CRLF, a lone CR, non-ASCII, no final newline.
const ORIGINAL: Record<string, Buffer> = {
  'a.ts': Buffer.from('\uFEFFexport const a = 1;\r\nexport const b = "ü🚀";\r'),
  'b.ts': Buffer.from('export const b = 2;\n'),
  'c.md': Buffer.from('# Notes\n\n- one\n- two'),
  'gone.txt': Buffer.from('delete me\r\n'),
};

/** One model turn that edits three files, creates one and deletes one, then a closing answer. */
async function scriptFiveChanges(): Promise<void> {
  const call = (name: string, args: object) => ({ name, arguments: JSON.stringify(args) });
  await fakeModel.script(
    {
      kind: 'tool_calls',
      calls: [
        call('edit_file', { path: `${FOLDER}/a.ts`, edits: [{ search: 'const a = 1', replace: 'const a = 10' }] }),
        call('edit_file', { path: `${FOLDER}/b.ts`, content: 'export const b = 20;\n' }),
        call('edit_file', { path: `${FOLDER}/c.md`, edits: [{ search: '- two', replace: '- two\n- three' }] }),
        call('create_file', { path: `${FOLDER}/new/created.ts`, content: 'export const created = true;\n' }),
        call('delete_file', { path: `${FOLDER}/gone.txt` }),
      ],
    },
    { kind: 'text', text: 'Five files changed.' },
  );
}

async function assertOriginals(except: string[] = []): Promise<void> {
  for (const [name, content] of Object.entries(ORIGINAL)) {
    if (!except.includes(name)) assert.deepEqual(await fs.readFile(workspaceFile(name)), content, `${name} byte for byte`);
  }
  await assert.rejects(fs.stat(workspaceFile('new/created.ts')), { code: 'ENOENT' }, 'the created file is removed');
}

describe('checkpoints: review and undo what a run changed', () => {
  before(() => useFakeModel());
  settingForSuite('agentThreads.run', 'maxRetries', 0);
  let threadId: string;
  before(async () => {
    await fs.mkdir(workspaceFile(''), { recursive: true });
    for (const [name, content] of Object.entries(ORIGINAL)) await fs.writeFile(workspaceFile(name), content);
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Checkpointer',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Change files.',
      tools: [{ name: 'edit_file' }, { name: 'create_file' }, { name: 'delete_file' }],
      approval_policy: { edit_file: 'auto', create_file: 'auto', delete_file: 'auto' },
    })) as { id: string };
    threadId = ((await vscode.commands.executeCommand('agentThreads.newThread', agent.id)) as { id: string }).id;
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
  });
  // Each test starts from the original files, whatever the one before left.
  beforeEach(async () => {
    await fakeModel.reset();
    await fs.rm(workspaceFile('new'), { recursive: true, force: true });
    for (const [name, content] of Object.entries(ORIGINAL)) await fs.writeFile(workspaceFile(name), content);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fs.rm(workspaceFile(''), { recursive: true, force: true });
  });

  it('shows the five files a run changed in the multi-file diff, and Undo restores all five byte for byte', async function () {
    this.timeout(180_000);
    await scriptFiveChanges();
    const previous = await sendFromComposer(panel, 'Change five files');
    const runId = await waitForRunStatus(panel, 'Completed', previous, 90_000);
    assert.equal((await fs.readFile(workspaceFile('b.ts'))).toString(), 'export const b = 20;\n');

    const shown = (await vscode.commands.executeCommand('agentThreads.reviewRunChanges', threadId, runId)) as string[];
    assert.deepEqual([...shown].sort(), [
      `${FOLDER}/a.ts`,
      `${FOLDER}/b.ts`,
      `${FOLDER}/c.md`,
      `${FOLDER}/gone.txt`,
      `${FOLDER}/new/created.ts`,
    ]);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.equal(tab?.label, 'Run Changes (5 files)', 'the multi-file diff editor holds five files');
    await ui.screenshot('checkpoints-review');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    const report = (await vscode.commands.executeCommand('agentThreads.undoRunChanges', threadId, runId)) as {
      files: { outcome: string }[];
    };
    assert.deepEqual(
      report.files.map((file) => file.outcome),
      ['restored', 'restored', 'restored', 'restored', 'restored'],
    );
    await assertOriginals();
  });

  it('leaves a file the user changed after the run (unsaved, in an editor) untouched as a conflict and restores the others', async () => {
    await vscode.commands.executeCommand('agentThreads.openThread', threadId);
    await scriptFiveChanges();
    const previous = await sendFromComposer(panel, 'Change five files again');
    const runId = await waitForRunStatus(panel, 'Completed', previous, 90_000);
    // The user types into b.ts and does not save: the buffer is what would be lost, so it counts.
    const document = await vscode.workspace.openTextDocument(workspaceFile('b.ts'));
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '// mine\n'));
    assert.ok(document.isDirty);

    const report = (await vscode.commands.executeCommand('agentThreads.undoRunChanges', threadId, runId)) as {
      files: { relative: string; outcome: string }[];
    };
    assert.deepEqual(report.files.map((file) => [file.relative, file.outcome]).sort(), [
      [`${FOLDER}/a.ts`, 'restored'],
      [`${FOLDER}/b.ts`, 'conflict'],
      [`${FOLDER}/c.md`, 'restored'],
      [`${FOLDER}/gone.txt`, 'restored'],
      [`${FOLDER}/new/created.ts`, 'restored'],
    ]);
    assert.equal(document.getText(), '// mine\nexport const b = 20;\n', 'the unsaved edit is untouched');
    // Auto save may have written the user's text meanwhile; what must never be there is the run's "before".
    assert.notEqual(
      (await fs.readFile(workspaceFile('b.ts'))).toString(),
      'export const b = 2;\n',
      'the file was not restored over the user',
    );
    await assertOriginals(['b.ts']);
  });
});
