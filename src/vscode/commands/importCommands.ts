import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Thread } from '../../core/domain';
import { ConversationImporter, findConversations, ImportError, type ImportTarget } from '../../core/history/imports';
import type { AgentsTreeNode, AgentsTreeProvider } from '../views/agentsTreeProvider';
import { revealThread } from '../views/revealThread';
import type { ThreadPanels } from '../views/threadPanels';
import { errorMessage } from '../shared/errors';

/** A folder where another assistant keeps its conversations on this machine. */
export interface ImportLocation {
  label: string;
  folder: string;
}

export interface ImportCommandServices {
  threads: ImportTarget;
  panels: ThreadPanels;
  tree: AgentsTreeProvider;
  treeView: vscode.TreeView<AgentsTreeNode>;
  log: vscode.LogOutputChannel;
  /** Where VS Code, Cline and Continue keep conversations by default (whether or not they exist). */
  importLocations: readonly ImportLocation[];
}

/** What an import did: threads made, conversations found already imported, and what could not be imported and why. */
export interface ImportReport {
  imported: Thread[];
  alreadyThere: Thread[];
  problems: { file: string; reason: string }[];
  /** JSON files in the folders searched that are no conversation (workspace.json, other extensions' files). */
  passedOver: string[];
}

/**
 * The default places of other assistants' conversations: VS Code's chat sessions of this workspace (beside this
 * extension's workspace storage) and of empty windows, Cline's tasks (in VS Code's global storage), Continue's
 * sessions (in the home folder).
 */
export function defaultImportLocations(storageUri: vscode.Uri | undefined, globalStorageUri: vscode.Uri): ImportLocation[] {
  const globalStorage = path.dirname(globalStorageUri.fsPath);
  return [
    ...(storageUri
      ? [
          {
            label: vscode.l10n.t('VS Code chat sessions of this workspace'),
            folder: path.join(path.dirname(storageUri.fsPath), 'chatSessions'),
          },
        ]
      : []),
    {
      label: vscode.l10n.t('VS Code chat sessions of windows without a folder'),
      folder: path.join(globalStorage, 'emptyWindowChatSessions'),
    },
    { label: vscode.l10n.t('Cline tasks'), folder: path.join(globalStorage, 'saoudrizwan.claude-dev', 'tasks') },
    { label: vscode.l10n.t('Continue sessions'), folder: path.join(os.homedir(), '.continue', 'sessions') },
  ];
}

async function existing(locations: readonly ImportLocation[]): Promise<ImportLocation[]> {
  const found = await Promise.all(
    locations.map((l) =>
      fs.stat(l.folder).then(
        (s) => s.isDirectory(),
        () => false,
      ),
    ),
  );
  return locations.filter((_, i) => found[i]);
}

/** Asks what to import: one of the default places that exist on this machine, or files and folders from a dialog. */
async function pickTargets(locations: readonly ImportLocation[]): Promise<vscode.Uri[] | undefined> {
  const there = await existing(locations);
  const choose = vscode.l10n.t('Choose Files or Folders…');
  if (there.length) {
    const picked = await vscode.window.showQuickPick(
      [
        ...there.map((l) => ({ label: l.label, description: l.folder, folder: l.folder as string | undefined })),
        { label: choose, description: vscode.l10n.t('VS Code, Cline, Continue or OpenAI exports (.json, .jsonl)'), folder: undefined },
      ],
      { title: vscode.l10n.t('Import Conversations'), placeHolder: vscode.l10n.t('Import from where?') },
    );
    if (!picked) return undefined;
    if (picked.folder) return [vscode.Uri.file(picked.folder)];
  }
  return vscode.window.showOpenDialog({
    title: vscode.l10n.t('Import Conversations'),
    openLabel: vscode.l10n.t('Import'),
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: true,
    defaultUri: there[0] ? vscode.Uri.file(there[0].folder) : undefined,
    filters: { [vscode.l10n.t('Conversations')]: ['json', 'jsonl'] },
  });
}

