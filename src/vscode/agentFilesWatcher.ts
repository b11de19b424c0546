import * as vscode from 'vscode';
import { AGENTS_FOLDER, type AgentDefinition, agentFileKind, agentFileName, type FileAgentSource, isFileAgent, parseAgentFile, serializeAgentFile } from '../core/agentFiles';
import type { Agent } from '../core/domain';
import type { AgentRepository } from '../core/backend';

/**
 * Keeps the file agents in `.agents/` current: reloads the source whenever an agent file is created, changed or
 * deleted, and logs each file it could not load (the tree shows them too).
 */
export class AgentFilesWatcher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly source: FileAgentSource,
    workspaceFolder: vscode.WorkspaceFolder,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(workspaceFolder, `${AGENTS_FOLDER}/**/*.agent.{md,yaml,yml}`));
    // Deleting or renaming the whole folder reports only the folder, not the files in it.
    const folderWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(workspaceFolder, AGENTS_FOLDER), false, true, false);
    const reload = (): void => void this.reload();
    this.disposables.push(watcher, watcher.onDidCreate(reload), watcher.onDidChange(reload), watcher.onDidDelete(reload));
    this.disposables.push(folderWatcher, folderWatcher.onDidCreate(reload), folderWatcher.onDidDelete(reload));
    reload();
  }

  /** Reads `.agents/` again, logs what could not be loaded, and says what was found. */
  async reload(): Promise<{ agents: string[]; problems: string[] }> {
    try {
      await this.source.reload();
      for (const problem of this.source.problems()) this.log.warn(`Agent file not loaded: ${problem.message}`);
    } catch (error) {
      this.log.error(`Could not read ${AGENTS_FOLDER}/: ${error instanceof Error ? error.message : String(error)}`);
      return { agents: [], problems: [error instanceof Error ? error.message : String(error)] };
    }
    return { agents: this.source.list().map((agent) => agent.metadata.source_path), problems: this.source.problems().map((problem) => problem.message) };
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

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
    title: 'Import Agent from File',
    canSelectMany: false,
    filters: { 'Agent files': ['md', 'yaml', 'yml'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0] ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, AGENTS_FOLDER) : undefined,
  });
  return picked?.[0];
}

/** Whether an agent can be exported: file agents already are files. */
export function isExportable(agent: Agent): boolean {
  return !isFileAgent(agent);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
