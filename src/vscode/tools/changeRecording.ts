// How the changing tools record what they do for checkpoints (core/checkpoints): each write is handed to a
// recorder that keeps the file's content before and after, before the write happens. The composition root passes
// the change-set store; without one the write simply happens.

import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { ChangeScope, RecordedContent } from '../../core/checkpoints';
import type { ToolInvocationContext } from '../../core/tools/toolRegistry';
import { errnoCode } from '../../core/util/errors';
import type { ObservedChangeRecorder } from './commandFileChanges';
import { MAX_READ_BYTES } from './workspaceAccess';

/** Records a file's change around its write (ChangeSetStore.recorded), and changes a shell command made (recordObserved). */
export interface FileChangeRecorder extends Partial<ObservedChangeRecorder> {
  recorded<T>(
    scope: ChangeScope,
    file: { absolute: string; relative: string },
    before: RecordedContent,
    after: RecordedContent,
    write: () => Promise<T>,
    readBack?: () => Promise<RecordedContent>,
  ): Promise<T>;
}

/** Makes changes without recording them. */
export const notRecorded: FileChangeRecorder = { recorded: (_scope, _file, _before, _after, write) => write() };

/** The scope of a tool call's changes: its thread and run. */
export function scopeOf(context: ToolInvocationContext, tool: string): ChangeScope {
  return { threadId: context.threadId, runId: context.runId, source: tool };
}

/** Text as the bytes it will have on disk. */
export function bytesOf(text: string | undefined): Uint8Array | undefined {
  return text === undefined ? undefined : Buffer.from(text, 'utf8');
}

/** A file's bytes on disk for the recorder; only its size when it is too large to keep. */
export async function bytesOnDisk(absolute: string): Promise<RecordedContent> {
  try {
    const stat = await fs.stat(absolute);
    return stat.size > MAX_READ_BYTES ? { tooLarge: stat.size } : await fs.readFile(absolute);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * A file's content as a restore must compare it: an open document's unsaved text (what the user would lose), else
 * the bytes on disk (the editor may have added a BOM or normalised line ends when it saved).
 */
export async function currentBytes(absolute: string): Promise<Uint8Array | undefined> {
  const open = vscode.workspace.textDocuments.find((doc) => doc.uri.scheme === 'file' && doc.uri.fsPath === absolute);
  if (open?.isDirty) return Buffer.from(open.getText(), 'utf8');
  try {
    return await fs.readFile(absolute);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}
