// The panels behind "Show Run Details": one webview panel per run (scripts off, see runDetailsHtml.ts), shown again
// when asked for the same run, re-rendered while the run changes.
//
// A webview rather than the built-in Markdown preview of a virtual document: the preview renders HTML inside
// Markdown (tool output is untrusted), opens beside unless told otherwise, and formats nothing for the locale;
// here every text is escaped, the page has no script at all, and times and numbers use the user's locale.

import * as vscode from 'vscode';
import type { AgentRepository, ThreadRepository } from '../../core/backend';
import { costOf, hasPrices, type ModelPrices } from '../../core/model/prices';
import { promptsOfRuns } from '../../core/runs/runPrompts';
import { renderRunDetailsHtml } from './runDetailsHtml';

export const RUN_DETAILS_VIEW_TYPE = 'agentThreads.runDetails';

export class RunDetailsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly threads: ThreadRepository,
    private readonly agents: AgentRepository,
    private readonly knownSecrets: () => Promise<readonly string[]>,
    /** The prices of a model profile, when the user set them. */
    private readonly pricesOf: (profileId: string) => ModelPrices | undefined = () => undefined,
  ) {
    this.subscription = threads.onDidSaveRun(({ threadId, run }) => {
      const panel = this.panels.get(key(threadId, run.id));
      if (panel) void this.render(panel, threadId, run.id);
    });
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
      cost: hasPrices(this.pricesOf(run.model.profile))
        ? {
            run: costOf(run.usage, this.pricesOf(run.model.profile)),
            thread: runs.reduce((sum, each) => sum + (costOf(each.usage, this.pricesOf(each.model.profile)) ?? 0), 0),
          }
        : undefined,
    });
  }

  dispose(): void {
    this.subscription.dispose();
    for (const panel of this.panels.values()) panel.dispose();
  }
}

function key(threadId: string, runId: string): string {
  return `${threadId}/${runId}`;
}
