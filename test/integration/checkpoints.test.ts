import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import {
  dismissNotifications,
  eventually,
  clickNotificationButton,
  sendFromComposer,
  setSidebarWidth,
  settingForSuite,
  sidebarWidth,
  useFakeModel,
  waitForRunStatus,
  THEMES,
  useTheme,
} from './helpers';
import { visualAudit } from './visualAudit';

const panel = { webview: 'thread' as const };
const chat = { webview: 'chat' as const };

/** The "N files changed" link under the answer of `runId` as a person sees it: its text, and whether all of it is on screen. */
function changesLink(runId: string): Promise<{ text: string; inside: boolean } | undefined> {
  return ui.evaluate(
    chat,
    new Function(`
      const link = document.querySelector('.run-footer[data-run-id=${JSON.stringify(runId)}] .run-footer-changes');
      if (!link || link.getBoundingClientRect().width === 0) return undefined;
      const box = link.getBoundingClientRect();
      const list = document.getElementById('messages').getBoundingClientRect();
      return {
        text: link.textContent,
        inside: box.left >= 0 && box.right <= document.documentElement.clientWidth + 1 && box.top >= list.top && box.bottom <= list.bottom + 1,
      };
    `) as () => { text: string; inside: boolean } | undefined,
  );
}
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

/** Waits until an Undo started from the UI has put every file back, then checks them byte for byte. */
async function assertOriginalsSoon(): Promise<void> {
  await eventually(
    () =>
      assertOriginals().then(
        () => true,
        () => false,
      ),
    (back) => back,
    'the files put back',
    30_000,
  );
  await assertOriginals();
}

