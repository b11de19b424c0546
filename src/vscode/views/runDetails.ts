// The panels behind "Show Run Details": one webview panel per run (scripts off, see runDetailsHtml.ts), shown again
// when asked for the same run, re-rendered while the run changes.
//
// A webview rather than the built-in Markdown preview of a virtual document: the preview renders HTML inside
// Markdown (tool output is untrusted), opens beside unless told otherwise, and formats nothing for the locale;
// here every text is escaped, the page has no script at all, and times and numbers use the user's locale.

import * as vscode from 'vscode';
import type { AgentRepository, ThreadRepository } from '../../core/backend';
import { runCosts, type UsageLedger } from '../../core/budgets';
import type { AgentModel } from '../../core/domain/agent';
import type { ModelPrices } from '../../core/model/prices';
import { promptsOfRuns } from '../../core/runs/runPrompts';
import { renderRunDetailsHtml } from './runDetailsHtml';

export const RUN_DETAILS_VIEW_TYPE = 'agentThreads.runDetails';

export class RunDetailsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly threads: ThreadRepository,
    private readonly agents: AgentRepository,
    private readonly knownSecrets: () => Promise<readonly string[]>,
    /** What each run's model calls cost when they were made. */
    private readonly usage: Pick<UsageLedger, 'runTotals' | 'load' | 'onDidChange'>,
    /** Today's prices of a model, when the user set them: for runs the ledger has no record of. */
    private readonly pricesOf: (model: AgentModel) => ModelPrices | undefined,
  ) {
    this.subscriptions = [
      threads.onDidSaveRun(({ threadId, run }) => {
        const panel = this.panels.get(key(threadId, run.id));
        if (panel) void this.render(panel, threadId, run.id);
      }),
      // A service's run is costed once it ended, just after its last save.
      usage.onDidChange(() => {
        for (const [id, panel] of this.panels) void this.render(panel, ...splitKey(id));
      }),
    ];
  }

  /** Shows the run's details in `column` (a panel already showing it moves there). */
  async show(threadId: string, runId: string, column: vscode.ViewColumn): Promise<void> {
    const existing = this.panels.get(key(threadId, runId));
    if (existing) {
      existing.reveal(column);
      await this.render(existing, threadId, runId);
      return;
    }
    const panel = vscode.window.createWebviewPanel(RUN_DETAILS_VIEW_TYPE, vscode.l10n.t('Run Details'), column, {
      enableScripts: false,
      enableFindWidget: true,
      localResourceRoots: [],
    });
    this.panels.set(key(threadId, runId), panel);
    panel.onDidDispose(() => this.panels.delete(key(threadId, runId)));
    await this.render(panel, threadId, runId);
  }

  private async render(panel: vscode.WebviewPanel, threadId: string, runId: string): Promise<void> {
    const [thread, run, steps, knownSecrets, runs] = await Promise.all([
      this.threads.get(threadId),
      this.threads.getRun(threadId, runId),
      this.threads.listRunSteps(threadId, runId),
      this.knownSecrets(),
      this.threads.listRuns(threadId),
      this.usage.load(),
    ]);
    const [agentName, prompts] = await Promise.all([
      this.agents.get(run.assistant_id).then(
        (agent) => agent.name,
        () => undefined, // deleted since: the page names it by id
      ),
      promptsOfRuns((query) => this.threads.listMessages(threadId, query), [run]),
    ]);
    panel.title = vscode.l10n.t('Run: {0}', agentName ?? run.assistant_id);
    panel.webview.html = renderRunDetailsHtml(run, steps, {
      thread,
      agentName,
      prompt: prompts.get(run.id),
      knownSecrets,
      locale: vscode.env.language,
      cspSource: panel.webview.cspSource,
      cost: runCosts(run, runs, this.usage, this.pricesOf),
    });
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    for (const panel of this.panels.values()) panel.dispose();
  }
}

function key(threadId: string, runId: string): string {
  return `${threadId}/${runId}`;
}

function splitKey(id: string): [threadId: string, runId: string] {
  const slash = id.indexOf('/');
  return [id.slice(0, slash), id.slice(slash + 1)];
}
