// Back Up All Threads… and Restore from Backup…: the local store's agents, threads and change sets as one archive,
// and that archive merged back (src/core/history). Both take a Uri argument, so automation and tests need no dialog.

import * as vscode from 'vscode';
import { archivePrefix, restoreBackup, type RestoreResult, writeBackup } from '../../core/history';
import { archiveName } from '../../core/history/backupSchedule';
import type { AgentsTreeProvider } from '../views/agentsTreeProvider';
import { backupFolder } from '../backend/scheduledBackups';

export interface BackupCommandServices {
  log: vscode.LogOutputChannel;
  tree: AgentsTreeProvider;
  /** The local store's folder (what is backed up and restored into), whichever backend the workspace uses. */
  storageRoot: string;
  /** Where scheduled backups go unless the setting says otherwise (the global storage's backups folder). */
  defaultBackupFolder: string;
  extensionVersion: string;
  /** The local store, told of the threads a restore adds (so the views and search learn of them). */
  localThreads: { noticeAddedThreads(threadIds: readonly string[]): void };
}

const FILTERS = () => ({ [vscode.l10n.t('Agent Threads backup')]: ['tar'] });

/** Writes a backup to `destination`, or to a file the user picks; returns where it went. */
export async function backUpAllThreads(s: BackupCommandServices, destination?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (!destination) {
    const folder = vscode.Uri.file(backupFolder(s.defaultBackupFolder));
    const name = archiveName(archivePrefix(vscode.workspace.name ?? 'workspace', s.storageRoot), new Date());
    destination = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Back Up All Threads'),
      saveLabel: vscode.l10n.t('Back Up'),
      defaultUri: vscode.Uri.joinPath(folder, name),
      filters: FILTERS(),
    });
    if (!destination) return undefined;
  }
  const file = localPath(destination);
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Backing up agents and threads…') },
    () => writeBackup({ root: s.storageRoot, destination: file, extensionVersion: s.extensionVersion }),
  );
  s.log.info(`Backed up ${summary.threads} threads, ${summary.agents} agents (${summary.files} files, ${summary.bytes} bytes) to ${file}`);
  // A notice: the command is done whether or not the user reads it.
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Backed up to {0} (threads: {1}, agents: {2}).', file, summary.threads, summary.agents),
  );
  return destination;
}

/** Merges the backup at `source`, or one the user picks, into the local store; returns what it did. */
export async function restoreFromBackup(s: BackupCommandServices, source?: vscode.Uri): Promise<RestoreResult | undefined> {
  if (!source) {
    [source] =
      (await vscode.window.showOpenDialog({
        title: vscode.l10n.t('Restore from Backup'),
        openLabel: vscode.l10n.t('Restore'),
        canSelectMany: false,
        defaultUri: vscode.Uri.file(backupFolder(s.defaultBackupFolder)),
        filters: FILTERS(),
      })) ?? [];
    if (!source) return undefined;
  }
  const archive = localPath(source);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Restoring from backup…') },
    () => restoreBackup({ root: s.storageRoot, archive, logger: s.log }),
  );
  s.localThreads.noticeAddedThreads([...result.threadsAdded, ...result.threadCopies.map((copy) => copy.id)]);
  s.tree.refresh();
  s.log.info(`Restored ${archive}: ${JSON.stringify({ ...result, threadsPresent: result.threadsPresent.length })}`);
  void vscode.window.showInformationMessage(
    result.threadCopies.length
      ? vscode.l10n.t(
          'Restored from {0}. Threads added: {1}; kept beside a different thread with the same id (titled "restored from backup"): {2}; already here: {3}.',
          archive,
          result.threadsAdded.length,
          result.threadCopies.length,
          result.threadsPresent.length,
        )
      : vscode.l10n.t(
          'Restored from {0}. Threads added: {1}; already here: {2}.',
          archive,
          result.threadsAdded.length,
          result.threadsPresent.length,
        ),
  );
  return result;
}

function localPath(uri: vscode.Uri): string {
  if (uri.scheme !== 'file')
    throw new Error(vscode.l10n.t('Backups are files on this machine: pick a local file (not {0}).', uri.toString()));
  return uri.fsPath;
}
