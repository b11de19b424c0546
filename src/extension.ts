/**
 * The composition root: activate() builds every service once and wires them together. Nothing else constructs
 * services, so what depends on what is visible in this one file.
 */
import { join } from 'node:path';
import { AGENT_VERSION_SCHEME, AgentVersionDocuments } from './vscode/views/agentVersionDocuments';
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { LocalAgentApi, modelNameResolver } from './core/api';
import { CombinedAgentCatalog, FileAgentSource } from './core/agentFiles';
import { LocalBackend } from './core/backend';
import { ChatExchanges } from './core/chat';
import { RunEngine } from './core/runs/runEngine';
import { SearchIndex } from './core/search';
import { AgentStore } from './core/store/agentStore';
import { ThreadStore } from './core/store/threadStore';
import { builtinTools } from './core/tools/builtinTools';
import { ToolRegistry } from './core/tools/toolRegistry';
import { AGENT_SCHEME } from './vscode/views/agentDocument';
import { AgentEditorProvider } from './vscode/views/agentEditorProvider';
import { AgentFileSystem } from './vscode/views/agentFileSystem';
import { AgentFilesWatcher } from './vscode/backend/agentFilesWatcher';
import { AgentsTreeProvider, foundThreadsText } from './vscode/views/agentsTreeProvider';
import { APPLY_PREVIEW_SCHEME, applyPreviewProvider } from './vscode/views/applyToFile';
import { ApiKeyStore } from './vscode/models/apiKeys';
import { BackendSelection } from './vscode/backend/backendSelection';
import { readFoundryPrices, recordServiceRunUsage } from './vscode/backend/serviceUsage';
import { FOUNDRY_PROFILE } from './core/backend/foundry/endpoint';
import { type ChatParticipantState, chatRequestHandler, registerChatParticipant } from './vscode/views/chatParticipant';
import { ChatViewProvider } from './vscode/views/chatViewProvider';
import { registerCommands } from './vscode/commands/registerCommands';
import { LocalApiController } from './vscode/backend/localApiController';
import { TracingController } from './vscode/backend/tracingController';
import { ModelRegistry } from './vscode/models/modelRegistry';
import { readModelProfiles } from './vscode/models/modelSettings';
import { budgetRefusals, readBudgets, serviceBudgetRefusal } from './vscode/models/budgetSettings';
import { UsageTreeProvider } from './vscode/views/usageTreeProvider';
import { RunBudgets, UsageLedger } from './core/budgets';
import { RunDetailsPanels } from './vscode/views/runDetails';
import { ContextKeys } from './vscode/views/contextKeys';
import { RunStatusBar } from './vscode/views/runStatusBar';
import { sharedWorkspaceStorage } from './vscode/backend/sharedStorage';
import { ThreadPanels } from './vscode/views/threadPanels';
import { EditorFileAccess, PROPOSED_SCHEME, ToolDiffPreview, WorkspaceAccess, workspaceTools } from './vscode/tools';
import { ChangeSetStore } from './core/checkpoints';
import { CHECKPOINT_SCHEME, CheckpointContentProvider } from './vscode/views/checkpointContent';
import { reportInterruptedChanges } from './vscode/views/interruptedChanges';
import { OtherStores } from './vscode/backend/otherStores';
import { defaultImportLocations } from './vscode/commands/importCommands';
import { finishInterruptedRestores } from './core/history';
import { ScheduledBackups } from './vscode/backend/scheduledBackups';

/** What the extension exports: the `@agents` handler, so a host without a Chat view (or a test) can drive it. */
export interface AgentThreadsApi {
  chatParticipant: ChatParticipantState;
  chatRequestHandler: vscode.ChatRequestHandler;
}

