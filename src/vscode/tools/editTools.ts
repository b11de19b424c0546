// Tools that change files. Every change goes through vscode.workspace.applyEdit, so it shows in open editors and
// Undo takes it back, then the document is saved so tools and builds see it on disk. Each tool forces approval for
// protected paths and describes its call for the approval card; the proposed text is also what "Show diff" shows.

import * as vscode from 'vscode';
import { WorkspaceToolName } from '../../core/tools/toolNames';
import type { ToolDefinition } from '../../core/tools/toolRegistry';
import { shown, type WorkspaceAccess } from './workspaceAccess';

export interface EditBlock {
  search: string;
  replace: string;
}
export interface EditFileArgs {
  path: string;
  edits?: EditBlock[];
  content?: string;
}
export interface CreateFileArgs {
  path: string;
  content: string;
  overwrite?: boolean;
}

/** The text a file will have after an edit_file call; throws naming the block that does not match exactly once. */
export function applyEditBlocks(current: string, edits: readonly EditBlock[]): string {
  let text = current;
  edits.forEach((edit, index) => {
    const label = `Edit block ${index + 1} (search ${JSON.stringify(edit.search.length > 60 ? `${edit.search.slice(0, 60)}…` : edit.search)})`;
    if (edit.search === '') throw new Error(`${label} has an empty search text. Quote the exact lines to replace.`);
    const first = text.indexOf(edit.search);
    if (first < 0)
      throw new Error(`${label} does not match the file. Read the file again and quote its text exactly, including whitespace.`);
    if (text.indexOf(edit.search, first + 1) >= 0)
      throw new Error(`${label} matches more than once. Include more surrounding lines so it matches exactly once.`);
    text = text.slice(0, first) + edit.replace + text.slice(first + edit.search.length);
  });
  return text;
}

/** The proposed text of a create_file or edit_file call, with the file's current text (undefined when new). */
export async function proposedContent(
  access: WorkspaceAccess,
  name: string,
  args: unknown,
): Promise<{ absolute: string; before: string | undefined; after: string } | undefined> {
  if (name !== WorkspaceToolName.editFile && name !== WorkspaceToolName.createFile) return undefined;
  const { path: raw } = args as { path: string };
  const file = await access.confine(raw);
  const before = await access.currentText(file.absolute);
  if (name === WorkspaceToolName.createFile) return { absolute: file.absolute, before, after: (args as CreateFileArgs).content };
  const edit = args as EditFileArgs;
  if (before === undefined) throw new Error(`${shown(file)} does not exist. Use create_file to make a new file.`);
  return { absolute: file.absolute, before, after: edit.content ?? applyEditBlocks(before, edit.edits ?? []) };
}

const pathProperty = { type: 'string', description: 'Path relative to the workspace folder.' };

/** edit_file: exact search/replace blocks, or a whole new content. */
export function editFileTool(access: WorkspaceAccess): ToolDefinition {
  return {
    name: WorkspaceToolName.editFile,
    description:
      "Edits an existing workspace file. Either give edits: [{search, replace}] where each search is exact text that occurs exactly once in the file, or content: the whole new text. Needs the user's approval.",
    parameters: {
      type: 'object',
      properties: {
        path: pathProperty,
        edits: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            properties: { search: { type: 'string' }, replace: { type: 'string' } },
            required: ['search', 'replace'],
            additionalProperties: false,
          },
        },
        content: { type: 'string' },
      },
      required: ['path'],
      oneOf: [{ required: ['edits'] }, { required: ['content'] }],
      additionalProperties: false,
    },
    readOnly: false,
    approvalFor: (args) => access.forcedApproval((args as EditFileArgs).path),
    describeCall: (args) => {
      const { path, edits } = args as EditFileArgs;
      const what = edits
        ? `edit ${path}: ${edits.length} replacement${edits.length === 1 ? '' : 's'}`
        : `edit ${path}: replace the whole content`;
      return withProtectionNote(access, path, what);
    },
    invoke: async (args) => {
      const change = (await proposedContent(access, WorkspaceToolName.editFile, args))!;
      await replaceWholeText(change.absolute, change.after);
      const { edits } = args as EditFileArgs;
      return `Edited ${(await access.confine((args as EditFileArgs).path)).relative}${edits ? ` (${edits.length} replacement${edits.length === 1 ? '' : 's'})` : ''}.`;
    },
  };
}

