import * as vscode from 'vscode';
import type { AgentInput } from '../../core/domain';
import { compareAgentVersions, newThreadOnAgentVersion, viewAgentVersion } from './agentVersionCommands';
import { createAgent, deleteAgent, duplicateAgent, pickAgent, type AgentCommandServices } from './agentCommands';
import type { AgentEditorProvider } from '../views/agentEditorProvider';
import type { AgentsTreeNode, AgentsTreeProvider } from '../views/agentsTreeProvider';
import { revealThread } from '../views/revealThread';
import type { ApiKeyStore } from '../models/apiKeys';
import {
  type BackendCommandServices,
  connectFoundry,
  type MoveDestination,
  moveThread,
  upgradeClassicAgent,
  useLocalStorage,
} from './backendCommands';
import type { FoundryApiKind, FoundryAuthKind } from '../backend/backendSelection';
import { CommandId } from '../shared/commandIds';
import { compactThread } from './compactionCommands';
import { errorMessage, userFacingError } from '../shared/errors';
import { configureModel, setApiKey } from './modelCommands';
import { importConversations, type ImportLocation } from './importCommands';
import { askAboutSelection, sendSelectionToChat } from './selectionCommands';
import type { ModelRegistry } from '../models/modelRegistry';
import { exportAgentToFile, importAgentFromFile, pickAgentFile } from './agentFileCommands';
import { editAndResendMessage, forkFromMessage } from './forkCommands';
import type { RunDetailsPanels } from '../views/runDetails';
import { showRunDetails } from './runDetailsCommands';
import { backUpAllThreads, type BackupCommandServices, restoreFromBackup } from './backupCommands';
import {
  type CheckpointCommandServices,
  restoreCheckpoint,
  reviewChangesSince,
  reviewRunChanges,
  undoRunChanges,
} from './checkpointCommands';
import {
  browseFoundThreads,
  findThreadsInOtherWorkspaces,
  ignoreFoundThreads,
  mergeFoundThreads,
  type OtherStoreCommandServices,
} from './otherStoreCommands';
import { clearThreadFilter, filterThreads, messageRevealArgument, searchThreads, type SearchCommandServices } from './searchCommands';
import {
  cancelRun,
  deleteThread,
  exportThread,
  importThread,
  newThread,
  pickThread,
  renameThread,
  type ThreadCommandServices,
} from './threadCommands';

export interface CommandServices
  extends
    AgentCommandServices,
    ThreadCommandServices,
    BackendCommandServices,
    CheckpointCommandServices,
    OtherStoreCommandServices,
    BackupCommandServices {
  log: vscode.LogOutputChannel;
  tree: AgentsTreeProvider;
  apiKeys: ApiKeyStore;
  models: ModelRegistry;
  agentEditors: AgentEditorProvider;
  /** Search across threads, the tree's view (for its filter message) and the workspace folder agent files live in. */
  search: SearchCommandServices['search'];
  treeView: vscode.TreeView<AgentsTreeNode>;
  workspaceFolder: vscode.Uri | undefined;
  /** The read-only documents "Show Run Details" opens. */
  runDetails: RunDetailsPanels;
  /** Reads `.agents/` again (after an export, without waiting for the file watcher). */
  reloadAgentFiles: () => Promise<{ agents: string[]; problems: string[] }>;
  /** Where other assistants keep conversations by default (Import Conversations offers those that exist). */
  importLocations: readonly ImportLocation[];
}

type Target = AgentsTreeNode | string | undefined;

/** The search index covers local storage only: say so on Foundry rather than return local hits for remote threads. */
function localOnly(s: CommandServices, what: string): Promise<undefined> | undefined {
  if (s.backendKind() === 'local') return undefined;
  // A notice: the command ends now; nothing waits for the user to dismiss it.
  void vscode.window.showInformationMessage(
    vscode.l10n.t(
      '{0} across threads covers local storage; this workspace uses a Foundry project. Use Agent Threads: Use Local Storage to search local threads.',
      what,
    ),
  );
  return Promise.resolve(undefined);
}

/**
 * Registers the palette and tree commands (category "Agent Threads"); ids must match package.json. Every command
 * reports failures as a message with the fix when there is one, and in the log, never silently.
 */
