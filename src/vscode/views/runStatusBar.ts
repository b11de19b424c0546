import * as vscode from 'vscode';
import { isRunLifecycleEvent, type Run } from '../../core/domain';
import type { ThreadRepository } from '../../core/backend';
import type { RunService } from '../../core/backend';
import { CommandId } from '../shared/commandIds';

const ACTIVE = new Set<Run['status']>(['queued', 'in_progress', 'requires_action', 'cancelling']);

/** A status bar item while runs are active: how many, and whether one waits for approval. Driven by run events. */
export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('agentThreads.runs', vscode.StatusBarAlignment.Left, 50);
  private readonly active = new Map<string, Run>();
  private readonly subscription: { dispose(): void };
  /** Renders await the thread title (a network call on Foundry); only the newest may touch the item. */
  private renders = 0;

  constructor(
    runs: RunService,
    private readonly threads: ThreadRepository,
  ) {
    this.item.name = 'Agent Threads runs';
    this.subscription = runs.onEvent((event) => {
      if (!isRunLifecycleEvent(event)) return;
      const run = event.data;
      if (ACTIVE.has(run.status)) this.active.set(run.id, run);
      else this.active.delete(run.id);
      void this.render(); // cannot reject: a failed title read falls back to 'thread'
    });
  }

  private async render(): Promise<void> {
    const render = ++this.renders;
    const runs = [...this.active.values()];
    if (runs.length === 0) return this.item.hide();
    const waiting = runs.find((run) => run.status === 'requires_action');
    const focus = waiting ?? runs[0];
    const title = (await this.threads.get(focus.thread_id).catch(() => undefined))?.title ?? vscode.l10n.t('thread');
    if (render !== this.renders) return; // a newer event rendered (or hid the item) meanwhile
    this.item.text = waiting
      ? `$(warning) ${waiting.required_action?.type === 'budget_exceeded' ? vscode.l10n.t('Agent paused at a budget') : vscode.l10n.t('Agent needs approval')}`
      : `$(loading~spin) ${runs.length === 1 ? vscode.l10n.t('Agent running') : vscode.l10n.t('{0} agents running', runs.length)}`;
    this.item.tooltip = `${title}: ${focus.status.replace('_', ' ')}`;
    this.item.command = { command: CommandId.openThread, title: vscode.l10n.t('Open Thread'), arguments: [focus.thread_id] };
    this.item.backgroundColor = waiting ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
