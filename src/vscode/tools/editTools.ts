// Tools that change files. Every change goes through vscode.workspace.applyEdit, so it shows in open editors and
// Undo takes it back, then the document is saved so tools and builds see it on disk. Each tool forces approval for
// protected paths and describes its call for the approval card; the proposed text is also what "Show diff" shows.

import * as vscode from 'vscode';
import { defineTool, type FromSchema } from '../../core/tools/defineTool';
import { WorkspaceToolName } from '../../core/tools/toolNames';
import type { ProposedFileChange, ToolDefinition } from '../../core/tools/toolRegistry';
import { bytesOf, bytesOnDisk, currentBytes, type FileChangeRecorder, notRecorded, scopeOf } from './changeRecording';
import { shown, type WorkspaceAccess } from './workspaceAccess';

export interface EditBlock {
  search: string;
  replace: string;
}

const pathProperty = { type: 'string', description: 'Path relative to the workspace folder.' } as const;

const editFileParameters = {
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
} as const;

const createFileParameters = {
  type: 'object',
  properties: { path: pathProperty, content: { type: 'string' }, overwrite: { type: 'boolean' } },
  required: ['path', 'content'],
  additionalProperties: false,
} as const;

type EditFileArgs = FromSchema<typeof editFileParameters>;
type CreateFileArgs = FromSchema<typeof createFileParameters>;

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

/** The text an edit_file call proposes, with the file's current text. */
async function proposedEdit(access: WorkspaceAccess, args: EditFileArgs): Promise<ProposedFileChange> {
  const file = await access.confine(args.path);
  const before = await access.currentText(file.absolute);
  if (before === undefined) throw new Error(`${shown(file)} does not exist. Use create_file to make a new file.`);
  return { absolute: file.absolute, before, after: args.content ?? applyEditBlocks(before, args.edits ?? []) };
}

/** The text a create_file call proposes, with the file's current text (undefined when new). */
async function proposedCreate(access: WorkspaceAccess, args: CreateFileArgs): Promise<ProposedFileChange> {
  const file = await access.confine(args.path);
  return { absolute: file.absolute, before: await access.currentText(file.absolute), after: args.content };
}

/** edit_file: exact search/replace blocks, or a whole new content. */
export function editFileTool(access: WorkspaceAccess, changes: FileChangeRecorder = notRecorded): ToolDefinition {
  return defineTool({
    name: WorkspaceToolName.editFile,
    description:
      "Edits an existing workspace file. Either give edits: [{search, replace}] where each search is exact text that occurs exactly once in the file, or content: the whole new text. Needs the user's approval.",
    parameters: editFileParameters,
    readOnly: false,
    approvalFor: (args) => access.forcedApproval(args.path),
    describeCall: ({ path, edits }) => {
      const what = edits
        ? `edit ${path}: ${edits.length} replacement${edits.length === 1 ? '' : 's'}`
        : `edit ${path}: replace the whole content`;
      return withProtectionNote(access, path, what);
    },
    proposeChange: (args) => proposedEdit(access, args),
    invoke: async (args, context) => {
      const change = await proposedEdit(access, args);
      const file = { absolute: change.absolute, relative: (await access.confine(args.path)).relative };
      await changes.recorded(
        scopeOf(context, WorkspaceToolName.editFile),
        file,
        await currentBytes(change.absolute),
        bytesOf(change.after),
        () => replaceWholeText(change.absolute, change.after),
        () => currentBytes(change.absolute),
      );
      const { edits } = args;
      return `Edited ${(await access.confine(args.path)).relative}${edits ? ` (${edits.length} replacement${edits.length === 1 ? '' : 's'})` : ''}.`;
    },
  });
}

