// The `.agents/` watcher: files written, edited and deleted behind VS Code's back (as `git pull` would, with Node's
// fs rather than VS Code's file service) reach the tree through the file system watcher alone: no reload command.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { treeRow, treeRowGone, useFakeModel } from './helpers';

function agentFile(name: string): string {
  return `---\nname: ${name}\nmodel: fake/fake-model\n---\n\nAnswer in one line.\n`;
}

describe('the .agents/ file watcher', () => {
  const folder = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.agents');
  const file = path.join(folder, 'watched.agent.md');
  let createdFolder = false;

  before(async () => {
    await useFakeModel();
    await vscode.commands.executeCommand('agentThreads.agents.focus');
  });

  after(() => {
    fs.rmSync(file, { force: true });
    if (createdFolder && fs.existsSync(folder) && fs.readdirSync(folder).length === 0) fs.rmdirSync(folder);
  });

  it('shows an agent file added at runtime, follows its edits, and drops it when the file is deleted', async () => {
    createdFolder = !fs.existsSync(folder);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(file, agentFile('Watched Helper'));
    await treeRow('Watched Helper', 'from file');
    await ui.screenshot('agent-file-watched');

    fs.writeFileSync(file, agentFile('Watched Renamed'));
    await treeRow('Watched Renamed', 'from file');
    await treeRowGone('Watched Helper');

    fs.rmSync(file);
    await treeRowGone('Watched Renamed');
  });
});
