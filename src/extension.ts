/**
 * The composition root: activate() builds every service once and wires them together. Nothing else constructs
 * services, so what depends on what is visible in this one file.
 */
import * as vscode from 'vscode';
import { RunEngine } from './core/runs/runEngine';
import { AgentStore } from './core/store/agentStore';
import { ThreadStore } from './core/store/threadStore';
import { builtinTools } from './core/tools/builtinTools';
import { ToolRegistry } from './core/tools/toolRegistry';
import { AgentEditorPanels } from './vscode/agentEditorPanel';
import { AgentsTreeProvider } from './vscode/agentsTreeProvider';
import { ApiKeyStore } from './vscode/apiKeys';
import { ChatViewProvider } from './vscode/chatViewProvider';
import { registerCommands } from './vscode/commands';
import { ModelRegistry } from './vscode/modelRegistry';
import { RunStatusBar } from './vscode/runStatusBar';
import { ThreadPanels } from './vscode/threadPanels';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Agent Threads', { log: true });
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? 'dev');

  // Workspace storage when a folder is open; otherwise global storage, which the UI says.
  const storage = context.storageUri ?? context.globalStorageUri;
  const storageNotice = context.storageUri ? null : 'No folder is open: agents and threads are kept in global storage, shared by every window without a folder.';

  const tools = new ToolRegistry();
  for (const tool of builtinTools()) tools.register(tool);
  const agents = new AgentStore(storage.fsPath, new Set(tools.names()));
  const threads = new ThreadStore({ root: storage.fsPath, logger: log });
  const apiKeys = new ApiKeyStore(context.secrets);
  const models = new ModelRegistry(apiKeys, log);
  const engine = new RunEngine({
    threads,
    agents,
    tools,
    resolveModel: (model) => models.resolve(model),
    logger: log,
    maxToolRounds: vscode.workspace.getConfiguration('agentThreads.run').get<number>('maxToolRounds', 10),
    approvalTimeoutMs: vscode.workspace.getConfiguration('agentThreads.run').get<number>('approvalTimeoutMinutes', 10) * 60_000,
  });
  void engine.recoverInterruptedRuns().catch((error: unknown) => log.error(`Could not check for interrupted runs: ${String(error)}`));

  const sessionServices = { agents, threads, runs: engine, log, storageNotice };
  const tree = new AgentsTreeProvider(agents, threads, log);
  const chat = new ChatViewProvider(context.extensionUri, version, sessionServices, context.workspaceState);
  const panels = new ThreadPanels(context.extensionUri, version, sessionServices);
  const agentEditors = new AgentEditorPanels(context.extensionUri, agents, models, tools, log);
  const treeView = vscode.window.createTreeView(AgentsTreeProvider.viewId, { treeDataProvider: tree, showCollapseAll: true });
  if (storageNotice) treeView.message = storageNotice;

  context.subscriptions.push(
    log,
    { dispose: () => engine.dispose() },
    { dispose: () => threads.dispose() },
    { dispose: () => agents.dispose() },
    models,
    tree,
    treeView,
    chat,
    panels,
    agentEditors,
    new RunStatusBar(engine, threads),
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, chat),
    vscode.window.registerWebviewPanelSerializer(ThreadPanels.viewType, panels),
    ...registerCommands({ log, tree, apiKeys, models, agents, threads, runs: engine, panels, chat, agentEditors }),
  );
  log.info(`Agent Threads ${version} activated (storage: ${storage.fsPath})`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