export function registerCommands(s: CommandServices): vscode.Disposable[] {
  // Every contributed command but the local API's, which its controller registers (it lives as long as the API).
  const commands: Record<Exclude<CommandId, typeof CommandId.showLocalApiInfo>, (...args: never[]) => unknown> = {
    [CommandId.refresh]: () => {
      s.tree.refresh();
      return s.otherStores?.check(); // and look again for this project's threads in other workspaces
    },
    [CommandId.showLog]: () => s.log.show(true),
    [CommandId.openChat]: () => vscode.commands.executeCommand('agentThreads.chat.focus'),
    [CommandId.configureModel]: () => configureModel(s.apiKeys, s.models),
    [CommandId.setApiKey]: (profileId?: string) => setApiKey(s.apiKeys, profileId, s.models),
    [CommandId.createAgent]: async (input?: Partial<AgentInput>) => {
      const agent = await createAgent(s, input);
      // Someone who named the agent in the palette goes on to its settings; automation passing its fields does not.
      if (agent && input === undefined) await s.agentEditors.open(agent.id);
      return agent;
    },
    [CommandId.editAgent]: async (target: Target) => {
      const agent = await pickAgent(s.agents, target, vscode.l10n.t('Edit which agent?'));
      if (agent) await s.agentEditors.open(agent.id);
    },
    [CommandId.duplicateAgent]: (target: Target) => duplicateAgent(s, target),
    [CommandId.deleteAgent]: (target: Target, confirmed?: boolean) => deleteAgent(s, target, confirmed),
    [CommandId.newThread]: async (target: Target) => {
      const thread = await newThread(s, target);
      if (thread) await revealThread(s.treeView, s.tree, thread.id, s.log);
      return thread;
    },
    [CommandId.openThread]: async (target: Target, at?: unknown) => {
      const thread = await pickThread(s, target, vscode.l10n.t('Open which thread?'));
      if (!thread) return;
      await s.panels.open(thread.id, messageRevealArgument(at));
      await revealThread(s.treeView, s.tree, thread.id, s.log);
    },
    [CommandId.openThreadInChat]: async (target: Target) => {
      const thread = await pickThread(s, target, vscode.l10n.t('Show which thread in the chat?'));
      if (!thread) return;
      await s.chat.show(thread.id);
      await revealThread(s.treeView, s.tree, thread.id, s.log);
    },
    [CommandId.viewAgentVersion]: (target: Target, version?: number) => viewAgentVersion(s, target, version),
    [CommandId.compareAgentVersions]: (target: Target, left?: number, right?: number) => compareAgentVersions(s, target, left, right),
    [CommandId.newThreadOnAgentVersion]: async (target: Target, version?: number) => {
      const thread = await newThreadOnAgentVersion(s, target, version);
      if (thread) await revealThread(s.treeView, s.tree, thread.id, s.log);
      return thread;
    },
    [CommandId.renameThread]: (target: Target, title?: string) => renameThread(s, target, title),
    [CommandId.deleteThread]: (target: Target, confirmed?: boolean) => deleteThread(s, target, confirmed),
    [CommandId.exportThread]: (target: Target, destination?: vscode.Uri) => exportThread(s, target, destination),
    [CommandId.compactThread]: (target: Target, regenerateId?: string) => compactThread(s, target, regenerateId),
    [CommandId.importThread]: (source?: vscode.Uri) => importThread(s, source),
    [CommandId.importConversations]: (source?: vscode.Uri | vscode.Uri[]) => importConversations(s, source),
    [CommandId.backUpAllThreads]: (destination?: vscode.Uri) =>
      backUpAllThreads(s, destination instanceof vscode.Uri ? destination : undefined),
    [CommandId.restoreFromBackup]: (source?: vscode.Uri) => restoreFromBackup(s, source instanceof vscode.Uri ? source : undefined),
    [CommandId.cancelRun]: (target: Target) => cancelRun(s, target),
    [CommandId.showRunDetails]: (target: Target, runId?: string, placement?: unknown) =>
      showRunDetails(s, s.runDetails, target, typeof runId === 'string' ? runId : undefined, placement === 'beside' ? 'beside' : 'active'),
    [CommandId.askAboutSelection]: (question?: string) => askAboutSelection(s.chat, question),
    [CommandId.sendSelectionToChat]: () => sendSelectionToChat(s.chat),
    [CommandId.newChatThread]: () => s.chat.show(null),
    [CommandId.exportAgentToFile]: async (target: Target) => {
      if (!s.workspaceFolder) throw new Error('Open a folder first: agent files are written to its .agents/ folder.');
      const agent = await pickAgent(s.agents, target, vscode.l10n.t('Export which agent to a file?'));
      if (!agent) return undefined;
      const uri = await exportAgentToFile(agent, s.workspaceFolder);
      await s.reloadAgentFiles();
      // A notice: the command returns the file now; nothing waits for the user to dismiss it.
      void vscode.window.showInformationMessage(vscode.l10n.t('Exported "{0}" to {1}.', agent.name, vscode.workspace.asRelativePath(uri)));
      return uri;
    },
    [CommandId.importAgentFromFile]: async (source?: vscode.Uri) => {
      const file = source ?? (await pickAgentFile());
      return file ? importAgentFromFile(s.agents, file) : undefined;
    },
    [CommandId.reloadAgentFiles]: () => s.reloadAgentFiles(),
    [CommandId.forkThread]: (threadId: string, messageId: string) => forkFromMessage(s, threadId, messageId),
    [CommandId.editAndResend]: (threadId: string, messageId: string, text?: string, agentId?: string) =>
      editAndResendMessage(s, threadId, messageId, text, agentId),
    [CommandId.searchThreads]: (initial?: string) => localOnly(s, 'Search') ?? searchThreads(s, typeof initial === 'string' ? initial : ''),
    [CommandId.filterThreads]: (text?: string) =>
      localOnly(s, 'Filtering') ?? filterThreads(s, typeof text === 'string' ? text : undefined),
    [CommandId.clearFilter]: () => clearThreadFilter(s),
    [CommandId.connectFoundry]: (endpoint?: string, auth?: FoundryAuthKind, key?: string, api?: FoundryApiKind) =>
      connectFoundry(s, endpoint, auth, key, api),
    [CommandId.useLocalStorage]: () => useLocalStorage(s),
    [CommandId.moveThread]: (target: Target, confirmed?: boolean, destination?: MoveDestination) =>
      moveThread(s, target, confirmed, destination),
    // From the palette, from a classic agent's context menu in the tree, or with the assistant's id.
    [CommandId.upgradeClassicAgent]: (target: Target) =>
      upgradeClassicAgent(s, typeof target === 'string' ? target : target?.kind === 'agent' ? target.agent.id : undefined),
    [CommandId.reviewRunChanges]: (threadId?: unknown, runId?: unknown) => reviewRunChanges(s, threadId, runId),
    [CommandId.reviewChangesSince]: (threadId?: unknown, runId?: unknown) => reviewChangesSince(s, threadId, runId),
    [CommandId.undoRunChanges]: (threadId?: unknown, runId?: unknown) => undoRunChanges(s, threadId, runId),
    [CommandId.restoreCheckpoint]: (threadId?: unknown, runId?: unknown, choice?: unknown) => restoreCheckpoint(s, threadId, runId, choice),
    [CommandId.findThreadsInOtherWorkspaces]: () => findThreadsInOtherWorkspaces(s),
    [CommandId.mergeFoundThreads]: () => mergeFoundThreads(s),
    [CommandId.browseFoundThreads]: () => browseFoundThreads(s),
    [CommandId.ignoreFoundThreads]: () => ignoreFoundThreads(s),
  };
  return Object.entries(commands).map(([id, run]) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await run(...args);
      } catch (error) {
        s.log.error(`${id} failed: ${errorMessage(error)}`);
        const shown = userFacingError(error);
        // Not awaited: the command settles now; the message stays until the user dismisses it.
        void vscode.window.showErrorMessage(shown.text, ...(shown.command ? [shown.command.title] : [])).then((action) => {
          // Our own command: this wrapper catches, logs and shows its errors.
          if (action && shown.command) void vscode.commands.executeCommand(shown.command.id);
        });
        return undefined;
      }
    }),
  );
}
