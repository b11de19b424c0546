// Export Agent to File / Import Agent from File: move agents between the store and `.agents/` files.

import * as vscode from 'vscode';
import {
  AGENTS_FOLDER,
  type AgentDefinition,
  agentFileKind,
  agentFileName,
  parseAgentFile,
  serializeAgentFile,
} from '../../core/agentFiles';
import type { Agent } from '../../core/domain';
import type { AgentRepository } from '../../core/backend';

/** Writes an agent to `.agents/<name>.agent.md` (never over an existing file) and returns its uri. */
export async function exportAgentToFile(agent: Agent, workspaceFolder: vscode.Uri): Promise<vscode.Uri> {
  const folder = vscode.Uri.joinPath(workspaceFolder, AGENTS_FOLDER);
  await vscode.workspace.fs.createDirectory(folder);
  const name = agentFileName(agent.name);
  let target = vscode.Uri.joinPath(folder, name);
  for (let n = 2; await exists(target); n++) target = vscode.Uri.joinPath(folder, name.replace(/\.agent\.md$/, `-${n}.agent.md`));
  await vscode.workspace.fs.writeFile(target, Buffer.from(serializeAgentFile('markdown', agent), 'utf8'));
  return target;
}

/** Creates a stored (editable) agent from an agent file; errors name the file and the problem. */
export async function importAgentFromFile(agents: AgentRepository, file: vscode.Uri): Promise<Agent> {
  const name = file.path.split('/').pop() ?? file.path;
  const text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
  const definition: AgentDefinition = parseAgentFile(agentFileKind(name) ? name : `${name}.agent.md`, text);
  return agents.create(definition);
}

/** Asks which file to import when none was given. */
export async function pickAgentFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Import Agent from File'),
    canSelectMany: false,
    filters: { 'Agent files': ['md', 'yaml', 'yml'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]
      ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, AGENTS_FOLDER)
      : undefined,
  });
  return picked?.[0];
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
