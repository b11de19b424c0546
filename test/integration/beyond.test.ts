import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { writeThreadExport } from '../fixtures/threadExport';
import { treeRow, treeRowGone, useFakeModel } from './helpers';

/** A thread export whose fifth message mentions a platypus, as a file the import command reads. */
function exportFile(title: string, agentId: string): vscode.Uri {
  const texts = [
    'Plan the release',
    'Start with the changelog',
    'Then tag it',
    'Tagged v1.2',
    'Unrelated: a platypus sighting today',
    'Nice',
  ];
  return vscode.Uri.file(writeThreadExport({ tag: 'beyond', texts, title, agentId }));
}

describe('agents as files, fork and search in the real UI', () => {
  const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const agentsFolder = path.join(workspace, '.agents');
  const cleanup: (() => Promise<unknown>)[] = [];
  let agentId: string;

  before(async () => {
    await useFakeModel();
    await vscode.commands.executeCommand('agentThreads.agents.focus');
  });

  after(async () => {
    for (const step of cleanup.reverse()) await step();
    // Through VS Code's file service, as a user would, so the file watcher sees it.
    await vscode.workspace.fs.delete(vscode.Uri.file(agentsFolder), { recursive: true, useTrash: false });
    assert.deepEqual(await vscode.commands.executeCommand('agentThreads.reloadAgentFiles'), { agents: [], problems: [] });
    await treeRowGone('from file');
  });

  it('shows an agent defined in .agents/ in the tree, marked as from a file', async () => {
    const sample = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'agents', 'reviewer.agent.md'));
    await vscode.workspace.fs.writeFile(vscode.Uri.file(path.join(agentsFolder, 'reviewer.agent.md')), sample);
    assert.deepEqual(await vscode.commands.executeCommand('agentThreads.reloadAgentFiles'), {
      agents: ['.agents/reviewer.agent.md'],
      problems: [],
    });
    assert.match(await treeRow('Code Reviewer', 'from file'), /fake-model/);
  });

  it('exports an agent to .agents/ where it shows up as a file agent', async () => {
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Release Helper',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Help with releases.',
      // No tools, so the file holds only what this test checks (a new agent otherwise gets the read-only ones).
      tools: [],
    })) as { id: string };
    agentId = agent.id;
    cleanup.push(() => Promise.resolve(vscode.commands.executeCommand('agentThreads.deleteAgent', agent.id, true)));
    const uri = (await vscode.commands.executeCommand('agentThreads.exportAgentToFile', agent.id)) as vscode.Uri;
    assert.equal(uri.fsPath, path.join(agentsFolder, 'release-helper.agent.md'));
    assert.match(
      fs.readFileSync(uri.fsPath, 'utf8'),
      /^---\nname: Release Helper\nmodel: fake\/fake-model\n---\n\nHelp with releases\.\n$/,
    );
    await treeRow('Release Helper', 'from file');
  });

  it('forks a thread from a message into a new thread with the history up to it', async () => {
    const source = (await vscode.commands.executeCommand('agentThreads.importThread', exportFile('Beyond source', agentId))) as {
      id: string;
    };
    cleanup.push(() => Promise.resolve(vscode.commands.executeCommand('agentThreads.deleteThread', source.id, true)));
    const fork = (await vscode.commands.executeCommand('agentThreads.forkThread', source.id, 'msg_beyond0000000002')) as {
      id: string;
      title: string;
      message_count: number;
    };
    cleanup.push(() => Promise.resolve(vscode.commands.executeCommand('agentThreads.deleteThread', fork.id, true)));
    assert.equal(fork.title, 'Beyond source (fork)');
    assert.equal(fork.message_count, 3);
    assert.match(await treeRow('Beyond source (fork)', '3 messages'), /Beyond source \(fork\)/);
    await ui.waitFor(
      { webview: 'thread' },
      () => document.body.textContent?.includes('Then tag it') && !document.body.textContent.includes('Tagged v1.2'),
    );
  });

  it('finds a message by a word in the search quick pick and opens its thread', async () => {
    void vscode.commands.executeCommand('agentThreads.searchThreads');
    await ui.fill('workbench', '.quick-input-widget input.input', 'platyp');
    await ui.waitFor('workbench', () =>
      [...document.querySelectorAll('.quick-input-widget .monaco-list-row')].some((row) => row.textContent?.includes('platypus sighting')),
    );
    await ui.press('Enter');
    await ui.waitFor(
      'workbench',
      () =>
        document.querySelector('.tab.active')?.textContent?.includes('Beyond source') &&
        !document.querySelector('.tab.active')?.textContent?.includes('(fork)'),
    );
  });
});
