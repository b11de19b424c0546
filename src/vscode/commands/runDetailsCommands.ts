// "Show Run Details": picks a thread (the open one by default) and one of its runs, then shows the run's details
// (views/runDetails.ts).

import * as vscode from 'vscode';
import { UNTITLED_THREAD_TITLE, type Run } from '../../core/domain';
import { promptPreview, promptsOfRuns } from '../../core/runs/runPrompts';
import type { AgentsTreeNode } from '../views/agentsTreeProvider';
import { relativeTime } from '../views/relativeTime';
import type { RunDetailsPanels } from '../views/runDetails';
import { openOrPickThread, type ThreadCommandServices } from './threadCommands';

const STATUS_ICON: Partial<Record<Run['status'], string>> = {
  completed: '$(pass)',
  failed: '$(error)',
  cancelled: '$(circle-slash)',
  requires_action: '$(warning)',
  in_progress: '$(sync~spin)',
  queued: '$(clock)',
};

const STATUS_WORDS: Record<Run['status'], () => string> = {
  queued: () => vscode.l10n.t('queued'),
  in_progress: () => vscode.l10n.t('running'),
  requires_action: () => vscode.l10n.t('needs approval'),
  cancelling: () => vscode.l10n.t('cancelling'),
  cancelled: () => vscode.l10n.t('cancelled'),
  failed: () => vscode.l10n.t('failed'),
  completed: () => vscode.l10n.t('completed'),
  incomplete: () => vscode.l10n.t('incomplete'),
  expired: () => vscode.l10n.t('expired'),
};

/**
 * Shows the details of a run of a thread (tree node, thread id, the open thread, or picked); the only run, or the one
 * the user picks. `placement` 'beside' keeps a thread panel in view; otherwise the details open where the user is.
 * Returns the id of the run shown.
 */
export async function showRunDetails(
  services: ThreadCommandServices,
  panels: RunDetailsPanels,
  target?: AgentsTreeNode | string,
  runId?: string,
  placement: 'active' | 'beside' = 'active',
): Promise<string | undefined> {
  const thread = await openOrPickThread(services, target, vscode.l10n.t('Show the runs of which thread?'));
  if (!thread) return undefined;
  // Newest first. Times are whole seconds: reversed first, so runs of the same second keep their order (listRuns gives
  // the oldest first) the other way round too.
  const runs = (await services.threads.listRuns(thread.id)).reverse().sort((a, b) => b.created_at - a.created_at);
  const title = thread.title || UNTITLED_THREAD_TITLE;
  if (runs.length === 0) {
    // A notice: nothing waits for the user to dismiss it.
    void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" has no runs yet: send a message to start one.', title));
    return undefined;
  }
  let run = runId ? runs.find((r) => r.id === runId) : runs.length === 1 ? runs[0] : undefined;
  if (runId && !run) throw new Error(vscode.l10n.t('Run {0} is not a run of "{1}". Pick one of its runs instead.', runId, title));
  if (!run) {
    const prompts = await promptsOfRuns((query) => services.threads.listMessages(thread.id, query), runs);
    const picked = await vscode.window.showQuickPick(
      runs.map((r) => {
        const prompt = prompts.get(r.id);
        return {
          label: `${STATUS_ICON[r.status] ?? '$(circle-outline)'} ${prompt ? promptPreview(prompt) : vscode.l10n.t('(no message)')}`,
          description: `${STATUS_WORDS[r.status]()} · ${relativeTime(r.created_at)}`,
          detail: r.last_error ? `${r.last_error.message} · ${r.id}` : r.id,
          run: r,
        };
      }),
      {
        title: vscode.l10n.t('Runs of "{0}"', title),
        placeHolder: vscode.l10n.t('Pick a run by the message that started it (newest first)'),
        matchOnDetail: true,
      },
    );
    run = picked?.run;
  }
  if (!run) return undefined;
  await panels.show(thread.id, run.id, placement === 'beside' ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active);
  return run.id;
}
