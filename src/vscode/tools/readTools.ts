// Read-only workspace tools: they run without asking by default, so each one confines its path first and reads
// no more than it returns.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defineTool } from '../../core/tools/defineTool';
import { WorkspaceToolName } from '../../core/tools/toolNames';
import { errnoCode, errorMessage } from '../../core/util/errors';
import type { ToolDefinition } from '../../core/tools/toolRegistry';
import { MAX_READ_BYTES, shown, type WorkspaceAccess } from './workspaceAccess';

const MAX_LISTED = 500;

/** read_file: a text file, whole or a line range, with binary files refused in words. */
export function readFileTool(access: WorkspaceAccess): ToolDefinition {
  return defineTool({
    name: WorkspaceToolName.readFile,
    description: 'Reads a text file in the workspace. Optional 1-based start_line and end_line (inclusive) read a range.',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Path relative to the workspace folder.' },
        start_line: { type: 'integer', minimum: 1 },
        end_line: { type: 'integer', minimum: 1 },
      },
      required: ['path'],
      additionalProperties: false,
    },
    readOnly: true,
    invoke: async ({ path: raw, start_line, end_line }) => {
      const file = await access.confine(raw);
      const stat = await fs.stat(file.absolute).catch(() => undefined);
      if (!stat) throw new Error(`${shown(file)} does not exist. Use list_directory or find_files to find the right path.`);
      if (stat.isDirectory()) throw new Error(`${shown(file)} is a folder. Use list_directory to see what it holds.`);
      if (stat.size > MAX_READ_BYTES)
        throw new Error(`${shown(file)} is ${stat.size} bytes, more than ${MAX_READ_BYTES}. Use search_text to find the part you need.`);
      if (await looksBinary(file.absolute)) return `${shown(file)} is a binary file (${stat.size} bytes); its content is not shown.`;
      const text = (await access.currentText(file.absolute)) ?? '';
      const lines = text.split(/\r?\n/);
      const first = start_line ?? 1;
      const last = Math.min(end_line ?? lines.length, lines.length);
      if (first > last) return `${shown(file)} has ${lines.length} lines; the range ${first}-${end_line ?? first} is empty.`;
      const range = start_line || end_line ? ` (lines ${first}-${last} of ${lines.length})` : '';
      return `${shown(file)}${range}:\n${lines.slice(first - 1, last).join('\n')}`;
    },
  });
}

/** list_directory: the entries of one folder, folders marked with a trailing '/'. */
export function listDirectoryTool(access: WorkspaceAccess): ToolDefinition {
  return defineTool({
    name: WorkspaceToolName.listDirectory,
    description: "Lists the files and folders in a workspace folder (folders end with '/'). Defaults to the workspace root.",
    parameters: {
      type: 'object',
      properties: { path: { type: 'string', description: 'Folder relative to the workspace root; "." for the root.' } },
      additionalProperties: false,
    },
    readOnly: true,
    invoke: async (args) => {
      const folder = await access.confine(args.path ?? '.');
      const entries = await fs.readdir(folder.absolute, { withFileTypes: true }).catch((error: unknown) => {
        const code = errnoCode(error);
        throw new Error(
          code === 'ENOTDIR'
            ? `${shown(folder)} is a file. Use read_file to read it.`
            : `${shown(folder)} cannot be listed (${code ?? errorMessage(error)}).`,
        );
      });
      const names = entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort((a, b) => a.localeCompare(b));
      const more = names.length > MAX_LISTED ? `\n[${names.length - MAX_LISTED} more entries not listed]` : '';
      return names.length ? `${shown(folder)}:\n${names.slice(0, MAX_LISTED).join('\n')}${more}` : `${shown(folder)} is empty.`;
    },
  });
}

/** find_files: a glob over the workspace, honouring files.exclude, search.exclude and .gitignore. */
export function findFilesTool(): ToolDefinition {
  return defineTool({
    name: WorkspaceToolName.findFiles,
    description:
      'Finds workspace files matching a glob such as "**/*.ts" or "src/**/test*". Skips files excluded by settings and .gitignore.',
    parameters: {
      type: 'object',
      properties: { glob: { type: 'string', minLength: 1 }, max_results: { type: 'integer', minimum: 1, maximum: 1000 } },
      required: ['glob'],
      additionalProperties: false,
    },
    readOnly: true,
    invoke: async ({ glob, max_results = 200 }, context) => {
      const cancel = tokenFor(context.signal);
      // findFiles applies files.exclude (exclude `undefined`) but in API 1.100 not .gitignore, so the root
      // .gitignore of each folder is applied here.
      const uris = await vscode.workspace.findFiles(glob, undefined, max_results + 1, cancel.token);
      cancel.dispose();
      const ignored = await gitIgnoredFilter();
      const paths = uris
        .map((uri) => vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1))
        .filter((p) => !ignored(p))
        .sort();
      if (paths.length === 0) return `No files match ${glob}.`;
      const more = paths.length > max_results ? `\n[more files match; narrow the glob]` : '';
      return `${paths.slice(0, max_results).join('\n')}${more}`;
    },
  });
}

