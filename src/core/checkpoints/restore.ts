// Puts files back as a change set found them, without ever overwriting what someone changed since: each file's
// current content (an open editor's unsaved text counts) is compared by hash with what the run left; a file that
// differs is a conflict and is left alone, the others are restored. A restore is a change set of its own, so it can
// be undone the same way. Every path passes the tools' confinement again: a journal is data, and a symlink swapped
// in since the run must not lead a restore outside the workspace.

import { randomBytes } from 'node:crypto';
import { confinePath, type WorkspaceRoots } from '../tools/pathConfinement';
import { errorMessage } from '../util/errors';
import type { FileState } from './changeJournal';
import { type ChangeSetStore, type FileChange, sameState, stateOf } from './changeSetStore';

/** The workspace's files as a restore sees them; the editor layer answers with open documents' unsaved text. */
export interface WorkspaceFileAccess {
  /** The file's current content (an open document's buffer when it has unsaved changes); undefined when it does not exist. */
  read(absolute: string): Promise<Uint8Array | undefined>;
  /** Writes the whole content (creating the file and its folders when needed). */
  write(absolute: string, content: Uint8Array): Promise<void>;
  /** Deletes the file. */
  remove(absolute: string): Promise<void>;
}

/** What a restore did with one file. */
export type RestoreOutcome =
  /** Put back as it was (content written, created file removed, deleted file recreated). */
  | 'restored'
  /** Already as it was before: nothing to do. */
  | 'unchanged'
  /** Changed since the run (by the user, another run, git, an unsaved edit): left untouched. */
  | 'conflict'
  /** Binary or over the size cap when the run changed it: its content was not kept. */
  | 'cannot_restore'
  /** Its path now leads outside the workspace (or is no longer valid): refused, nothing read or written. */
  | 'refused'
  /** The write (or reading the kept content) failed; the detail says why. */
  | 'failed';

export interface RestoredFile {
  relative: string;
  path: string;
  outcome: RestoreOutcome;
  detail?: string;
  /** The change being taken back: its `before` and `after`, two of the three contents a conflict view shows. */
  change: FileChange;
  /** A conflict's third content: what is there now (kept in the content store; null when the file is gone). */
  now?: FileState;
}

export interface RestoreReport {
  /** The id of the change set the restore recorded (undo it to take the restore back); undefined when it wrote nothing. */
  changeSetId: string | undefined;
  files: RestoredFile[];
}

export interface RestoreRequest {
  threadId: string;
  /** The net changes to take back (ChangeSetStore.changeSet(...).files or changesSince(...)). */
  files: readonly FileChange[];
  /** What is being restored: a run id. */
  restoreOf: string;
}

/**
 * Restores every file of `request` whose content is still what the change left; reports each file's outcome. One
 * restore at a time per store: while another runs (in this window or another), throws RestoreInProgressError.
 */
export function restoreChanges(
  store: ChangeSetStore,
  access: WorkspaceFileAccess,
  roots: WorkspaceRoots,
  request: RestoreRequest,
): Promise<RestoreReport> {
  return store.exclusiveRestore(() => restoreUnlocked(store, access, roots, request));
}

async function restoreUnlocked(
  store: ChangeSetStore,
  access: WorkspaceFileAccess,
  roots: WorkspaceRoots,
  request: RestoreRequest,
): Promise<RestoreReport> {
  const changeSetId = `restore_${randomBytes(8).toString('hex')}`;
  const scope = { threadId: request.threadId, runId: changeSetId, source: 'restore', restoreOf: request.restoreOf };
  const files: RestoredFile[] = [];
  // Check every file first, then write: a conflict found late must not leave a half-restored workspace behind
  // the user's back, and the report lists everything at once.
  const planned: { file: RestoredFile; current: Uint8Array | undefined }[] = [];
  for (const change of request.files) {
    const file: RestoredFile = { relative: change.relative, path: change.path, outcome: 'restored', change };
    files.push(file);
    if (change.unrestorable) {
      file.outcome = 'cannot_restore';
      file.detail = change.unrestorable;
      continue;
    }
    try {
      const confined = await confinePath(change.path, roots);
      if (confined.absolute !== change.path) throw new Error('the path resolves to another file now');
    } catch (error) {
      file.outcome = 'refused';
      file.detail = errorMessage(error);
      continue;
    }
    let current: Uint8Array | undefined;
    try {
      current = await access.read(change.path);
    } catch (error) {
      file.outcome = 'failed';
      file.detail = errorMessage(error);
      continue;
    }
    const now = stateOf(current);
    if (sameState(now, change.before)) file.outcome = 'unchanged';
    else if (!sameState(now, change.after)) {
      file.outcome = 'conflict';
      // Kept so the conflict can be shown three ways, even after the user edits the file further. Not keeping it
      // only costs the three-way view (the two-way one needs nothing kept), so a failure here is no failure.
      file.now =
        current === undefined
          ? null
          : await store.contents.put(current, change.after?.hash).then(
              (hash) => ({ hash, size: current.length }),
              () => undefined,
            );
    } else planned.push({ file, current });
  }
  let wrote = false;
  for (const { file, current } of planned) {
    const { change } = file;
    try {
      const content = change.before ? await store.contents.get(change.before.hash) : undefined;
      const target = { absolute: change.path, relative: change.relative };
      await store.recorded(scope, target, current, content, () =>
        content === undefined ? access.remove(change.path) : access.write(change.path, content),
      );
      wrote = true;
    } catch (error) {
      file.outcome = 'failed';
      file.detail = errorMessage(error);
    }
  }
  return { changeSetId: wrote ? changeSetId : undefined, files };
}
