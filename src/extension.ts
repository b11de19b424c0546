/**
 * The composition root: activate() builds every service once and wires them together. Nothing else constructs
 * services, so what depends on what is visible in this one file.
 */
import * as vscode from 'vscode';
import { AgentsTreeProvider } from './vscode/agentsTreeProvider';
import { ChatViewProvider } from './vscode/chatViewProvider';
import { registerCommands } from './vscode/commands';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Agent Threads', { log: true });
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? 'dev');

  const tree = new AgentsTreeProvider();
  const chat = new ChatViewProvider(context.extensionUri, version, log);

  context.subscriptions.push(
    log,
    tree,
    chat,
    vscode.window.createTreeView(AgentsTreeProvider.viewId, { treeDataProvider: tree, showCollapseAll: true }),
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, chat, { webviewOptions: { retainContextWhenHidden: false } }),
    ...registerCommands({ log, tree }),
  );
  log.info(`Agent Threads ${version} activated (storage: ${context.storageUri?.fsPath ?? context.globalStorageUri.fsPath})`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