/** get_diagnostics: errors and warnings VS Code knows for one file or the whole workspace. */
export function getDiagnosticsTool(access: WorkspaceAccess): ToolDefinition {
  return defineTool({
    name: WorkspaceToolName.getDiagnostics,
    description: 'Lists the errors, warnings and hints VS Code reports, for one file or (without a path) every file.',
    parameters: { type: 'object', properties: { path: { type: 'string' } }, additionalProperties: false },
    readOnly: true,
    invoke: async ({ path: raw }) => {
      const uri = raw ? vscode.Uri.file((await access.confine(raw)).absolute) : undefined;
      const entries: [vscode.Uri, readonly vscode.Diagnostic[]][] = uri
        ? [[uri, vscode.languages.getDiagnostics(uri)]]
        : vscode.languages.getDiagnostics();
      const lines = entries.flatMap(([file, diagnostics]) =>
        diagnostics.map(
          (d) =>
            `${vscode.workspace.asRelativePath(file)}:${d.range.start.line + 1}:${d.range.start.character + 1} ${vscode.DiagnosticSeverity[d.severity].toLowerCase()}: ${d.message}${d.source ? ` (${d.source})` : ''}`,
        ),
      );
      return lines.length
        ? lines.slice(0, MAX_LISTED).join('\n')
        : raw
          ? `No problems reported for ${raw}.`
          : 'No problems reported in the workspace.';
    },
  });
}

/** get_selection: the active editor's file, selection and visible range. */
export function getSelectionTool(): ToolDefinition {
  return {
    name: WorkspaceToolName.getSelection,
    description: "Returns the active editor's file, the selected text with its line range, and the visible line range.",
    parameters: { type: 'object', properties: {}, additionalProperties: false },
    readOnly: true,
    invoke: async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return 'No text editor is active.';
      const file = vscode.workspace.asRelativePath(editor.document.uri);
      const selection = editor.selection;
      const visible = editor.visibleRanges.map((r) => `${r.start.line + 1}-${r.end.line + 1}`).join(', ') || 'none';
      const selected = selection.isEmpty
        ? 'nothing selected'
        : `lines ${selection.start.line + 1}-${selection.end.line + 1}:\n${editor.document.getText(selection)}`;
      return `File: ${file}\nCursor: line ${selection.active.line + 1}, column ${selection.active.character + 1}\nVisible lines: ${visible}\nSelection: ${selected}`;
    },
  };
}

/** list_open_editors: the tabs open in every editor group. */
export function listOpenEditorsTool(): ToolDefinition {
  return {
    name: WorkspaceToolName.listOpenEditors,
    description: 'Lists the files open in editor tabs, marking the active one and unsaved ones.',
    parameters: { type: 'object', properties: {}, additionalProperties: false },
    readOnly: true,
    invoke: async () => {
      const rows = vscode.window.tabGroups.all.flatMap((group) =>
        group.tabs.map((tab) => {
          const uri =
            tab.input instanceof vscode.TabInputText
              ? tab.input.uri
              : tab.input instanceof vscode.TabInputTextDiff
                ? tab.input.modified
                : undefined;
          const name = uri ? vscode.workspace.asRelativePath(uri) : tab.label;
          return `${name}${tab.isActive && group.isActive ? ' (active)' : ''}${tab.isDirty ? ' (unsaved)' : ''}`;
        }),
      );
      return rows.length ? rows.join('\n') : 'No editors are open.';
    },
  };
}

/** A cancellation token that follows an AbortSignal. */
export function tokenFor(signal: AbortSignal): vscode.CancellationTokenSource {
  const source = new vscode.CancellationTokenSource();
  if (signal.aborted) source.cancel();
  else signal.addEventListener('abort', () => source.cancel(), { once: true });
  return source;
}

async function looksBinary(absolute: string): Promise<boolean> {
  const handle = await fs.open(absolute, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).includes(0);
  } finally {
    await handle.close();
  }
}

/** A filter for paths matched by the root .gitignore of each folder (simple patterns: names, dirs/, globs with '*'). */
async function gitIgnoredFilter(): Promise<(relative: string) => boolean> {
  const patterns: RegExp[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const text = await fs.readFile(path.join(folder.uri.fsPath, '.gitignore'), 'utf8').catch(() => '');
    for (const line of text.split(/\r?\n/)) {
      const pattern = line.trim();
      if (!pattern || pattern.startsWith('#') || pattern.startsWith('!')) continue;
      patterns.push(gitignorePatternToRegExp(pattern));
    }
  }
  return (relative) => patterns.some((pattern) => pattern.test(relative));
}

function gitignorePatternToRegExp(pattern: string): RegExp {
  const anchored = pattern.startsWith('/') || pattern.slice(0, -1).includes('/');
  const body = pattern.replace(/^\//, '').replace(/\/$/, '');
  const glob = body
    .split('')
    .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
    .replace(/\[\^\/\]\*\[\^\/\]\*/g, '.*');
  return new RegExp(`${anchored ? '^' : '(^|/)'}${glob}(/|$)`);
}
