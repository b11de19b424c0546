/**
 * Threads VS Code put in another workspace's storage are found and merged (the history issue): a second store of this
 * workspace folder, as the same folder opened in another workspace identity leaves it, is offered in the Agents tree,
 * and Merge brings its threads here byte for byte.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { expandTreeRow, treeRow, treeRowGone, waitUntilShows } from './helpers';
import { AgentStore } from '../../src/core/store/agentStore';
import { ThreadStore } from '../../src/core/store/threadStore';

const EXTENSION_FOLDER = 'agent-threads.agent-threads';

function workspaceStorage(): string {
  const userData = process.env.AGENT_THREADS_TEST_USER_DATA;
  if (!userData) throw new Error('AGENT_THREADS_TEST_USER_DATA is not set: run the integration suite through npm run test:integration.');
  return path.join(userData, 'User', 'workspaceStorage');
}

/** This window's store: the workspace storage folder that holds `agentId` (code-server names workspaces in meta.json). */
function ownStore(agentId: string): string {
  const storage = workspaceStorage();
  for (const name of fs.readdirSync(storage)) {
    const store = path.join(storage, name, EXTENSION_FOLDER);
    if (fs.existsSync(path.join(store, 'agents', agentId))) return store;
  }
  throw new Error(`No store under ${storage} holds agent ${agentId}`);
}

function threadCount(store: string): number {
  return fs.existsSync(path.join(store, 'threads'))
    ? fs.readdirSync(path.join(store, 'threads')).filter((n) => n.startsWith('thread_')).length
    : 0;
}

describe('threads of this project from another workspace', () => {
  const sibling = path.join(workspaceStorage(), 'findstores-sibling');
  let own: string | undefined;
  const merged: { threads: string[]; agents: string[] } = { threads: [], agents: [] };

  before(async () => {
    await vscode.extensions.getExtension('agent-threads.agent-threads')!.activate();
  });

  after(async () => {
    fs.rmSync(sibling, { recursive: true, force: true });
    if (!own) return;
    // The merged threads and agent leave with the test, so later suites see the store as they would without it.
    const threads = new ThreadStore({ root: own });
    for (const id of merged.threads) await threads.delete(id).catch(() => undefined);
    for (const id of merged.agents) await new AgentStore(own, new Set()).delete(id).catch(() => undefined);
    await vscode.commands.executeCommand('agentThreads.refresh');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('offers them in the tree, and Merge brings them here byte for byte', async () => {
    const folderUri = vscode.workspace.workspaceFolders![0].uri.toString();
    const mine = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Stays Here',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Answer.',
    })) as { id: string };
    const store = ownStore(mine.id);
    own = store;
    merged.agents.push(mine.id);

    // The other identity's storage folder, as desktop VS Code makes one: workspace.json naming the same folder, our
    // store inside.
    fs.mkdirSync(sibling, { recursive: true });
    fs.writeFileSync(path.join(sibling, 'workspace.json'), JSON.stringify({ folder: folderUri }));
    const otherRoot = path.join(sibling, EXTENSION_FOLDER);
    const otherAgents = new AgentStore(otherRoot, new Set());
    const elsewhere = await otherAgents.create({
      name: 'Found Elsewhere',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Hi.',
    });
    const otherThreads = new ThreadStore({ root: otherRoot });
    const count = threadCount(store) + 2; // the offer is for a store with more threads than this one
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const thread = await otherThreads.create({
        title: `Elsewhere ${i}`,
        agent_id: elsewhere.id,
        messages: [
          { role: 'user', content: [{ type: 'text', text: { value: `question ${i}` } }] },
          { role: 'assistant', content: [{ type: 'text', text: { value: `answer ${i} from the other workspace` } }] },
        ],
      });
      ids.push(thread.id);
    }

    await vscode.commands.executeCommand('agentThreads.agents.focus');
    await vscode.commands.executeCommand('agentThreads.refresh'); // looks again, as a start does
    const offer = `Found ${count} threads of this project from another workspace`;
    const agentsPaneSays = (text: string) =>
      ui.waitFor(
        'workbench',
        new Function(`
          const pane = [...document.querySelectorAll('.part.sidebar .pane')].find((p) => p.querySelector('.pane-header')?.textContent?.includes('Agents'));
          return (pane?.textContent ?? '').includes(${JSON.stringify(text)}) === ${JSON.stringify(true)};
        `) as () => boolean,
      );
    await agentsPaneSays(offer);
    // The earlier suites leave a tree taller than its pane: folded, as a person would fold it, the offer row is on
    // screen at the top, and unfolding it shows what to do.
    await vscode.commands.executeCommand('workbench.actions.treeView.agentThreads.agents.collapseAll');
    await expandTreeRow(`${count} threads`);
    await treeRow('Merge Here');
    await ui.screenshot('found-threads-offer');

    await ui.click('workbench', '.part.sidebar .pane .monaco-list-row:has-text("Merge Here")');
    merged.threads = ids;
    merged.agents.push(elsewhere.id);
    await treeRowGone('Merge Here');
    await ui.waitFor(
      'workbench',
      new Function(`
        const pane = [...document.querySelectorAll('.part.sidebar .pane')].find((p) => p.querySelector('.pane-header')?.textContent?.includes('Agents'));
        return pane && !pane.textContent.includes(${JSON.stringify(offer)});
      `) as () => boolean,
    );
    for (const id of ids)
      for (const file of ['messages.jsonl', 'thread.json'])
        assert.deepEqual(
          fs.readFileSync(path.join(store, 'threads', id, file)),
          fs.readFileSync(path.join(otherRoot, 'threads', id, file)),
          `${file} of ${id} is the same bytes here as there`,
        );
    await treeRow('Found Elsewhere');
    await ui.screenshot('found-threads-merged');

    await vscode.commands.executeCommand('agentThreads.openThread', ids[0]);
    const panel = { webview: 'thread' as const, title: 'Elsewhere 0' };
    await waitUntilShows(
      panel,
      () => [...document.querySelectorAll('.message .message-body')].map((m) => m.textContent?.trim()).join(' | '),
      'question 0 | answer 0 from the other workspace',
    );
  });
});
