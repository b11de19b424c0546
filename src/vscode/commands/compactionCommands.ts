import * as vscode from 'vscode';
import type { Thread } from '../../core/domain';
import type { AgentsTreeNode } from '../views/agentsTreeProvider';
import { CommandId } from '../shared/commandIds';
import { errorMessage, userFacingError } from '../shared/errors';
import { openOrPickThread, type ThreadCommandServices } from './threadCommands';

/**
 * Compact Thread: summarizes the thread's older part with the model of the agent that answered last (the one whose
 * context it is), or writes summary `regenerateId` again. The agent must compact: the command says so, and offers
 * its settings, rather than compact behind an agent that drops the oldest messages.
 */
export async function compactThread(
  services: ThreadCommandServices,
  target: AgentsTreeNode | string | undefined,
  regenerateId?: string,
): Promise<boolean> {
  const thread = await openOrPickThread(services, target, vscode.l10n.t('Compact which thread?'));
  if (!thread) return false;
  const compact = services.runs.compactThread;
  const agentId = await agentOf(services, thread);
  if (!compact || !agentId) {
    void vscode.window.showInformationMessage(
      !compact
        ? vscode.l10n.t('Threads in a Foundry project keep their context in the service; they cannot be compacted here.')
        : vscode.l10n.t('No agent has answered in this thread yet, so there is nothing to compact.'),
    );
    return false;
  }
  try {
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Summarizing the earlier conversation…') },
      () => compact.call(services.runs, thread.id, agentId, regenerateId),
    );
    const count = Number(summary.metadata?.summary_count ?? 0);
    void vscode.window.showInformationMessage(vscode.l10n.t('Summarized {0} earlier messages; the originals stay in the thread.', count));
    return true;
  } catch (error) {
    const { text, command } = userFacingError(error);
    if (command) {
      void vscode.window.showWarningMessage(text, command.title).then((picked) => {
        if (picked) void vscode.commands.executeCommand(command.id, command.id === CommandId.editAgent ? agentId : undefined);
      });
    } else void vscode.window.showWarningMessage(vscode.l10n.t('Could not compact the thread: {0}', errorMessage(error)));
    return false;
  }
}

/** The agent of the thread's latest run, else the agent it was started with. */
async function agentOf(services: ThreadCommandServices, thread: Thread): Promise<string | undefined> {
  const runs = await services.threads.listRuns(thread.id).catch(() => []);
  return runs.at(-1)?.assistant_id ?? thread.agent_id ?? undefined;
}