describe('checkpoints: review and undo what a run changed', () => {
  before(() => useFakeModel());
  settingForSuite('agentThreads.run', 'maxRetries', 0);
  let threadId: string;
  let agentId: string;
  let originalWidth: number;
  before(async () => {
    originalWidth = await sidebarWidth();
    await fs.mkdir(workspaceFile(''), { recursive: true });
    for (const [name, content] of Object.entries(ORIGINAL)) await fs.writeFile(workspaceFile(name), content);
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Checkpointer',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Change files.',
      tools: [{ name: 'edit_file' }, { name: 'create_file' }, { name: 'delete_file' }, { name: 'run_command' }],
      approval_policy: { edit_file: 'auto', create_file: 'auto', delete_file: 'auto', run_command: 'auto' },
    })) as { id: string };
    agentId = agent.id;
    threadId = ((await vscode.commands.executeCommand('agentThreads.newThread', agent.id)) as { id: string }).id;
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
  });
  // Each test starts from the original files, whatever the one before left.
  beforeEach(async () => {
    await fakeModel.reset();
    await fs.rm(workspaceFile('new'), { recursive: true, force: true });
    // Through VS Code's file service, so a document still open from the test before reloads now, not when a
    // watcher notices: the run's tools read open documents.
    for (const [name, content] of Object.entries(ORIGINAL))
      await vscode.workspace.fs.writeFile(vscode.Uri.file(workspaceFile(name)), content);
  });
  // A test's editors (the user's unsaved edit) would otherwise be the next run's files: reverted and closed.
  afterEach(async () => {
    for (const document of vscode.workspace.textDocuments.filter((doc) => doc.isDirty && doc.uri.fsPath.startsWith(workspaceFile('')))) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    const mine = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.fsPath.startsWith(workspaceFile('')));
    await vscode.window.tabGroups.close(mine);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await setSidebarWidth(originalWidth);
    // The chat would otherwise pick this suite's agent for the next suite's first message.
    await vscode.commands.executeCommand('agentThreads.deleteAgent', agentId, true);
    // Its thread too: later suites read the tree, and its "Threads without an agent" group would hold it.
    await vscode.commands.executeCommand('agentThreads.deleteThread', threadId, true);
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await dismissNotifications();
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
    // The multi-file diff editor comes up after the command has answered: wait for its tab, as a person would look.
    await ui.waitFor('workbench', () =>
      [...document.querySelectorAll('.tabs-container .tab.active')].some((tab) => tab.textContent?.includes('Run Changes (5 files)')),
    );
    const tab = vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((t) => t.label.startsWith('Run Changes'));
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

  it('says under the answer how many files the run changed, on screen at 240 and 600 px in three themes, and opens their review', async function () {
    this.timeout(180_000);
    await vscode.commands.executeCommand('agentThreads.openThreadInChat', threadId);
    await scriptFiveChanges();
    const previous = await sendFromComposer(chat, 'Change five files in the chat');
    const runId = await waitForRunStatus(chat, 'Completed', previous, 90_000);
    // The count comes once the run has finished and its change set is read.
    await ui.waitFor(
      chat,
      new Function(
        `return !!document.querySelector('.run-footer[data-run-id=${JSON.stringify(runId)}] .run-footer-changes');`,
      ) as () => boolean,
    );
    const found: string[] = [];
    for (const [theme, bodyClass, short] of THEMES) {
      await useTheme(theme, bodyClass);
      for (const width of [240, 600]) {
        await setSidebarWidth(width);
        await ui.evaluate(chat, () => document.getElementById('messages')!.scrollTo({ top: 1e9 }));
        const shown = await changesLink(runId);
        assert.deepEqual(
          shown && { text: shown.text, inside: shown.inside },
          { text: '5 files changed', inside: true },
          `${theme} ${width}`,
        );
        await ui.screenshot(`checkpoints-footer-${short}-${width}`);
        found.push(...(await ui.evaluate(chat, visualAudit)).map((f) => `${theme} ${width}: ${f.kind}: ${f.what}: ${f.detail}`));
      }
    }
    assert.equal(found.join('\n'), '');
    await useTheme('Default Dark Modern', 'vscode-dark');

    await ui.click(chat, `.run-footer[data-run-id="${runId}"] .run-footer-changes`);
    await ui.waitFor('workbench', () =>
      [...document.querySelectorAll('.tabs-container .tab')].some((tab) => tab.textContent?.includes('Run Changes (5 files)')),
    );
    // The extension host hears of the new tab after the workbench draws it.
    await eventually(
      () => vscode.window.tabGroups.activeTabGroup.activeTab?.label,
      (label) => label === 'Run Changes (5 files)',
      'the review to be the active tab',
    );
    await ui.screenshot('checkpoints-review-from-footer');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    // The footer, opened, reviews everything since the run; Undo on its line puts the five files back.
    await setSidebarWidth(240);
    await ui.click(chat, `.run-footer[data-run-id="${runId}"] .run-footer-summary`);
    await ui.click(chat, `.run-footer[data-run-id="${runId}"] .run-footer-changes-since`);
    await ui.waitFor('workbench', () =>
      [...document.querySelectorAll('.tabs-container .tab')].some((tab) => tab.textContent?.includes('Changes Since the Run (5 files)')),
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const footer = await ui.evaluate(
      chat,
      new Function(`
        const footer = document.querySelector('.run-footer[data-run-id=${JSON.stringify(runId)}]');
        const inside = (selector) => {
          const box = footer?.querySelector(selector)?.getBoundingClientRect();
          return !!box && box.width > 0 && box.left >= 0 && box.right <= document.documentElement.clientWidth;
        };
        return { undo: inside('.run-footer-undo'), since: inside('.run-footer-changes-since'), restore: inside('.run-footer-restore') };
      `) as () => Record<string, boolean>,
    );
    assert.deepEqual(footer, { undo: true, since: true, restore: true }, 'the checkpoint actions fit the footer at 240 px');
    await ui.screenshot('checkpoints-footer-actions-240');
    await ui.click(chat, `.run-footer[data-run-id="${runId}"] .run-footer-undo`);
    await assertOriginalsSoon();
  });

  it('lists the files a shell command changed, says where each can be restored from, reviews them since the run, and Undo restores them', async function () {
    this.timeout(180_000);
    const demo = workspaceFile('');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: demo, stdio: 'pipe' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    try {
      // An uncommitted change before the command: its content is kept, since git's HEAD no longer has it.
      await vscode.workspace.fs.writeFile(vscode.Uri.file(workspaceFile('b.ts')), Buffer.from('export const b = 3;\n'));
      await vscode.commands.executeCommand('agentThreads.openThread', threadId);
      const script = "echo 'export const a = 99;' > a.ts; printf x > b.ts; echo new > made.txt; rm gone.txt";
      await fakeModel.script(
        { kind: 'tool_calls', calls: [{ name: 'run_command', arguments: JSON.stringify({ command: script, cwd: FOLDER }) }] },
        { kind: 'text', text: 'The script ran.' },
      );
      const previous = await sendFromComposer(panel, 'Run the script');
      const runId = await waitForRunStatus(panel, 'Completed', previous, 90_000);
      const chats = (await fakeModel.requests()).filter((r) => r.path.endsWith('/chat/completions'));
      const output = chats
        .flatMap((chat) => (chat.body?.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.content)))
        .join('\n');
      assert.match(output, /Files changed while the command ran \(4\):/, output);
      for (const line of [
        `- ${FOLDER}/a.ts (changed; can be restored from git HEAD)`,
        `- ${FOLDER}/b.ts (changed; can be restored from its content before the command)`,
        `- ${FOLDER}/made.txt (created; Undo removes it)`,
        `- ${FOLDER}/gone.txt (deleted; can be restored from git HEAD)`,
      ])
        assert.ok(output.includes(line), `${line}\nin:\n${output}`);

      // The thread's changes since that run: the four files, in the multi-file diff.
      const since = (await vscode.commands.executeCommand('agentThreads.reviewChangesSince', threadId, runId)) as string[];
      assert.deepEqual([...since].sort(), [`${FOLDER}/a.ts`, `${FOLDER}/b.ts`, `${FOLDER}/gone.txt`, `${FOLDER}/made.txt`]);
      await ui.waitFor('workbench', () =>
        [...document.querySelectorAll('.tabs-container .tab.active')].some((tab) =>
          tab.textContent?.includes('Changes Since the Run (4 files)'),
        ),
      );
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

      const report = (await vscode.commands.executeCommand('agentThreads.undoRunChanges', threadId, runId)) as {
        files: { relative: string; outcome: string }[];
      };
      assert.deepEqual(report.files.map((file) => [file.relative, file.outcome]).sort(), [
        [`${FOLDER}/a.ts`, 'restored'],
        [`${FOLDER}/b.ts`, 'restored'],
        [`${FOLDER}/gone.txt`, 'restored'],
        [`${FOLDER}/made.txt`, 'restored'],
      ]);
      // Undone: since that run, the thread has left every file as it was.
      assert.deepEqual(await vscode.commands.executeCommand('agentThreads.reviewChangesSince', threadId, runId), []);
      assert.equal((await fs.readFile(workspaceFile('b.ts'))).toString(), 'export const b = 3;\n');
      await assert.rejects(fs.stat(workspaceFile('made.txt')), { code: 'ENOENT' });
      await assertOriginals(['b.ts']);
    } finally {
      await fs.rm(path.join(demo, '.git'), { recursive: true, force: true });
    }
  });

  // Last: the user's edit leaves b.ts's document behind, which VS Code reconciles with the disk only when its watcher
  // notices the next test's reset, too late for a run that edits b.ts at once.
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

    // Review Conflicts: the merge editor, the run's result as base, "Before the run" and "Now" as its two sides.
    await clickNotificationButton('Changed since the run, left untouched', 'Review Conflicts');
    const merge = await ui.waitFor('workbench', () => {
      // window.document: this test's `document` is b.ts's.
      const active = window.document.querySelector('.tabs-container .tab.active')?.textContent ?? '';
      const editor = window.document.querySelector('.part.editor .merge-editor');
      const text = editor?.textContent ?? '';
      return active.includes('b.ts') && text.includes('Before the run') ? { tab: active, text } : undefined;
    });
    assert.match(merge.text, /Before the run/);
    assert.match(merge.text, /Now/);
    await ui.screenshot('checkpoints-conflict-merge-editor');
    // Taking back the run's line and keeping the user's is one click: the combination of both sides.
    const combined = '// mine\nexport const b = 2;\n';
    const merged = new Promise<void>((resolve) => {
      const listening = vscode.workspace.onDidChangeTextDocument(({ document: changed }) => {
        if (changed !== document || changed.getText() !== combined) return;
        listening.dispose();
        resolve();
      });
    });
    await ui.click('workbench', '.merge-editor a:has-text("Accept Combination")');
    await merged;
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
