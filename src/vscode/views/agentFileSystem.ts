// The virtual files agent documents are opened from (agent-threads-agent:/<name>?<agentId>). The agent editor reads
// and saves through the store; this provider gives VS Code a file behind each URI (its workbench expects one for
// an editable custom editor) and shows the agent as JSON where something opens it as text.

import * as vscode from 'vscode';
import type { AgentRepository } from '../../core/backend';
import { agentIdOf } from './agentDocument';

export class AgentFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  constructor(private readonly agents: AgentRepository) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined); // changes reach the editor through the store's events
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    if (!agentIdOf(uri)) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    const agent = await this.agent(uri);
    const size = (await this.readFile(uri)).byteLength;
    return { type: vscode.FileType.File, ctime: agent.created_at * 1000, mtime: agent.updated_at * 1000, size };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return new TextEncoder().encode(JSON.stringify(await this.agent(uri), null, 2));
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri); // agents are saved by the agent editor, as new versions
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  private async agent(uri: vscode.Uri) {
    try {
      return await this.agents.get(agentIdOf(uri));
    } catch {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
