// Apply to File on a code block in an answer: the target is the file the block names, else the active editor (its
// selection, or the whole file), else a file the user picks. VS Code's diff editor shows the file as it is against
// the file with the block applied, and nothing is written until the user chooses Apply; the edit is a workspace
// edit, so Undo takes it back. The proposed text lives in a read-only virtual document. An applied block is saved
// and recorded as a change set of the thread (core/checkpoints), so it shows in Review/Undo Run Changes and a
// Restore Checkpoint takes it back like an agent's edit; a file with unsaved changes of the user's is only edited
// in its editor (saving it would save their text too), and not recorded.

import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fileNamedByCodeBlock } from '../../core/util/codeBlockTarget';
import { bytesOf, currentBytes, type FileChangeRecorder, replaceWholeText } from '../tools';
import { resolveWorkspaceFile } from './workspaceIntents';

/** Scheme of the virtual documents holding a code block applied to its file. */
export const APPLY_PREVIEW_SCHEME = 'agent-threads-apply';

const previews = new Map<string, string>();
let sequence = 0;

/** Serves the proposed texts to the diff editor; register it once for APPLY_PREVIEW_SCHEME. */
export const applyPreviewProvider: vscode.TextDocumentContentProvider = {
  provideTextDocumentContent: (uri) => previews.get(uri.toString()) ?? '',
};

interface Target {
  uri: vscode.Uri;
  /** The part of the file the code replaces; undefined for the whole file. */
  range?: vscode.Range;
  /** The code to put there (a naming comment left out). */
  code: string;
}

/** Where an applied block is recorded: the thread it came from, and the change-set store. */
export interface ApplyRecording {
  threadId: string;
  recorder: FileChangeRecorder;
}

/** The change-set source of a code block applied to a file (a run's sets have the run's tools). */
export const APPLY_TO_FILE_SOURCE = 'apply_to_file';

/** Previews a code block applied to its target file, and applies it if the user says so. */
export async function applyCodeBlock(code: string, info: string, recording?: ApplyRecording): Promise<void> {
  const target = await pickTarget(code, info);
  if (!target) return;
  const exists = await fileExists(target.uri);
  const document = exists ? await vscode.workspace.openTextDocument(target.uri) : undefined;
  const after = document && target.range ? spliced(document, target.range, target.code) : target.code;
  const key = `${++sequence}`;
  const proposed = vscode.Uri.from({ scheme: APPLY_PREVIEW_SCHEME, path: target.uri.path, query: key });
  previews.set(proposed.toString(), after);
  const original = document ? target.uri : vscode.Uri.from({ scheme: APPLY_PREVIEW_SCHEME, path: target.uri.path, query: `${key}-empty` });
  if (!document) previews.set(original.toString(), '');
  const name = vscode.workspace.asRelativePath(target.uri, false);
  const version = document?.version;
  try {
    // The question comes with the diff, not after it has loaded: both are on screen together.
    const diffShown = vscode.commands.executeCommand(
      'vscode.diff',
      original,
      proposed,
      vscode.l10n.t('{0} (code block applied)', path.basename(name)),
      { preview: true },
    );
    const apply = vscode.l10n.t('Apply');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Apply the code block to {0}? The diff shows the change; nothing is written until you apply it.', name),
      apply,
      vscode.l10n.t('Discard'),
    );
    await diffShown;
    if (choice !== apply) return;
    if (document && document.version !== version) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('{0} changed since the preview, so the code block was not applied. Try again.', name),
      );
      return;
    }
    await writeChange(target.uri, document, after, recording);
    await vscode.window.showTextDocument(target.uri, { preview: false });
  } finally {
    await closeDiff(proposed);
    previews.delete(proposed.toString());
    previews.delete(original.toString());
  }
}

async function pickTarget(code: string, info: string): Promise<Target | undefined> {
  const named = fileNamedByCodeBlock(info, code);
  if (named) {
    const uri = resolveWorkspaceFile(named.path);
    if (uri) return { uri, code: named.code };
    void vscode.window.showWarningMessage(
      vscode.l10n.t('The code block names {0}, which is not inside this workspace; pick the file to apply it to.', named.path),
    );
  }
  const editor = vscode.window.activeTextEditor;
  if (!named && editor && editor.document.uri.scheme === 'file') {
    return { uri: editor.document.uri, range: editor.selection.isEmpty ? undefined : editor.selection, code };
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: vscode.l10n.t('Apply to This File'),
    title: vscode.l10n.t('Apply the code block to which file?'),
  });
  return picked?.[0] ? { uri: picked[0], code: named?.code ?? code } : undefined;
}

function spliced(document: vscode.TextDocument, range: vscode.Range, code: string): string {
  const text = document.getText();
  return text.slice(0, document.offsetAt(range.start)) + code + text.slice(document.offsetAt(range.end));
}

async function writeChange(
  uri: vscode.Uri,
  document: vscode.TextDocument | undefined,
  after: string,
  recording: ApplyRecording | undefined,
): Promise<void> {
  if (!recording || document?.isDirty) return editInEditor(uri, document, after);
  const absolute = uri.fsPath;
  const scope = { threadId: recording.threadId, runId: `apply_${randomBytes(8).toString('hex')}`, source: APPLY_TO_FILE_SOURCE };
  const file = { absolute, relative: vscode.workspace.asRelativePath(uri, false) };
  await recording.recorder.recorded(
    scope,
    file,
    document ? await currentBytes(absolute) : undefined,
    bytesOf(after),
    async () => {
      if (document) return replaceWholeText(absolute, after);
      const edit = new vscode.WorkspaceEdit();
      edit.createFile(uri, { contents: new TextEncoder().encode(after) });
      if (!(await vscode.workspace.applyEdit(edit)))
        throw new Error(vscode.l10n.t('VS Code did not apply the change to {0}.', file.relative));
    },
    () => currentBytes(absolute),
  );
}

/** The edit in the editor only, unsaved: the file has unsaved text of the user's, or nothing records changes. */
async function editInEditor(uri: vscode.Uri, document: vscode.TextDocument | undefined, after: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  if (document) edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), after);
  else {
    edit.createFile(uri, { ignoreIfExists: true });
    edit.insert(uri, new vscode.Position(0, 0), after);
  }
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(vscode.l10n.t('VS Code did not apply the change to {0}.', uri.fsPath));
}

async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Closes the preview's diff tab, wherever it is. */
async function closeDiff(proposed: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposed.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}
