import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ThreadViewEvent, ThreadViewIntent } from '../../protocol/threadView';
import { CommandId } from '../shared/commandIds';

/** Commands a webview may trigger through a link: only ones that configure the extension, never arbitrary ones. */
const LINKABLE_COMMANDS = new Set<string>([
  CommandId.configureModel,
  CommandId.setApiKey,
  CommandId.createAgent,
  CommandId.showLog,
  'workbench.trust.manage',
]);

const IMAGE_FILE = /\.(png|jpe?g|gif|webp|bmp|svg|ico)$/i;

type WorkspaceIntent = Extract<ThreadViewIntent, { type: 'openFile' | 'openLink' | 'copyText' | 'insertCode' }>;
type Notify = (notice: Extract<ThreadViewEvent, { type: 'notice' }>) => void;

/** Asks for files to attach with VS Code's picker; their workspace-relative paths (none when cancelled). */
export async function pickAttachments(): Promise<string[]> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    openLabel: 'Attach',
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return (picked ?? []).map((uri) => vscode.workspace.asRelativePath(uri, false));
}

/** The dropped files that lie inside the workspace, as relative paths; says so when some were left out. */
export function attachableUris(uris: readonly string[], notify: Notify): string[] {
  const paths: string[] = [];
  for (const text of uris) {
    let uri: vscode.Uri;
    try {
      uri = vscode.Uri.parse(text, true);
    } catch {
      continue;
    }
    const inside = uri.scheme === 'file' ? resolveWorkspaceFile(vscode.workspace.asRelativePath(uri, false)) : undefined;
    if (inside && inside.fsPath === uri.fsPath) paths.push(vscode.workspace.asRelativePath(uri, false));
  }
  if (paths.length < uris.length)
    notify({ type: 'notice', level: 'info', text: 'Only files inside this workspace can be attached; the others were left out.' });
  return paths;
}

/** Intents that touch the workspace or the editor rather than the thread. */
export async function handleWorkspaceIntent(intent: WorkspaceIntent, reply: Notify): Promise<void> {
  switch (intent.type) {
    case 'openFile': {
      const uri = resolveWorkspaceFile(intent.path);
      if (!uri) {
        reply({ type: 'notice', level: 'error', text: `"${intent.path}" is not a file inside this workspace, so it was not opened.` });
        return;
      }
      // An image opens in VS Code's image preview (full size, zoomable); text in an editor.
      if (IMAGE_FILE.test(intent.path)) await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
      else await vscode.window.showTextDocument(uri, { preview: true });
      return;
    }
    case 'openLink': {
      const href = intent.href.trim();
      if (href.startsWith('command:')) {
        const command = href.slice('command:'.length);
        if (LINKABLE_COMMANDS.has(command)) await vscode.commands.executeCommand(command);
        return;
      }
      if (/^(https?|mailto):/i.test(href)) await vscode.env.openExternal(vscode.Uri.parse(href, true));
      return;
    }
    case 'copyText':
      await vscode.env.clipboard.writeText(intent.text);
      return;
    case 'insertCode': {
      const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
      if (!editor) {
        reply({ type: 'notice', level: 'info', text: 'Open an editor first: the code is inserted at its cursor.' });
        return;
      }
      await editor.edit((edit) => edit.replace(editor.selection, intent.code));
      return;
    }
  }
}

/** A path from a message, resolved inside a workspace folder; undefined for anything that escapes them. */
export function resolveWorkspaceFile(candidate: string): vscode.Uri | undefined {
  if (candidate.includes('\0')) return undefined;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const root = folder.uri.fsPath;
    const resolved = path.resolve(root, candidate);
    const relative = path.relative(root, resolved);
    if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) return vscode.Uri.file(resolved);
  }
  return undefined;
}
