import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { UNTITLED_THREAD_TITLE, type Thread } from '../../core/domain';
import type { AgentRepository, RunService, ThreadRepository } from '../../core/backend';
import { exportThreadJson, exportThreadMarkdown, importThreadJson } from '../../core/backend/threadExport';
import type { AgentsTreeNode } from '../views/agentsTreeProvider';
import { pickAgent } from './agentCommands';
import type { ChatViewProvider } from '../views/chatViewProvider';
import type { ThreadPanels } from '../views/threadPanels';
import { errorMessage } from '../shared/errors';

export interface ThreadCommandServices {
  agents: AgentRepository;
  threads: ThreadRepository;
  runs: RunService;
  panels: ThreadPanels;
  chat: ChatViewProvider;
  /** The user's stored API keys, redacted from exports. */
  knownSecrets: () => Promise<readonly string[]>;
}

/** A thread from a tree node, a plain id argument, the chat's current thread, or a quick pick. */
export async function pickThread(
  { threads, chat }: ThreadCommandServices,
  target?: AgentsTreeNode | string,
  title = 'Which thread?',
): Promise<Thread | undefined> {
  if (typeof target === 'string') return threads.get(target);
  if (target?.kind === 'thread') return target.thread;
  const list = await threads.list();
  const picked = await vscode.window.showQuickPick(
    list.map((thread) => ({
      label: thread.title || UNTITLED_THREAD_TITLE,
      description: `${thread.message_count} messages`,
      thread,
      picked: thread.id === chat.currentThreadId,
    })),
    { title, placeHolder: list.length ? 'Pick a thread' : 'No threads yet' },
  );
  return picked?.thread;
}

/** Creates a thread for an agent and opens it in a panel. */
export async function newThread(services: ThreadCommandServices, target?: AgentsTreeNode | string): Promise<Thread | undefined> {
  const agent = await pickAgent(services.agents, target, 'New thread with which agent?');
  if (!agent) return undefined;
  const thread = await services.threads.create({ agent_id: agent.id });
  await services.panels.open(thread.id);
  return thread;
}

export async function renameThread(services: ThreadCommandServices, target?: AgentsTreeNode | string, newTitle?: string): Promise<void> {
  const thread = await pickThread(services, target, 'Rename which thread?');
  if (!thread) return;
  const title =
    newTitle ??
    (await vscode.window.showInputBox({
      title: 'Rename thread',
      value: thread.title,
      validateInput: (t) => (t.trim() ? undefined : 'Enter a title.'),
    }));
  if (title) await services.threads.rename(thread.id, title.trim());
}

export async function deleteThread(services: ThreadCommandServices, target?: AgentsTreeNode | string, confirmed = false): Promise<void> {
  const thread = await pickThread(services, target, 'Delete which thread?');
  if (!thread) return;
  if (!confirmed) {
    const answer = await vscode.window.showWarningMessage(
      `Delete thread "${thread.title || UNTITLED_THREAD_TITLE}" and its ${thread.message_count} messages? This cannot be undone.`,
      { modal: true },
      'Delete',
    );
    if (answer !== 'Delete') return;
  }
  const active = services.runs.activeRun(thread.id);
  if (active) await services.runs.cancelRun(thread.id, active.id);
  await services.threads.delete(thread.id);
}

/** Writes a thread as JSON (Assistants shapes, re-importable) or as Markdown (for reading). */
export async function exportThread(
  services: ThreadCommandServices,
  target?: AgentsTreeNode | string,
  destination?: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  const thread = await pickThread(services, target, 'Export which thread?');
  if (!thread) return undefined;
  let format: 'json' | 'md' = destination?.path.endsWith('.md') ? 'md' : 'json';
  if (!destination) {
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'JSON', detail: 'Thread, messages and runs in the Assistants API shapes; can be imported again', format: 'json' as const },
        { label: 'Markdown', detail: 'A readable transcript', format: 'md' as const },
      ],
      { title: 'Export format' },
    );
    if (!picked) return undefined;
    format = picked.format;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const fileName = `${(thread.title || thread.id).replace(/[^\w.-]+/g, '-').slice(0, 60)}.${format === 'json' ? 'thread.json' : 'md'}`;
    destination = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
      filters: format === 'json' ? { 'Thread JSON': ['json'] } : { Markdown: ['md'] },
    });
    if (!destination) return undefined;
  }
  const secrets = await services.knownSecrets();
  const content =
    format === 'json'
      ? JSON.stringify(await exportThreadJson(services.threads, thread.id, secrets), null, 2)
      : await exportThreadMarkdown(services.threads, thread.id, secrets);
  await vscode.workspace.fs.writeFile(destination, Buffer.from(content, 'utf8'));
  vscode.window.setStatusBarMessage(`Exported "${thread.title}" to ${vscode.workspace.asRelativePath(destination)}`, 4000);
  return destination;
}

/** Imports a thread exported as JSON; ids that already exist get new ones, so nothing is overwritten. */
export async function importThread(services: ThreadCommandServices, source?: vscode.Uri): Promise<Thread | undefined> {
  const uri =
    source ??
    (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Thread JSON': ['json'] }, openLabel: 'Import' }))?.[0];
  if (!uri) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(
      uri.scheme === 'file' ? await fs.readFile(uri.fsPath, 'utf8') : Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'),
    );
  } catch (error) {
    throw new Error(
      `${vscode.workspace.asRelativePath(uri)} is not valid JSON (${errorMessage(error)}). Export a thread as JSON to see the expected shape.`,
      { cause: error },
    );
  }
  const thread = await importThreadJson(services.threads, data);
  await services.panels.open(thread.id);
  return thread;
}

/** Cancels the active run of a thread (the chat's current thread when none is given). */
export async function cancelRun(services: ThreadCommandServices, target?: AgentsTreeNode | string): Promise<void> {
  const threadId = typeof target === 'string' ? target : target?.kind === 'thread' ? target.thread.id : services.chat.currentThreadId;
  const run = threadId ? services.runs.activeRun(threadId) : undefined;
  if (!threadId || !run) {
    vscode.window.showInformationMessage('No run is active in this thread.');
    return;
  }
  await services.runs.cancelRun(threadId, run.id);
}
