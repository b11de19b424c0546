import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { UNTITLED_THREAD_TITLE, type Thread } from '../../core/domain';
import type { AgentRepository, RunService, ThreadRepository } from '../../core/backend';
import { exportFileName, exportThreadJson, exportThreadMarkdown, importThreadJson } from '../../core/backend/threadExport';
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
      description: vscode.l10n.t('{0} messages', thread.message_count),
      thread,
      picked: thread.id === chat.currentThreadId,
    })),
    { title, placeHolder: list.length ? vscode.l10n.t('Pick a thread') : vscode.l10n.t('No threads yet') },
  );
  return picked?.thread;
}

/**
 * The thread a command without a target means: the one in the active thread panel, else the one the sidebar chat
 * shows; a quick pick only when neither shows one.
 */
export async function openOrPickThread(
  services: ThreadCommandServices,
  target: AgentsTreeNode | string | undefined,
  title: string,
): Promise<Thread | undefined> {
  const open = target === undefined ? (services.panels.activeThreadId ?? services.chat.currentThreadId) : undefined;
  if (open) {
    const thread = await services.threads.get(open).catch(() => undefined); // deleted meanwhile: ask
    if (thread) return thread;
  }
  return pickThread(services, target, title);
}

/** Creates a thread for an agent and opens it in a panel. */
export async function newThread(services: ThreadCommandServices, target?: AgentsTreeNode | string): Promise<Thread | undefined> {
  const agent = await pickAgent(services.agents, target, vscode.l10n.t('New thread with which agent?'));
  if (!agent) return undefined;
  const thread = await services.threads.create({ agent_id: agent.id });
  await services.panels.open(thread.id);
  return thread;
}

export async function renameThread(services: ThreadCommandServices, target?: AgentsTreeNode | string, newTitle?: string): Promise<void> {
  const thread = await pickThread(services, target, vscode.l10n.t('Rename which thread?'));
  if (!thread) return;
  const title =
    newTitle ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Rename thread'),
      value: thread.title,
      validateInput: (t) => (t.trim() ? undefined : vscode.l10n.t('Enter a title.')),
    }));
  if (title) await services.threads.rename(thread.id, title.trim());
}

export async function deleteThread(services: ThreadCommandServices, target?: AgentsTreeNode | string, confirmed = false): Promise<void> {
  const thread = await pickThread(services, target, vscode.l10n.t('Delete which thread?'));
  if (!thread) return;
  if (!confirmed) {
    const remove = vscode.l10n.t('Delete');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Delete thread "{0}" and its {1} messages? This cannot be undone.',
        thread.title || UNTITLED_THREAD_TITLE,
        thread.message_count,
      ),
      { modal: true },
      remove,
    );
    if (answer !== remove) return;
  }
  const active = services.runs.activeRun(thread.id);
  if (active) await services.runs.cancelRun(thread.id, active.id);
  await services.threads.delete(thread.id);
}

/** Where the last export went this session: the next Save dialog starts there. */
let lastExportFolder: vscode.Uri | undefined;

/**
 * Writes a thread as Markdown (for reading) or JSON (Assistants shapes, re-importable), chosen by the file's
 * extension in the Save dialog. The thread is the target, else the open one; a notification offers to open the file.
 */
export async function exportThread(
  services: ThreadCommandServices,
  target?: AgentsTreeNode | string,
  destination?: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  const thread = await openOrPickThread(services, target, vscode.l10n.t('Export which thread?'));
  if (!thread) return undefined;
  const title = thread.title || UNTITLED_THREAD_TITLE;
  if (!destination) {
    const folder = lastExportFolder ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const fileName = exportFileName(title, new Date(), 'md');
    destination = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export "{0}"', title),
      saveLabel: vscode.l10n.t('Export'),
      defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
      filters: { [vscode.l10n.t('Markdown (readable)')]: ['md'], [vscode.l10n.t('Thread JSON (can be imported again)')]: ['json'] },
    });
    if (!destination) return undefined;
  }
  const format = destination.path.endsWith('.json') ? 'json' : 'md';
  const secrets = await services.knownSecrets();
  const content =
    format === 'json'
      ? JSON.stringify(await exportThreadJson(services.threads, thread.id, secrets), null, 2)
      : await exportThreadMarkdown(services.threads, thread.id, secrets);
  await vscode.workspace.fs.writeFile(destination, Buffer.from(content, 'utf8'));
  lastExportFolder = vscode.Uri.joinPath(destination, '..');
  void offerExportedFile(title, destination); // a notice: the command is done whether or not the user clicks
  return destination;
}

/** Says where the export went, with Open (and Reveal where that is cheap: in the Explorer, or the OS's file manager). */
async function offerExportedFile(title: string, file: vscode.Uri): Promise<void> {
  const open = vscode.l10n.t('Open');
  const inWorkspace = vscode.workspace.getWorkspaceFolder(file) !== undefined;
  const reveal = inWorkspace
    ? vscode.l10n.t('Reveal in Explorer')
    : vscode.env.uiKind === vscode.UIKind.Desktop && file.scheme === 'file'
      ? vscode.l10n.t('Reveal in File Manager')
      : undefined;
  const where = inWorkspace ? vscode.workspace.asRelativePath(file) : file.fsPath;
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t('Exported "{0}" to {1}.', title, where),
    ...(reveal ? [open, reveal] : [open]),
  );
  if (choice === open) await vscode.window.showTextDocument(file, { preview: false });
  else if (choice === reveal) await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', file);
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
    vscode.window.showInformationMessage(vscode.l10n.t('No run is active in this thread.'));
    return;
  }
  await services.runs.cancelRun(threadId, run.id);
}