/** Imports every conversation found, one at a time, each all or nothing; stops between conversations when cancelled. */
async function importFrom(
  threads: ImportTarget,
  targets: readonly vscode.Uri[],
  progress: vscode.Progress<{ message?: string }>,
  token: vscode.CancellationToken,
): Promise<ImportReport> {
  const report: ImportReport = { imported: [], alreadyThere: [], problems: [], passedOver: [] };
  const importer = new ConversationImporter(threads);
  for await (const found of findConversations(targets.map((uri) => uri.fsPath))) {
    if (token.isCancellationRequested) break;
    if ('error' in found) {
      report.problems.push({ file: found.error.file, reason: found.error.reason });
      continue;
    }
    if ('passedOver' in found) {
      report.passedOver.push(found.file);
      continue;
    }
    progress.report({ message: path.basename(found.file) });
    try {
      const result =
        found.parsed.kind === 'conversation'
          ? await importer.importConversation(found.parsed.conversation, found.file)
          : await importer.importThreadExport(found.parsed.data, found.file);
      (result.kind === 'imported' ? report.imported : report.alreadyThere).push(result.thread);
    } catch (error) {
      const problem = error instanceof ImportError ? error : new ImportError(found.file, errorMessage(error));
      report.problems.push({ file: problem.file, reason: problem.reason });
    }
  }
  return report;
}

/** Says what the import did, in one notice; each problem goes to the log as well, where Show Problems leads. */
function announce(report: ImportReport, log: vscode.LogOutputChannel): void {
  for (const problem of report.problems) log.warn(`Import: ${problem.file}: ${problem.reason}`);
  for (const file of report.passedOver) log.info(`Import: passed over ${file}: not a conversation.`);
  const parts: string[] = [];
  const imported = report.imported.length;
  if (imported)
    parts.push(
      imported === 1
        ? vscode.l10n.t('Imported 1 conversation as a thread.')
        : vscode.l10n.t('Imported {0} conversations as threads.', imported),
    );
  const before = report.alreadyThere.length;
  if (before)
    parts.push(
      before === 1
        ? vscode.l10n.t('1 conversation had been imported before.')
        : vscode.l10n.t('{0} conversations had been imported before.', before),
    );
  const [first] = report.problems;
  if (first) {
    parts.push(
      report.problems.length === 1
        ? vscode.l10n.t('{0}: {1}', first.file, first.reason)
        : vscode.l10n.t('{0} could not be imported; the first: {1}: {2}', report.problems.length, first.file, first.reason),
    );
  }
  if (!parts.length) parts.push(vscode.l10n.t('No conversations were found.'));
  const text = parts.join(' ');
  const showProblems = vscode.l10n.t('Show Problems');
  const notice = report.problems.length
    ? report.imported.length
      ? vscode.window.showWarningMessage(text, showProblems)
      : vscode.window.showErrorMessage(text, showProblems)
    : vscode.window.showInformationMessage(text);
  // A notice: the command is done whether or not the user clicks.
  void Promise.resolve(notice).then((choice) => {
    if (choice === showProblems) log.show(true);
  });
}

/**
 * Import Conversations…: threads from VS Code chat sessions, Cline tasks, Continue sessions, OpenAI exports and our own
 * thread exports, from the default places or files and folders the user picks (`source` skips the asking, for tests
 * and links). Opens the thread when one was imported; selects the first in the Agents tree.
 */
export async function importConversations(s: ImportCommandServices, source?: vscode.Uri | vscode.Uri[]): Promise<ImportReport | undefined> {
  const targets = source ? (Array.isArray(source) ? source : [source]) : await pickTargets(s.importLocations);
  if (!targets?.length) return undefined;
  const notOnDisk = targets.find((uri) => uri.scheme !== 'file');
  if (notOnDisk)
    throw new Error(vscode.l10n.t('{0} is not a file on this machine; Import Conversations reads files from disk.', notOnDisk.toString()));
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Importing conversations'), cancellable: true },
    (progress, token) => importFrom(s.threads, targets, progress, token),
  );
  s.log.info(
    `Import: ${report.imported.length} imported, ${report.alreadyThere.length} imported before, ${report.problems.length} problem(s).`,
  );
  announce(report, s.log);
  const [first] = report.imported;
  if (first) {
    if (report.imported.length === 1) await s.panels.open(first.id);
    await revealThread(s.treeView, s.tree, first.id, s.log);
  }
  return report;
}
