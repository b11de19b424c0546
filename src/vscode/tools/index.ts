// The workspace tools, built for the composition root: read-only ones, changing ones gated by workspace trust, and
// the tools VS Code offers through vscode.lm.tools.

import * as vscode from 'vscode';
import { WorkspaceToolName } from '../../core/tools/toolNames';
import type { ToolDefinition } from '../../core/tools/toolRegistry';
import { gatedByWorkspaceTrust } from '../../core/tools/workspaceTrust';
import { createFileTool, deleteFileTool, editFileTool } from './editTools';
import { languageModelTools } from './lmTools';
import { findFilesTool, getDiagnosticsTool, getSelectionTool, listDirectoryTool, listOpenEditorsTool, readFileTool } from './readTools';
import { runCommandTool } from './runCommand';
import { searchTextTool } from './searchText';
import { type FileChangeRecorder, notRecorded } from './changeRecording';
import type { WorkspaceAccess } from './workspaceAccess';

export { ToolDiffPreview, PROPOSED_SCHEME, type ToolCallPreviews } from './toolDiffPreview';
export { WorkspaceAccess } from './workspaceAccess';
export { EditorFileAccess } from './editorFileAccess';
export { bytesOf, currentBytes, type FileChangeRecorder } from './changeRecording';
export { replaceWholeText } from './editTools';

/** How each workspace tool is built, keyed by its name so a tool left out fails to compile; in registration order. */
const WORKSPACE_TOOLS: Record<WorkspaceToolName, (access: WorkspaceAccess, changes: FileChangeRecorder) => ToolDefinition> = {
  [WorkspaceToolName.readFile]: readFileTool,
  [WorkspaceToolName.listDirectory]: listDirectoryTool,
  [WorkspaceToolName.findFiles]: findFilesTool,
  [WorkspaceToolName.searchText]: searchTextTool,
  [WorkspaceToolName.getDiagnostics]: getDiagnosticsTool,
  [WorkspaceToolName.getSelection]: getSelectionTool,
  [WorkspaceToolName.listOpenEditors]: listOpenEditorsTool,
  [WorkspaceToolName.createFile]: createFileTool,
  [WorkspaceToolName.editFile]: editFileTool,
  [WorkspaceToolName.deleteFile]: deleteFileTool,
  [WorkspaceToolName.runCommand]: runCommandTool,
};

/** Every workspace tool, changing ones refusing to run in Restricted Mode and recording their changes in `changes`. */
export function workspaceTools(access: WorkspaceAccess, changes?: FileChangeRecorder): ToolDefinition[] {
  return [...Object.values(WORKSPACE_TOOLS).map((build) => build(access, changes ?? notRecorded)), ...languageModelTools()].map((tool) =>
    gatedByWorkspaceTrust(tool, () => vscode.workspace.isTrusted),
  );
}