/** create_file: a new file (refuses to overwrite unless asked). */
export function createFileTool(access: WorkspaceAccess): ToolDefinition {
  return {
    name: WorkspaceToolName.createFile,
    description:
      "Creates a file in the workspace with the given content (folders are created as needed). Set overwrite to replace an existing file. Needs the user's approval.",
    parameters: {
      type: 'object',
      properties: { path: pathProperty, content: { type: 'string' }, overwrite: { type: 'boolean' } },
      required: ['path', 'content'],
      additionalProperties: false,
    },
    readOnly: false,
    approvalFor: (args) => access.forcedApproval((args as CreateFileArgs).path),
    describeCall: (args) => {
      const { path, content, overwrite } = args as CreateFileArgs;
      return withProtectionNote(
        access,
        path,
        `${overwrite ? 'create or overwrite' : 'create'} ${path}: ${content.split('\n').length} lines`,
      );
    },
    invoke: async (args) => {
      const { path, content, overwrite = false } = args as CreateFileArgs;
      const file = await access.confine(path);
      const exists = (await access.currentText(file.absolute).catch(() => '')) !== undefined;
      if (exists && !overwrite)
        throw new Error(`${shown(file)} already exists. Use edit_file to change it, or set overwrite: true to replace it.`);
      if (exists) {
        await replaceWholeText(file.absolute, content);
      } else {
        const edit = new vscode.WorkspaceEdit();
        edit.createFile(vscode.Uri.file(file.absolute), { contents: new TextEncoder().encode(content) });
        if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused to create ${shown(file)}.`);
      }
      return `Created ${shown(file)} (${content.length} characters).`;
    },
  };
}

/** delete_file: one file (folders are refused, to keep a bad call small). */
export function deleteFileTool(access: WorkspaceAccess): ToolDefinition {
  return {
    name: WorkspaceToolName.deleteFile,
    description: "Deletes one file in the workspace (not folders). Needs the user's approval.",
    parameters: { type: 'object', properties: { path: pathProperty }, required: ['path'], additionalProperties: false },
    readOnly: false,
    approvalFor: (args) => access.forcedApproval((args as { path: string }).path),
    describeCall: (args) => withProtectionNote(access, (args as { path: string }).path, `delete ${(args as { path: string }).path}`),
    invoke: async (args) => {
      const file = await access.confine((args as { path: string }).path);
      const uri = vscode.Uri.file(file.absolute);
      const stat = await vscode.workspace.fs.stat(uri).then(
        (s) => s,
        () => undefined,
      );
      if (!stat) throw new Error(`${shown(file)} does not exist.`);
      if (stat.type & vscode.FileType.Directory) throw new Error(`${shown(file)} is a folder; delete_file deletes single files only.`);
      const edit = new vscode.WorkspaceEdit();
      edit.deleteFile(uri, { ignoreIfNotExists: false });
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused to delete ${shown(file)}.`);
      return `Deleted ${shown(file)}.`;
    },
  };
}

function withProtectionNote(access: WorkspaceAccess, path: string, what: string): string {
  const note = access.protectionNote(path);
  return note ? `${what}\n⚠ ${note} It always needs your approval.` : what;
}

async function replaceWholeText(absolute: string, text: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(absolute));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
  if (!(await vscode.workspace.applyEdit(edit)))
    throw new Error(`VS Code refused the edit to ${vscode.workspace.asRelativePath(document.uri)}.`);
  if (!(await document.save()))
    throw new Error(`The edit was applied but ${vscode.workspace.asRelativePath(document.uri)} could not be saved.`);
}