export function activate(context: vscode.ExtensionContext): AgentThreadsApi {
  // Strings translated outside the vscode API (modules unit tests load) use VS Code's bundle too.
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  const log = vscode.window.createOutputChannel('Agent Threads', { log: true });
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? 'dev');

  // Workspace storage when a folder is open; otherwise global storage, which the UI says.
  // A second window on the same workspace (code-server, remote) shares the first window's folder: see sharedStorage.ts.
  const storage = context.storageUri ? vscode.Uri.file(sharedWorkspaceStorage(context.storageUri.fsPath)) : context.globalStorageUri;
  const storageNotice = context.storageUri
    ? null
    : vscode.l10n.t('No folder is open: agents and threads are kept in global storage, shared by every window without a folder.');

  const apiKeys = new ApiKeyStore(context.secrets);
  // The stored keys of the configured profiles: redacted from tool outputs and thread exports.
  const knownSecrets = () => apiKeys.knownKeys(readModelProfiles().profiles.map((profile) => profile.id));
  const tools = new ToolRegistry(undefined, knownSecrets);
  for (const tool of builtinTools()) tools.register(tool);
  // Workspace tools are registered before the agent store learns the known tool names. The extension's own storage
  // is a protected path: an agent must not rewrite its own threads or agents unasked.
  const workspace = new WorkspaceAccess({ protectedFolders: [storage.fsPath, context.globalStorageUri.fsPath] });
  // Checkpoints: every change the tools make is recorded beside the threads before it is made (core/checkpoints).
  const changeSets = new ChangeSetStore({
    root: storage.fsPath,
    maxFileBytes: () => vscode.workspace.getConfiguration('agentThreads.checkpoints').get<number>('maxFileSizeKB', 2048) * 1024,
  });
  const editorFiles = new EditorFileAccess();
  void reportInterruptedChanges(changeSets, editorFiles, log);
  for (const tool of workspaceTools(workspace, changeSets)) {
    try {
      tools.register(tool);
    } catch (error) {
      log.warn(`Tool ${tool.name} is not available: ${String(error)}`); // e.g. a vscode.lm tool whose name is taken
    }
  }
  const toolPreviews = new ToolDiffPreview(tools);
  const agents = new AgentStore(storage.fsPath, new Set(tools.names()));
  const threads = new ThreadStore({ root: storage.fsPath, logger: log });
  // A restore a crash interrupted is finished (or its staging folder removed) in the background; it logs what it did.
  void finishInterruptedRestores(storage.fsPath, log);
  // Off by default (agentThreads.backup.schedule); the first check is a minute after start.
  const defaultBackupFolder = vscode.Uri.joinPath(context.globalStorageUri, 'backups').fsPath;
  const scheduledBackups = new ScheduledBackups({
    storageRoot: storage.fsPath,
    defaultFolder: defaultBackupFolder,
    extensionVersion: version,
    log,
  });
  // Agents defined by `.agents/*.agent.md|yaml` files in the first workspace folder: read-only, runnable.
  const workspaceFolder = vscode.workspace.workspaceFolders?.[0];
  const fileAgents = new FileAgentSource({
    workspaceFolder: workspaceFolder?.uri.fsPath ?? storage.fsPath,
    knownTools: () => new Set(tools.names()),
    logger: log,
  });
  const agentCatalog = new CombinedAgentCatalog(agents, fileAgents);
  // Opens on the first search or filter (see searchIndex.ts), so activation never reads the postings.
  const search = new SearchIndex({ root: storage.fsPath, store: threads, logger: log });
  const models = new ModelRegistry(apiKeys, log);
  // Opt-in (agentThreads.tracing.endpoint, a user setting): spans of runs over OTLP/HTTP; OpenTelemetry loads only then.
  const tracing = new TracingController(log, version);
  // Every model call's usage, and the budgets (agentThreads.budgets.*) checked before each call.
  const usageLedger = new UsageLedger({ file: join(storage.fsPath, 'usage.jsonl'), logger: log });
  const budgets = new RunBudgets({ ledger: usageLedger, limits: readBudgets });
  const refuseUnenforceableBudgets = (): void => {
    for (const reason of budgetRefusals(readBudgets(), readModelProfiles().profiles)) {
      log.warn(reason);
      void vscode.window.showWarningMessage(reason);
    }
  };
  refuseUnenforceableBudgets();
  void usageLedger.load(); // in the background: tooltips and the first budget check read it
  context.subscriptions.push(
    { dispose: () => usageLedger.dispose() },
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('agentThreads.budgets') || event.affectsConfiguration('agentThreads.models'))
        refuseUnenforceableBudgets();
    }),
  );
  const engine = new RunEngine({
    budgets,
    threads,
    agents: agentCatalog,
    tools,
    resolveModel: (model) => models.resolve(model),
    logger: log,
    tracer: tracing.tracer,
    maxToolRounds: vscode.workspace.getConfiguration('agentThreads.run').get<number>('maxToolRounds', 10),
    approvalTimeoutMs: vscode.workspace.getConfiguration('agentThreads.run').get<number>('approvalTimeoutMinutes', 10) * 60_000,
    // A background response cut off by the last window's end goes on while scripts can still retrieve it.
    restartsBackgroundResponses: () => vscode.workspace.getConfiguration('agentThreads.localApi').get<boolean>('enabled', false),
  });
  // Activation does not wait for old runs to be closed; a failure is logged.
  void engine.recoverInterruptedRuns().catch((error: unknown) => log.error(`Could not check for interrupted runs: ${String(error)}`));

  const agentFilesWatcher = workspaceFolder
    ? new AgentFilesWatcher(fileAgents, workspaceFolder, log)
    : { dispose: () => undefined, reload: () => Promise.resolve({ agents: [], problems: ['Open a folder to use agent files.'] }) };
  // The UI talks to one backend object: local storage and the engine above, or the Foundry project the workspace's
  // `agentThreads.backend` setting names; switching it swaps what is behind, not the views.
  const backends = new BackendSelection(new LocalBackend(agents, agentCatalog, threads, engine), tools, apiKeys, log, storage.fsPath);
  const { backend } = backends;
  void backends.apply(); // a setting it cannot use is logged and shown inside; local storage stays
  context.subscriptions.push(recordServiceRunUsage(backend, usageLedger, log));
  const sessionServices = {
    agents: backend.agents,
    threads: backend.threads,
    runs: backend.runs,
    log,
    storageNotice,
    toolPreviews,
    changeSets,
    usage: usageLedger,
  };
  const tree = new AgentsTreeProvider(
    backend.agents,
    backend.threads,
    log,
    fileAgents,
    workspaceFolder?.uri,
    () => backend.kind === 'local',
    usageLedger,
    () => backend.keepsAgentVersions,
  );
  const chat = new ChatViewProvider(context.extensionUri, version, sessionServices, context.workspaceState);
  const panels = new ThreadPanels(context.extensionUri, version, sessionServices);
  const agentEditors = new AgentEditorProvider(context.extensionUri, backend.agents, models, tools, log);
  const runDetails = new RunDetailsPanels(backend.threads, backend.agents, knownSecrets, usageLedger, (model) =>
    model.profile === FOUNDRY_PROFILE ? readFoundryPrices(log).get(model.name) : models.pricesOf(model.profile),
  );
  // The Usage view: tokens and cost per day and per agent, from the usage ledger.
  const usageTree = new UsageTreeProvider(usageLedger);
  context.subscriptions.push(usageTree, vscode.window.createTreeView(UsageTreeProvider.viewId, { treeDataProvider: usageTree }));
  const treeView = vscode.window.createTreeView(AgentsTreeProvider.viewId, { treeDataProvider: tree, showCollapseAll: true });
  const showBackend = (): void => {
    treeView.description = backend.kind === 'local' ? undefined : backend.label;
    treeView.message = backend.kind === 'local' ? (storageNotice ?? undefined) : undefined;
    void vscode.commands.executeCommand('setContext', 'agentThreads.backend', backend.kind); // built-in; nothing waits for it
    // Foundry's new agents keep every saved version; classic agents and local storage have none to show or compare.
    void vscode.commands.executeCommand('setContext', 'agentThreads.agentVersions', backend.keepsAgentVersions); // built-in
  };
  showBackend();
  const refuseBudgetsOnTheService = (): void => {
    const reason = backend.kind === 'local' ? undefined : serviceBudgetRefusal(readBudgets(), backend.label);
    if (!reason) return;
    log.warn(reason);
    void vscode.window.showWarningMessage(reason);
  };
  refuseBudgetsOnTheService();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('agentThreads.budgets')) refuseBudgetsOnTheService();
    }),
  );
  const contextKeys = new ContextKeys(backend, context.workspaceState, log, () => backends.hasClassicAgents());
  backends.onDidChange(() => {
    showBackend();
    refuseBudgetsOnTheService();
    void contextKeys.update(); // logs its own failures
    panels.closeAll(); // their threads belong to the other backend
    // Nothing waits for the chat to redraw; the new backend may be unreachable, so say why it stayed empty.
    void chat.clear().catch((error: unknown) => log.warn(`Could not clear the chat after switching backends: ${String(error)}`));
    tree.refresh();
  });

  // Threads of this project that VS Code put in another workspace's storage (a folder opened alone and in a
  // multi-root workspace, a moved folder): recorded, looked for and offered after activation, never during it.
  const otherStores = context.storageUri
    ? new OtherStores({
        storePath: storage.fsPath,
        extensionStoragePath: context.storageUri.fsPath,
        globalStoragePath: context.globalStorageUri.fsPath,
        target: { threads, agents },
        workspaceState: context.workspaceState,
        log,
      })
    : undefined;
  if (otherStores) {
    let offerText: string | undefined;
    context.subscriptions.push(
      otherStores,
      otherStores.onDidChangeOffer((offer) => {
        tree.setFoundThreads(offer && { missing: offer.missing, label: offer.store.label, path: offer.store.path });
        // The view's message wraps at any width; a search filter's message, when one shows, stays.
        if (treeView.message === undefined || treeView.message === offerText)
          treeView.message = offerText = offer ? `${foundThreadsText(offer.missing)}.` : undefined;
        void vscode.commands.executeCommand('setContext', 'agentThreads.foundThreads', offer !== undefined); // built-in
      }),
    );
    const startLater = setTimeout(() => void otherStores.start(), 0); // start() logs its own failures
    context.subscriptions.push({ dispose: () => clearTimeout(startLater) });
  }

  // Opt-in (agentThreads.localApi.enabled): the active backend's agents, threads and runs over HTTP on 127.0.0.1.
  const localApi = new LocalApiController(
    () =>
      new LocalAgentApi({
        agents,
        threads,
        engine,
        tools,
        logger: log,
        resolveModelName: modelNameResolver(() => models.choices().map((choice) => choice.profile)),
        remoteBackend: () => (backend.kind === 'local' ? undefined : backend.active),
      }),
    log,
  );

  // `@agents` in VS Code's own Chat view: the same agents, threads and engine, each exchange stored in a thread.
  const handleChatRequest = chatRequestHandler(
    new ChatExchanges({ threads: backend.threads, agents: backend.agents, runs: backend.runs }),
    log,
  );
  const chatParticipant = registerChatParticipant(handleChatRequest, context.extensionUri, log);

  context.subscriptions.push(
    log,
    chatParticipant.disposable,
    localApi,
    toolPreviews,
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, toolPreviews),
    vscode.workspace.registerTextDocumentContentProvider(AGENT_VERSION_SCHEME, new AgentVersionDocuments(backend.agents)),
    vscode.workspace.registerTextDocumentContentProvider(APPLY_PREVIEW_SCHEME, applyPreviewProvider),
    vscode.workspace.registerTextDocumentContentProvider(CHECKPOINT_SCHEME, new CheckpointContentProvider(changeSets.contents)),
    runDetails,
    vscode.workspace.onDidGrantWorkspaceTrust(() =>
      log.info('The workspace is trusted now: agents may use changing tools (with approval).'),
    ),
    { dispose: () => engine.dispose() },
    tracing,
    { dispose: () => threads.dispose() },
    { dispose: () => agents.dispose() },
    { dispose: () => fileAgents.dispose() },
    search,
    agentFilesWatcher,
    models,
    tree,
    treeView,
    chat,
    panels,
    agentEditors,
    agentEditors.register(),
    vscode.workspace.registerFileSystemProvider(AGENT_SCHEME, new AgentFileSystem(backend.agents)),
    new RunStatusBar(backend.runs, backend.threads),
    contextKeys,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, chat),
    vscode.window.registerWebviewPanelSerializer(ThreadPanels.viewType, panels),
    backends,
    scheduledBackups,
    ...registerCommands({
      log,
      tree,
      apiKeys,
      models,
      agents: backend.agents,
      threads: backend.threads,
      runs: backend.runs,
      backendKind: () => backend.kind,
      panels,
      chat,
      agentEditors,
      search,
      treeView,
      knownSecrets,
      runDetails,
      workspaceFolder: workspaceFolder?.uri,
      reloadAgentFiles: () => agentFilesWatcher.reload(),
      importLocations: defaultImportLocations(context.storageUri, context.globalStorageUri),
      backends,
      workspaceState: context.workspaceState,
      changeSets,
      editorFiles,
      workspace,
      otherStores,
      storageRoot: storage.fsPath,
      defaultBackupFolder,
      extensionVersion: version,
      localThreads: threads,
    }),
  );
  log.info(`Agent Threads ${version} activated (storage: ${storage.fsPath})`);
  return { chatParticipant: chatParticipant.state, chatRequestHandler: handleChatRequest };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
