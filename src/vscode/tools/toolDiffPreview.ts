// What the approval card shows about a pending call: a one-line account from the tool, and for create_file and
// edit_file a diff editor between the file as it is and as the call would leave it. The proposed text lives in a
// read-only virtual document (scheme agent-threads-proposed), so nothing touches the disk before approval.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ToolRegistry } from '../../core/tools/toolRegistry';
import { parseToolArguments } from '../../core/tools/toolRegistry';
import { compactDiff } from '../../core/util/compactDiff';

/** Scheme of the virtual documents holding proposed file contents. */
export const PROPOSED_SCHEME = 'agent-threads-proposed';

/** Previews of pending tool calls, for the approval card. */
export interface ToolCallPreviews {
  /** A one-line account of the call ("edit src/greet.ts: 2 replacements"), if the tool gives one. */
  describe(name: string, rawArguments: string): string | undefined;
  /** Whether `showDiff` can show this call. */
  hasDiff(name: string): boolean;
  /** Opens VS Code's diff editor on the change the call would make. */
  showDiff(name: string, rawArguments: string): Promise<void>;
  /** A short unified diff of the change, for the inline card; undefined when the call changes no file's text. */
  compactDiff(name: string, rawArguments: string): Promise<string | undefined>;
}

/** Serves proposed contents and opens diffs; register it once as a TextDocumentContentProvider. */
export class ToolDiffPreview implements ToolCallPreviews, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private sequence = 0;

  constructor(private readonly tools: ToolRegistry) {}

  describe(name: string, rawArguments: string): string | undefined {
    return this.tools.describeCall(name, rawArguments);
  }

  hasDiff(name: string): boolean {
    return this.tools.get(name)?.proposeChange !== undefined;
  }

  async compactDiff(name: string, rawArguments: string): Promise<string | undefined> {
    if (!this.hasDiff(name) || !parseToolArguments(rawArguments).ok) return undefined;
    const change = await this.tools.proposedChange(name, rawArguments);
    return change ? compactDiff(change.before ?? '', change.after) : undefined;
  }

  async showDiff(name: string, rawArguments: string): Promise<void> {
    const parsed = parseToolArguments(rawArguments);
    if (!parsed.ok) throw new Error(`The call's arguments are not valid JSON (${parsed.reason}), so there is no change to show.`);
    const change = await this.tools.proposedChange(name, rawArguments);
    if (!change) throw new Error(`'${name}' does not change a file's text, so there is no diff to show.`);
    const key = `${++this.sequence}`;
    const proposed = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: change.absolute, query: key });
    this.contents.set(proposed.toString(), change.after);
    // Keep a few recent proposals only: each diff tab reads its content once, when it opens.
    for (const old of [...this.contents.keys()].slice(0, -20)) this.contents.delete(old);
    const before =
      change.before === undefined
        ? vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: change.absolute, query: `${key}-empty` })
        : vscode.Uri.file(change.absolute);
    if (change.before === undefined) this.contents.set(before.toString(), '');
    const title = `${path.basename(change.absolute)} (proposed by the agent)`;
    // Beside, so the thread panel with its Approve button stays in view.
    await vscode.commands.executeCommand('vscode.diff', before, proposed, title, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
    this.contents.clear();
  }
}
