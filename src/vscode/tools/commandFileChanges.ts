// What a run_command changed in the workspace's files, recorded as part of the run's change set: VS Code's file
// watcher says which files changed while the command ran, and core/checkpoints/commandChanges finds each one's
// earlier content (kept before the command, git's HEAD, or "created"). The tool's output lists them, with which can
// be restored and from what, so the user (and the model) know.

import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import {
  changedSinceSnapshot,
  type CommandSnapshot,
  earlierContent,
  type EarlierSource,
  snapshotBeforeCommand,
} from '../../core/checkpoints/commandChanges';
import type { ChangeScope, RecordedContent } from '../../core/checkpoints';
import { bytesOnDisk } from './changeRecording';
import type { WorkspaceAccess } from './workspaceAccess';

/** Records a change that already happened (ChangeSetStore.recordObserved). */
export interface ObservedChangeRecorder {
  recordObserved(
    scope: ChangeScope,
    file: { absolute: string; relative: string },
    before: RecordedContent | 'unknown',
    after: RecordedContent,
  ): Promise<void>;
}

/**
 * Watcher events trail the writes (by seconds on a busy machine): in a git repository git lists the changes exactly
 * and the watcher only adds files git ignores, so a short wait; elsewhere the watcher is all there is, so a longer one.
 * The list is read once no event has come for the quiet time, or after the maximum.
 */
const SETTLE = { git: { quietMs: 300, maxMs: 1_500 }, noGit: { quietMs: 1_000, maxMs: 5_000 } };
/** The most files one command's change list records and shows. */
const MAX_FILES = 200;

/** Files changed in the workspace from now until `finish()`, recorded into the run's change set. */
export class CommandFileChanges {
  /** A watcher of its own on the command's folder: a plain glob would only see what the workspace's watcher does. */
  private readonly watcher: vscode.FileSystemWatcher;
  /** Each path's first event: a file whose first event is a create did not exist before. */
  private readonly firstEvent = new Map<string, 'created' | 'changed' | 'deleted'>();
  private lastEventAt = Date.now();

  private constructor(
    folder: string,
    private readonly snapshot: CommandSnapshot,
  ) {
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(folder), '**/*'));
    const note = (kind: 'created' | 'changed' | 'deleted') => (uri: vscode.Uri) => {
      this.lastEventAt = Date.now();
      if (uri.scheme !== 'file' || /[\\/]\.git([\\/]|$)/.test(uri.fsPath)) return;
      if (!this.firstEvent.has(uri.fsPath)) this.firstEvent.set(uri.fsPath, kind);
    };
    this.watcher.onDidCreate(note('created'));
    this.watcher.onDidChange(note('changed'));
    this.watcher.onDidDelete(note('deleted'));
  }

  /** Starts watching, after git's look at `folder` (what already differed from HEAD, kept to restore later). */
  static async start(folder: string): Promise<CommandFileChanges> {
    return new CommandFileChanges(folder, await snapshotBeforeCommand(folder));
  }

  /**
   * Stops watching once the events have settled, records each changed file in the change set, and returns the
   * lines for the tool's output (empty when nothing changed).
   */
  async finish(access: WorkspaceAccess, recorder: ObservedChangeRecorder, scope: ChangeScope): Promise<string> {
    const fromGit = await changedSinceSnapshot(this.snapshot);
    // The command's last writes may still be on their way from the watcher: wait until none has come for a while.
    const { quietMs, maxMs } = this.snapshot.gitRoot ? SETTLE.git : SETTLE.noGit;
    const settleStart = Date.now();
    this.lastEventAt = settleStart;
    while (Date.now() - this.lastEventAt < quietMs && Date.now() - settleStart < maxMs)
      await new Promise((resolve) => setTimeout(resolve, quietMs - (Date.now() - this.lastEventAt)));
    this.watcher.dispose();
    for (const path of fromGit) if (!this.firstEvent.has(path)) this.firstEvent.set(path, 'changed');
    const lines: string[] = [];
    let skipped = 0;
    for (const [path, first] of this.firstEvent) {
      const file = await access.confine(path).catch(() => undefined);
      // Outside the workspace (or a protected folder), or a folder: not a file change to record.
      if (!file || (await fs.stat(path).catch(() => undefined))?.isDirectory()) continue;
      if (lines.length >= MAX_FILES) {
        skipped++;
        continue;
      }
      const after = await bytesOnDisk(path).catch(() => undefined);
      const earlier = await earlierContent(this.snapshot, path);
      const source: EarlierSource =
        earlier.source === 'unknown' && first === 'created' && !this.snapshot.gitRoot ? 'created' : earlier.source;
      // Nothing to record when the file ended as it began (written back, or created and removed again).
      if (
        source === 'created'
          ? after === undefined
          : earlier.content && after instanceof Uint8Array && Buffer.from(earlier.content).equals(after)
      )
        continue;
      await recorder.recordObserved(scope, file, source === 'unknown' ? 'unknown' : earlier.content, after);
      lines.push(`- ${file.relative} (${describe(source, after === undefined)})`);
    }
    if (skipped) lines.push(`- and ${skipped} more (not recorded)`);
    return lines.length ? `Files changed while the command ran (${lines.length - (skipped ? 1 : 0)}):\n${lines.join('\n')}` : '';
  }

  dispose(): void {
    this.watcher.dispose();
  }
}

function describe(source: EarlierSource, deleted: boolean): string {
  const what = source === 'created' ? 'created' : deleted ? 'deleted' : 'changed';
  switch (source) {
    case 'created':
      return `${what}; Undo removes it`;
    case 'git':
      return `${what}; can be restored from git HEAD`;
    case 'kept':
      return `${what}; can be restored from its content before the command`;
    case 'unknown':
      return `${what}; cannot be restored: its content before the command is not known`;
  }
}
