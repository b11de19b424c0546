// "Show Run Details": picks a thread and one of its runs, then opens the run's read-only report (views/runDetails.ts).

import * as vscode from 'vscode';
import { UNTITLED_THREAD_TITLE, type Run } from '../../core/domain';
import type { AgentsTreeNode } from '../views/agentsTreeProvider';
import { relativeTime } from '../views/relativeTime';
import { RunDetailsDocuments } from '../views/runDetails';
import { pickThread, type ThreadCommandServices } from './threadCommands';

const STATUS_ICON: Partial<Record<Run['status'], string>> = {
  completed: '$(pass)',
  failed: '$(error)',
  cancelled: '$(circle-slash)',
  requires_action: '$(warning)',
  in_progress: '$(sync~spin)',
  queued: '$(clock)',
};

/** Opens the details of a run of a thread (tree node, thread id, or picked); the latest run unless the user picks another. */
export async function showRunDetails(
  services: ThreadCommandServices,
  documents: RunDetailsDocuments,
  target?: AgentsTreeNode | string,
  runId?: string,
): Promise<vscode.TextDocument | undefined> {
  const thread = await pickThread(services, target, 'Show the runs of which thread?');
  if (!thread) return undefined;
  const runs = (await services.threads.listRuns(thread.id)).sort((a, b) => b.created_at - a.created_at);
  if (runs.length === 0) {
    // A notice: nothing waits for the user to dismiss it.
    void vscode.window.showInformationMessage(`"${thread.title || UNTITLED_THREAD_TITLE}" has no runs yet: send a message to start one.`);
    return undefined;
  }
  let run = runId ? runs.find((r) => r.id === runId) : runs.length === 1 ? runs[0] : undefined;
  if (runId && !run) throw new Error(`Run ${runId} is not a run of "${thread.title}". Pick one of its runs instead.`);
  if (!run) {
    const picked = await vscode.window.showQuickPick(
      runs.map((r, index) => ({
        label: `${STATUS_ICON[r.status] ?? '$(circle-outline)'} ${r.status.replace('_', ' ')}${index === 0 ? ' (latest)' : ''}`,
        description: `${relativeTime(r.created_at)} · ${r.model.profile} / ${r.model.name}`,
        detail: r.last_error ? r.last_error.message : r.id,
        run: r,
      })),
      { title: `Runs of "${thread.title || UNTITLED_THREAD_TITLE}"`, placeHolder: 'Pick a run (the latest is first)' },
    );
    run = picked?.run;
  }
  if (!run) return undefined;
  const uri = RunDetailsDocuments.uriOf(thread.id, run.id);
  documents.refresh(uri); // an open document of the same run shows its current state
  const document = await vscode.workspace.openTextDocument(uri);
  // Beside a thread panel, so the conversation stays in view; otherwise where the user is.
  const besidePanel = vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputWebview;
  await vscode.window.showTextDocument(document, {
    preview: true,
    viewColumn: besidePanel ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
  });
  return document;
}