/** create_file: a new file (refuses to overwrite unless asked). */
export function createFileTool(access: WorkspaceAccess, changes: FileChangeRecorder = notRecorded): ToolDefinition {
  return defineTool({
    name: WorkspaceToolName.createFile,
    description:
      "Creates a file in the workspace with the given content (folders are created as needed). Set overwrite to replace an existing file. Needs the user's approval.",
    parameters: createFileParameters,
    readOnly: false,
    approvalFor: (args) => access.forcedApproval(args.path),
    describeCall: ({ path, content, overwrite }) =>
      withProtectionNote(access, path, `${overwrite ? 'create or overwrite' : 'create'} ${path}: ${content.split('\n').length} lines`),
    proposeChange: (args) => proposedCreate(access, args),
    invoke: async ({ path, content, overwrite = false }, context) => {
      const file = await access.confine(path);
      const current = await access.currentText(file.absolute).catch(() => '');
      const exists = current !== undefined;
      if (exists && !overwrite)
        throw new Error(`${shown(file)} already exists. Use edit_file to change it, or set overwrite: true to replace it.`);
      const write = async () => {
        if (exists) return replaceWholeText(file.absolute, content);
        const edit = new vscode.WorkspaceEdit();
        edit.createFile(vscode.Uri.file(file.absolute), { contents: new TextEncoder().encode(content) });
        if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused to create ${shown(file)}.`);
      };
      const before = exists ? await currentBytes(file.absolute) : undefined;
      await changes.recorded(scopeOf(context, WorkspaceToolName.createFile), file, before, bytesOf(content), write, () =>
        currentBytes(file.absolute),
      );
      return `Created ${shown(file)} (${content.length} characters).`;
    },
  });
}

/** delete_file: one file (folders are refused, to keep a bad call small). */
export function deleteFileTool(access: WorkspaceAccess, changes: FileChangeRecorder = notRecorded): ToolDefinition {
  return defineTool({
    name: WorkspaceToolName.deleteFile,
    description: "Deletes one file in the workspace (not folders). Needs the user's approval.",
    parameters: { type: 'object', properties: { path: pathProperty }, required: ['path'], additionalProperties: false },
    readOnly: false,
    approvalFor: ({ path }) => access.forcedApproval(path),
    describeCall: ({ path }) => withProtectionNote(access, path, `delete ${path}`),
    invoke: async ({ path }, context) => {
      const file = await access.confine(path);
      const uri = vscode.Uri.file(file.absolute);
      const stat = await vscode.workspace.fs.stat(uri).then(
        (s) => s,
        () => undefined,
      );
      if (!stat) throw new Error(`${shown(file)} does not exist.`);
      if (stat.type & vscode.FileType.Directory) throw new Error(`${shown(file)} is a folder; delete_file deletes single files only.`);
      const edit = new vscode.WorkspaceEdit();
      edit.deleteFile(uri, { ignoreIfNotExists: false });
      await changes.recorded(
        scopeOf(context, WorkspaceToolName.deleteFile),
        file,
        await bytesOnDisk(file.absolute),
        undefined,
        async () => {
          if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused to delete ${shown(file)}.`);
        },
      );
      return `Deleted ${shown(file)}.`;
    },
  });
}

function withProtectionNote(access: WorkspaceAccess, path: string, what: string): string {
  const note = access.protectionNote(path);
  return note ? `${what}\n⚠ ${note} It always needs your approval.` : what;
}

/** Replaces a file's whole text through the editor (open documents see it, Undo takes it back) and saves it. */
export async function replaceWholeText(absolute: string, text: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(absolute));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
  if (!(await vscode.workspace.applyEdit(edit)))
    throw new Error(`VS Code refused the edit to ${vscode.workspace.asRelativePath(document.uri)}.`);
  if (!(await saved(document)))
    throw new Error(`The edit was applied but ${vscode.workspace.asRelativePath(document.uri)} could not be saved.`);
}

/**
 * Saves the document. `save()` can answer false when the save raced another one (auto save, a save participant that
 * timed out on a busy machine) although the file ended up written: then the file on disk decides, and one more
 * save is tried before giving up.
 */
async function saved(document: vscode.TextDocument): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await document.save()) return true;
    const onDisk = Buffer.from(await vscode.workspace.fs.readFile(document.uri)).toString('utf8');
    if (!document.isDirty && onDisk === document.getText()) return true;
  }
  return false;
}
