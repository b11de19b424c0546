// The files a restore left alone because they changed since the run, shown so the user can decide: three ways in
// VS Code's merge editor where it can, else the run's result beside what is there now.

import * as vscode from 'vscode';
import type { RestoredFile } from '../../core/checkpoints';
import { checkpointUri } from '../views/checkpointContent';

/** VS Code's merge editor. Internal API (the git extension and GitLens open it the same way), so it is looked up first. */
const MERGE_EDITOR = '_open.mergeEditor';

/**
 * Opens a restore's conflicts. In the merge editor an undo is a merge like `git revert`'s: the run's result is the
 * base, "Before the run" (what Undo puts back) and "Now" (the user's changes since) are the two sides, and the file
 * itself is the result, so the user takes back the run's lines and keeps their own. With several conflicts the user
 * picks one, or all of them two ways. Files gone now, or a VS Code without the merge editor, get the two-way view.
 */
export async function reviewConflicts(conflicts: readonly RestoredFile[]): Promise<void> {
  const mergeable = conflicts.filter((file) => file.now);
  if (!mergeable.length || !(await vscode.commands.getCommands()).includes(MERGE_EDITOR)) return showTwoWays(conflicts);
  if (conflicts.length === 1) return openMerge(mergeable[0]);
  const picked = await vscode.window.showQuickPick(
    [
      ...mergeable.map((file) => ({
        label: file.relative,
        detail: vscode.l10n.t('Merge: take back the run’s changes, keep yours.'),
        file,
      })),
      {
        label: vscode.l10n.t('All conflicts, side by side'),
        detail: vscode.l10n.t("The run's result beside what is there now."),
        file: undefined,
      },
    ],
    { title: vscode.l10n.t('Review Conflicts') },
  );
  if (!picked) return; // Escape
  return picked.file ? openMerge(picked.file) : showTwoWays(conflicts);
}

async function openMerge(file: RestoredFile): Promise<void> {
  await vscode.commands.executeCommand(MERGE_EDITOR, {
    base: checkpointUri(file.relative, file.change.after, 'after'),
    input1: {
      uri: checkpointUri(file.relative, file.change.before, 'before'),
      title: vscode.l10n.t('Before the run'),
      description: vscode.l10n.t('what Undo puts back'),
    },
    input2: {
      uri: checkpointUri(file.relative, file.now ?? null, 'now'),
      title: vscode.l10n.t('Now'),
      description: vscode.l10n.t('your changes since the run'),
    },
    output: vscode.Uri.file(file.path),
  });
}

/** Every conflict as the run's result ↔ what is there now (the live file), so the user sees whose change is whose. */
async function showTwoWays(conflicts: readonly RestoredFile[]): Promise<void> {
  const resources = conflicts.map((file) => [
    vscode.Uri.file(file.path),
    checkpointUri(file.relative, file.change.after, 'after'),
    vscode.Uri.file(file.path),
  ]);
  await vscode.commands.executeCommand('vscode.changes', vscode.l10n.t("Conflicts: the run's result ↔ now"), resources);
}
