// The documents behind "Show Run Details": a read-only Markdown document (a virtual document, so nothing is written to disk) with the
// whole record of one run of a thread. It opens the latest run, or lets the user pick one when there are several.

import * as vscode from 'vscode';
import { runReportMarkdown } from '../../core/runs/runReport';
import type { ThreadRepository } from '../../core/backend';

export const RUN_DETAILS_SCHEME = 'agent-threads-run';

/** Serves `agent-threads-run:/<threadId>/<runId>.md` documents; refresh() re-reads a run that changed. */
export class RunDetailsDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly threads: ThreadRepository,
    private readonly knownSecrets: () => Promise<readonly string[]>,
  ) {}

  static uriOf(threadId: string, runId: string): vscode.Uri {
    return vscode.Uri.from({ scheme: RUN_DETAILS_SCHEME, path: `/${threadId}/${runId}.md` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [, threadId, file] = uri.path.split('/');
    const runId = file.replace(/\.md$/, '');
    const [thread, run, steps, secrets] = await Promise.all([
      this.threads.get(threadId),
      this.threads.getRun(threadId, runId),
      this.threads.listRunSteps(threadId, runId),
      this.knownSecrets(),
    ]);
    return runReportMarkdown(thread, run, steps, secrets);
  }

  refresh(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
