import * as vscode from 'vscode';
import { AgentsTreeProvider } from './agentsTreeProvider';
import { ChatViewProvider } from './chatViewProvider';

export interface CommandServices {
  log: vscode.LogOutputChannel;
  tree: AgentsTreeProvider;
}

/** Registers the palette commands (category "Agent Threads"); ids must match package.json `contributes.commands`. */
export function registerCommands(services: CommandServices): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('agentThreads.refresh', () => services.tree.refresh()),
    vscode.commands.registerCommand('agentThreads.showLog', () => services.log.show(true)),
    vscode.commands.registerCommand('agentThreads.openChat', () => vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`)),
  ];
}
