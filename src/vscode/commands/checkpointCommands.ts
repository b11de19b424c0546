// "Review Run Changes", "Undo Run Changes" and "Restore Checkpoint": what a run changed in the workspace's files,
// shown in VS Code's multi-file diff editor, and put back without overwriting anything changed since
// (core/checkpoints/restore.ts decides per file).

import * as vscode from 'vscode';
import {
  type ChangeSet,
  type ChangeSetStore,
  type FileChange,
  restoreChanges,
  RestoreInProgressError,
  type RestoredFile,
  type RestoreReport,
  sameState,
} from '../../core/checkpoints';
import type { Thread } from '../../core/domain';
import { forkThread } from '../../core/fork';
import type { EditorFileAccess, WorkspaceAccess } from '../tools';
import { APPLY_TO_FILE_SOURCE } from '../views/applyToFile';
import { checkpointUri } from '../views/checkpointContent';
import { relativeTime } from '../views/relativeTime';
import type { ForkCommandServices } from './forkCommands';
import { reviewConflicts } from './restoreConflicts';
import { openOrPickThread, type ThreadCommandServices } from './threadCommands';

export interface CheckpointCommandServices extends ThreadCommandServices, ForkCommandServices {
  changeSets: ChangeSetStore;
  editorFiles: EditorFileAccess;
  workspace: WorkspaceAccess;
}

/** A run's change set, given or picked (the open thread's, newest first). */
async function changeSetOf(s: CheckpointCommandServices, threadId: unknown, runId: unknown, title: string): Promise<ChangeSet | undefined> {
  if (typeof threadId === 'string' && typeof runId === 'string') {
    const set = await s.changeSets.changeSet(threadId, runId);
    if (!set) void vscode.window.showInformationMessage(vscode.l10n.t('This run changed no files through the agent tools.'));
    return set;
  }
  const thread: Thread | undefined = await openOrPickThread(s, typeof threadId === 'string' ? threadId : undefined, title);
  if (!thread) return undefined;
  const sets = (await s.changeSets.changeSets(thread.id)).reverse();
  if (sets.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No run of this thread has changed files through the agent tools.'));
    return undefined;
  }
  if (sets.length === 1) return sets[0];
  const picked = await vscode.window.showQuickPick(
    sets.map((set) => ({
      label: set.restoreOf
        ? vscode.l10n.t('$(discard) Restore')
        : set.source === APPLY_TO_FILE_SOURCE
          ? vscode.l10n.t('$(insert) Apply to File')
          : vscode.l10n.t('$(edit) Run'),
      description: filesChanged(set.files.length),
      detail: `${relativeTime(set.at)} · ${set.files.map((file) => file.relative).join(', ')}`,
      set,
    })),
    { title, placeHolder: vscode.l10n.t('Pick a run') },
  );
  return picked?.set;
}

/** "N files changed". */
export function filesChanged(count: number): string {
  return count === 1 ? vscode.l10n.t('1 file changed') : vscode.l10n.t('{0} files changed', count);
}

/** Opens the multi-file diff editor with every file of the run, before ↔ after. Returns the files shown. */
export async function reviewRunChanges(s: CheckpointCommandServices, threadId?: unknown, runId?: unknown): Promise<string[] | undefined> {
  const set = await changeSetOf(s, threadId, runId, vscode.l10n.t('Review the changes of which run?'));
  if (!set) return undefined;
  // VS Code adds the file count to the title ("Run Changes (5 files)").
  await showChanges(set.restoreOf ? vscode.l10n.t('Restore Changes') : vscode.l10n.t('Run Changes'), set.files);
  return set.files.map((file) => file.relative);
}

/**
 * Opens the multi-file diff editor with what the thread changed from a run on (that run, every later one, restores
 * and applied code blocks), each file before the run ↔ as the thread left it; files that ended as they began are
 * left out. Returns the files shown.
 */
export async function reviewChangesSince(s: CheckpointCommandServices, threadId?: unknown, runId?: unknown): Promise<string[] | undefined> {
  const set = await changeSetOf(s, threadId, runId, vscode.l10n.t('Review the changes since which run?'));
  if (!set) return undefined;
  const files = (await s.changeSets.changesSince(set.threadId, set.runId)).filter((file) => !sameState(file.before, file.after));
  if (files.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('The files are as they were before that run: nothing changed since.'));
    return [];
  }
  await showChanges(vscode.l10n.t('Changes Since the Run'), files);
  return files.map((file) => file.relative);
}

async function showChanges(title: string, files: readonly FileChange[]): Promise<void> {
  const resources = files.map((file) => [
    vscode.Uri.file(file.path),
    checkpointUri(file.relative, file.before, 'before'),
    checkpointUri(file.relative, file.after, 'after'),
  ]);
  await vscode.commands.executeCommand('vscode.changes', title, resources);
}

/** Puts back every file of the run that nobody changed since; reports conflicts and leaves them alone. */
export async function undoRunChanges(
  s: CheckpointCommandServices,
  threadId?: unknown,
  runId?: unknown,
): Promise<RestoreReport | undefined> {
  const set = await changeSetOf(s, threadId, runId, vscode.l10n.t('Undo the changes of which run?'));
  if (!set) return undefined;
  const report = await oneRestoreAtATime(
    restoreChanges(s.changeSets, s.editorFiles, await s.workspace.roots(), {
      threadId: set.threadId,
      files: set.files,
      restoreOf: set.runId,
    }),
  );
  if (report) void announce(report);
  return report;
}

type RestoreChoice = 'files' | 'conversation' | 'both';

