// At start-up: changes an agent's tool was making when the editor was killed (recorded, never finished) are found
// and the user is told which files were and were not changed, once.

import * as vscode from 'vscode';
import type { ChangeSetStore, WorkspaceFileAccess } from '../../core/checkpoints';

/** Settles interrupted changes and says what was found; failures are logged. */
export async function reportInterruptedChanges(
  store: ChangeSetStore,
  files: WorkspaceFileAccess,
  log: vscode.LogOutputChannel,
): Promise<void> {
  try {
    const found = await store.settleInterrupted((absolute) => files.read(absolute));
    if (found.length === 0) return;
    const list = (outcome: string) => found.filter((change) => change.outcome === outcome).map((change) => change.relative);
    const parts = [
      list('applied').length ? vscode.l10n.t('changed: {0}', list('applied').join(', ')) : undefined,
      list('not_applied').length ? vscode.l10n.t('not changed: {0}', list('not_applied').join(', ')) : undefined,
      list('unknown').length ? vscode.l10n.t('changed by something else since: {0}', list('unknown').join(', ')) : undefined,
    ].filter(Boolean);
    const message = vscode.l10n.t(
      'The editor stopped while an agent was changing files. {0}. Undo Run Changes can put back the files that changed.',
      parts.join('; '),
    );
    log.warn(message);
    void vscode.window.showWarningMessage(message);
  } catch (error) {
    log.error(`Could not check for interrupted file changes: ${String(error)}`);
  }
}
