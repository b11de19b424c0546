// The workspace tools, built for the composition root: read-only ones, changing ones gated by workspace trust, and
// the tools VS Code offers through vscode.lm.tools.

import * as vscode from 'vscode';
import type { ToolDefinition } from '../../core/tools/toolRegistry';
import { gatedByWorkspaceTrust } from '../../core/tools/workspaceTrust';
import { createFileTool, deleteFileTool, editFileTool } from './editTools';
import { languageModelTools } from './lmTools';
import { findFilesTool, getDiagnosticsTool, getSelectionTool, listDirectoryTool, listOpenEditorsTool, readFileTool } from './readTools';
import { runCommandTool } from './runCommand';
import { searchTextTool } from './searchText';
import type { WorkspaceAccess } from './workspaceAccess';

export { ToolDiffPreview, PROPOSED_SCHEME, type ToolCallPreviews } from './toolDiffPreview';
export { WorkspaceAccess } from './workspaceAccess';

/** Every workspace tool, changing ones refusing to run in Restricted Mode. */
export function workspaceTools(access: WorkspaceAccess): ToolDefinition[] {
  return [
    readFileTool(access),
    listDirectoryTool(access),
    findFilesTool(),
    searchTextTool(access),
    getDiagnosticsTool(access),
    getSelectionTool(),
    listOpenEditorsTool(),
    createFileTool(access),
    editFileTool(access),
    deleteFileTool(access),
    runCommandTool(access),
    ...languageModelTools(),
  ].map((tool) => gatedByWorkspaceTrust(tool, () => vscode.workspace.isTrusted));
}