/**
 * Restores the workspace as it was before the run (files: that run and every later change of the thread taken back),
 * the conversation (a fork of the thread up to the run's prompt; nothing is deleted), or both.
 */
export async function restoreCheckpoint(
  s: CheckpointCommandServices,
  threadId?: unknown,
  runId?: unknown,
  choice?: unknown,
): Promise<{ report?: RestoreReport; forked?: Thread } | undefined> {
  const set = await changeSetOf(s, threadId, runId, vscode.l10n.t('Restore the checkpoint before which run?'));
  if (!set) return undefined;
  const what: RestoreChoice | undefined =
    choice === 'files' || choice === 'conversation' || choice === 'both'
      ? choice
      : (
          await vscode.window.showQuickPick(
            [
              {
                label: vscode.l10n.t('Files and conversation'),
                detail: vscode.l10n.t('Put the files back and continue in a fork of the thread from before the run.'),
                value: 'both' as const,
              },
              {
                label: vscode.l10n.t('Files only'),
                detail: vscode.l10n.t('Put the files back as they were before the run; the thread stays as it is.'),
                value: 'files' as const,
              },
              {
                label: vscode.l10n.t('Conversation only'),
                detail: vscode.l10n.t('Continue in a fork of the thread from before the run; the files stay as they are.'),
                value: 'conversation' as const,
              },
            ],
            { title: vscode.l10n.t('Restore Checkpoint') },
          )
        )?.value;
  if (!what) return undefined;
  const result: { report?: RestoreReport; forked?: Thread } = {};
  if (what !== 'conversation') {
    const files = await s.changeSets.changesSince(set.threadId, set.runId);
    result.report = await oneRestoreAtATime(
      restoreChanges(s.changeSets, s.editorFiles, await s.workspace.roots(), {
        threadId: set.threadId,
        files,
        restoreOf: set.runId,
      }),
    );
    if (!result.report) return undefined; // another restore runs: the conversation is not forked either
    void announce(result.report);
  }
  if (what !== 'files') {
    const prompt = await promptMessageOf(s, set.threadId, set.runId);
    if (!prompt)
      throw new Error(vscode.l10n.t('The message that started this run is no longer in the thread, so there is no conversation to fork.'));
    result.forked = await forkThread(s.threads, set.threadId, prompt);
    await s.panels.open(result.forked.id);
  }
  return result;
}

/** The restore's report, or undefined (and a notice) when another window's restore holds the workspace. */
async function oneRestoreAtATime(restore: Promise<RestoreReport>): Promise<RestoreReport | undefined> {
  try {
    return await restore;
  } catch (error) {
    if (!(error instanceof RestoreInProgressError)) throw error;
    const since = error.since === undefined ? undefined : new Date(error.since).toLocaleTimeString(vscode.env.language);
    void vscode.window.showWarningMessage(
      since
        ? vscode.l10n.t(
            'Another window has been restoring checkpoint changes since {0}. Nothing was changed: try again once it has finished.',
            since,
          )
        : vscode.l10n.t('Another window is restoring checkpoint changes. Nothing was changed: try again once it has finished.'),
    );
    return undefined;
  }
}

/** The user message that started a run: the newest one written no later than the run was created. */
async function promptMessageOf(s: CheckpointCommandServices, threadId: string, runId: string): Promise<string | undefined> {
  const run = (await s.threads.listRuns(threadId)).find((r) => r.id === runId);
  if (!run) return undefined;
  let after: string | undefined;
  for (let page = 0; page < 20; page++) {
    const { data, has_more, last_id } = await s.threads.listMessages(threadId, { order: 'desc', limit: 100, after });
    const prompt = data.find((message) => message.role === 'user' && message.created_at <= run.created_at);
    if (prompt) return prompt.id;
    if (!has_more || !last_id) return undefined;
    after = last_id;
  }
  return undefined;
}

/** Why a file was not put back, in words. */
function whyNotRestored(file: RestoredFile): string {
  switch (file.change.unrestorable && file.outcome === 'cannot_restore' ? file.change.unrestorable : undefined) {
    case 'binary':
      return vscode.l10n.t('a binary file');
    case 'too_large':
      return vscode.l10n.t('over the size limit for checkpoints');
    case 'unknown_before':
      return vscode.l10n.t('a command changed it, and its content before is not known');
    default:
      return file.detail ?? file.outcome;
  }
}

/** Says what a restore did; conflicts first, since they need the user. */
async function announce(report: RestoreReport): Promise<void> {
  const count = (outcome: string) => report.files.filter((file) => file.outcome === outcome);
  const restored = count('restored').length;
  const conflicts = count('conflict');
  const notKept = [...count('cannot_restore'), ...count('refused'), ...count('failed')];
  const parts = [restored === 1 ? vscode.l10n.t('1 file restored.') : vscode.l10n.t('{0} files restored.', restored)];
  if (conflicts.length)
    parts.push(vscode.l10n.t('Changed since the run, left untouched: {0}.', conflicts.map((file) => file.relative).join(', ')));
  if (notKept.length)
    parts.push(
      vscode.l10n.t('Could not be restored: {0}.', notKept.map((file) => `${file.relative} (${whyNotRestored(file)})`).join(', ')),
    );
  const message = parts.join(' ');
  if (!conflicts.length && !notKept.length) return void (await vscode.window.showInformationMessage(message));
  const review = vscode.l10n.t('Review Conflicts');
  const picked = await vscode.window.showWarningMessage(message, ...(conflicts.length ? [review] : []));
  if (picked === review) await reviewConflicts(conflicts);
}
