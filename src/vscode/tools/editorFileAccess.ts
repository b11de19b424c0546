// The workspace's files as a checkpoint restore must see them: an open document with unsaved changes counts by its
// buffer (what the user sees and would lose), and writes go through the editor, so open editors follow and Undo in
// the editor takes a restore back too.

import * as vscode from 'vscode';
import type { WorkspaceFileAccess } from '../../core/checkpoints';
import { currentBytes } from './changeRecording';

/** File access through VS Code: unsaved editor text first, then the disk. */
export class EditorFileAccess implements WorkspaceFileAccess {
  read(absolute: string): Promise<Uint8Array | undefined> {
    return currentBytes(absolute);
  }

  async write(absolute: string, content: Uint8Array): Promise<void> {
    // Bytes, not text: a BOM, mixed line ends or a lone CR come back exactly (an editor buffer would normalise
    // them). An open document follows the file on disk.
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
