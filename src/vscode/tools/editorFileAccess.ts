// The workspace's files as a checkpoint restore must see them: an open document with unsaved changes counts by its
// buffer (what the user sees and would lose), and writes go through the editor, so open editors follow and Undo in
// the editor takes a restore back too.

import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { WorkspaceFileAccess } from '../../core/checkpoints';
import { errnoCode } from '../../core/util/errors';
import { replaceWholeText } from './editTools';

/** File access through VS Code: unsaved editor text first, then the disk. */
export class EditorFileAccess implements WorkspaceFileAccess {
  async read(absolute: string): Promise<Uint8Array | undefined> {
    const open = openDocument(absolute);
    if (open?.isDirty) return Buffer.from(open.getText(), 'utf8');
    try {
      return await fs.readFile(absolute);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  async write(absolute: string, content: Uint8Array): Promise<void> {
    const exists = await fs.stat(absolute).then(
      () => true,
      () => false,
    );
    // An open text document is changed through its buffer; anything else (a file that came back) is created whole.
    if (exists && openDocument(absolute)) return replaceWholeText(absolute, Buffer.from(content).toString('utf8'));
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(vscode.Uri.file(absolute), { contents: content, overwrite: true });
    if (!(await vscode.workspace.applyEdit(edit)))
      throw new Error(vscode.l10n.t('VS Code refused to write {0}.', vscode.workspace.asRelativePath(absolute)));
  }

  async remove(absolute: string): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    edit.deleteFile(vscode.Uri.file(absolute), { ignoreIfNotExists: false });
    if (!(await vscode.workspace.applyEdit(edit)))
      throw new Error(vscode.l10n.t('VS Code refused to delete {0}.', vscode.workspace.asRelativePath(absolute)));
  }
}

function openDocument(absolute: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((doc) => doc.uri.scheme === 'file' && doc.uri.fsPath === absolute);
}
