// The names of the tools this extension provides, written once: definitions, tables and checks refer to them through
// these objects, so a name renamed in one place only, or a tool left out of a table keyed by them, fails to compile.

/** The workspace tools (src/vscode/tools): reading, searching, changing files and running commands. */
export const WorkspaceToolName = {
  readFile: 'read_file',
  listDirectory: 'list_directory',
  findFiles: 'find_files',
  searchText: 'search_text',
  getDiagnostics: 'get_diagnostics',
  getSelection: 'get_selection',
  listOpenEditors: 'list_open_editors',
  createFile: 'create_file',
  editFile: 'edit_file',
  deleteFile: 'delete_file',
  runCommand: 'run_command',
} as const;

export type WorkspaceToolName = (typeof WorkspaceToolName)[keyof typeof WorkspaceToolName];

/** The harmless tools every installation has (builtinTools.ts), which tests use to drive the tool loop. */
export const BuiltinToolName = {
  getTime: 'get_time',
  echo: 'echo',
} as const;

export type BuiltinToolName = (typeof BuiltinToolName)[keyof typeof BuiltinToolName];

/** Every tool the extension itself provides (tools from vscode.lm.tools come on top, under a prefix). */
export const ToolName = { ...WorkspaceToolName, ...BuiltinToolName } as const;

export type ToolName = WorkspaceToolName | BuiltinToolName;

/** The tools a new agent gets unless it names its own: reading the workspace, never changing it or running commands. */
export const DEFAULT_AGENT_TOOLS: readonly WorkspaceToolName[] = [
  WorkspaceToolName.readFile,
  WorkspaceToolName.listDirectory,
  WorkspaceToolName.findFiles,
  WorkspaceToolName.searchText,
  WorkspaceToolName.getDiagnostics,
  WorkspaceToolName.getSelection,
  WorkspaceToolName.listOpenEditors,
];
