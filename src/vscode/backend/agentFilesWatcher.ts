import * as vscode from 'vscode';
import { AGENTS_FOLDER, type FileAgentSource } from '../../core/agentFiles';
import { errorMessage } from '../shared/errors';
import { DisposableStore } from '../../core/util/disposableStore';

/**
 * Keeps the file agents in `.agents/` current: reloads the source whenever an agent file is created, changed or
 * deleted, and logs each file it could not load (the tree shows them too).
 */
export class AgentFilesWatcher implements vscode.Disposable {
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly source: FileAgentSource,
    workspaceFolder: vscode.WorkspaceFolder,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const watcher = this.disposables.add(
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(workspaceFolder, `${AGENTS_FOLDER}/**/*.agent.{md,yaml,yml}`)),
    );
    // Deleting or renaming the whole folder reports only the folder, not the files in it.
    const folderWatcher = this.disposables.add(
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(workspaceFolder, AGENTS_FOLDER), false, true, false),
    );
    const reload = (): void => void this.reload(); // reload() logs what it could not read
    this.disposables.add(watcher.onDidCreate(reload));
    this.disposables.add(watcher.onDidChange(reload));
    this.disposables.add(watcher.onDidDelete(reload));
    this.disposables.add(folderWatcher.onDidCreate(reload));
    this.disposables.add(folderWatcher.onDidDelete(reload));
    reload();
  }

  /** Reads `.agents/` again, logs what could not be loaded, and says what was found. */
  async reload(): Promise<{ agents: string[]; problems: string[] }> {
    try {
      await this.source.reload();
      for (const problem of this.source.problems()) this.log.warn(`Agent file not loaded: ${problem.message}`);
    } catch (error) {
      this.log.error(`Could not read ${AGENTS_FOLDER}/: ${errorMessage(error)}`);
      return { agents: [], problems: [errorMessage(error)] };
    }
    return {
      agents: this.source.list().map((agent) => agent.metadata.source_path),
      problems: this.source.problems().map((problem) => problem.message),
    };
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
