// Commands that choose where agents and threads live, and move a thread between local storage and Foundry.

import * as vscode from 'vscode';
import type { Backend } from '../../core/backend';
import type { ApiProbe, FoundryApis } from '../../core/backend/foundry/detectApis';
import { parseEndpoint } from '../../core/backend/foundry/endpoint';
import { exportThreadJson, importThreadJson } from '../../core/backend/threadExport';
import type { AgentsTreeNode } from '../views/agentsTreeProvider';
import { pickThread, type ThreadCommandServices } from './threadCommands';
import type { ApiKeyStore } from '../models/apiKeys';
import {
  BACKEND_SETTING,
  type BackendSelection,
  FOUNDRY_API_SETTING,
  type FoundryApiKind,
  FOUNDRY_AUTH_SETTING,
  type FoundryAuthKind,
  foundryKeyId,
  LAST_FOUNDRY_ENDPOINT_KEY,
} from '../backend/backendSelection';
import { errorMessage } from '../shared/errors';

export interface BackendCommandServices {
  backends: BackendSelection;
  apiKeys: ApiKeyStore;
  workspaceState: vscode.Memento;
}

/** Where the settings are written: the workspace when a folder is open (the backend is a per-workspace choice). */
function settingsTarget(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

/**
 * Connects the workspace to a Foundry project: endpoint, how to sign in, and (for a key) the key into SecretStorage.
 * Arguments skip the questions (automation, tests); the key argument goes straight to SecretStorage too.
 */
export async function connectFoundry(
  s: BackendCommandServices,
  endpointArg?: string,
  authArg?: FoundryAuthKind,
  keyArg?: string,
  apiArg?: FoundryApiKind,
): Promise<boolean> {
  const endpoint =
    endpointArg ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Connect a Foundry project (1/2)'),
      prompt: vscode.l10n.t("The project endpoint, from the Foundry portal's project overview"),
      placeHolder: vscode.l10n.t('https://<resource>.services.ai.azure.com/api/projects/<project>'),
      value: s.workspaceState.get<string>(LAST_FOUNDRY_ENDPOINT_KEY) ?? '',
      ignoreFocusOut: true,
      validateInput: (value) => {
        try {
          parseEndpoint(value.trim());
          return undefined;
        } catch (error) {
          return errorMessage(error);
        }
      },
    }));
  if (!endpoint) return false;
  const clean = parseEndpoint(endpoint.trim()).toString().replace(/\/+$/, '');
  const auth =
    authArg ??
    (
      await vscode.window.showQuickPick(
        [
          {
            label: vscode.l10n.t('Microsoft account'),
            detail: vscode.l10n.t('Sign in with the account VS Code knows (Entra ID); recommended'),
            auth: 'microsoft' as const,
          },
          {
            label: vscode.l10n.t('API key'),
            detail: vscode.l10n.t("Kept in VS Code's secret storage, never in settings"),
            auth: 'apiKey' as const,
          },
        ],
        {
          title: vscode.l10n.t('Connect a Foundry project (2/2)'),
          placeHolder: vscode.l10n.t('How should Agent Threads sign in?'),
          ignoreFocusOut: true,
        },
      )
    )?.auth;
  if (!auth) return false;
  if (auth === 'apiKey') {
    const key =
      keyArg ??
      (await vscode.window.showInputBox({
        title: vscode.l10n.t('Foundry project API key'),
        prompt: vscode.l10n.t('The key of {0}', new URL(clean).host),
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the key.')),
      }));
    if (!key) return false;
    await s.apiKeys.set(foundryKeyId(clean), key.trim());
  }
  const api = apiArg ?? (await detectApi(s, clean, auth));
  await s.workspaceState.update(LAST_FOUNDRY_ENDPOINT_KEY, clean);
  const config = vscode.workspace.getConfiguration();
  await config.update(FOUNDRY_API_SETTING, api, settingsTarget());
  await config.update(FOUNDRY_AUTH_SETTING, auth, settingsTarget());
  await config.update(BACKEND_SETTING, clean, settingsTarget());
  await s.backends.apply(); // at once, rather than when the configuration event arrives
  return true;
}

/** Asks the project which agents it has, says what was found, and picks the new agents unless only classic ones exist. */
async function detectApi(s: BackendCommandServices, endpoint: string, auth: FoundryAuthKind): Promise<FoundryApiKind> {
  const found = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Looking for agents in {0}…', new URL(endpoint).host) },
    () => s.backends.detect(endpoint, auth),
  );
  // A notice: the connection goes on without waiting for the user to read it.
  void vscode.window.showInformationMessage(foundMessage(found));
  return found.recommended;
}

function foundMessage(found: FoundryApis): string {
  const describe = (probe: ApiProbe): string =>
    !probe.reachable
      ? vscode.l10n.t('not reachable ({0})', probe.reason)
      : probe.hasAgents
        ? vscode.l10n.t('has agents')
        : vscode.l10n.t('no agents yet');
  const using =
    found.recommended === 'classic'
      ? vscode.l10n.t('Showing classic agents, which Microsoft retires on March 31, 2027.')
      : vscode.l10n.t('Showing new agents.');
  return vscode.l10n.t(
    'Foundry project: new agents: {0}; classic agents: {1}. {2}',
    describe(found.agents),
    describe(found.classic),
    using,
  );
}

/** Goes back to the workspace's own storage; Foundry keeps its agents and threads. */
export async function useLocalStorage(s: BackendCommandServices): Promise<void> {
  await vscode.workspace.getConfiguration().update(BACKEND_SETTING, 'local', settingsTarget());
  await s.backends.apply();
}

/** Where Move Thread sends a thread: local storage, the Foundry project, or (from classic) its new agents. */
export type MoveDestination = 'local' | 'foundry' | 'conversation';

/**
 * Moves a thread to the other backend (local storage ↔ the Foundry project) through the export shape: messages in
 * order, title and metadata; the agent follows when one of the same name exists there. The original is deleted only
 * after the copy is read back with every message. From a classic Foundry thread it can go to a conversation of the
 * same project's new agents instead (messages become items); that original is kept, as the classic API is still
 * the one of record until it retires.
 */
export async function moveThread(
  s: BackendCommandServices & ThreadCommandServices,
  target: AgentsTreeNode | string | undefined,
  confirmed = false,
  destinationArg?: MoveDestination,
): Promise<string | undefined> {
  const threadId = (await pickThread(s, target, vscode.l10n.t('Move which thread?')))?.id;
  if (!threadId) return undefined;
  const source = s.backends.backend.active;
  const classicProject = source === s.backends.local ? undefined : activeClassicProject();
  const where = destinationArg ?? (classicProject ? await pickClassicDestination() : source === s.backends.local ? 'foundry' : 'local');
  if (!where) return undefined;
  const destination =
    where === 'conversation' && classicProject
      ? s.backends.connect(classicProject.endpoint, classicProject.auth, 'agents')
      : source === s.backends.local
        ? await remoteDestination(s)
        : s.backends.local;
  if (!destination) return undefined;
  const keepOriginal = where === 'conversation';
  try {
    const exported = await exportThreadJson(source.threads, threadId);
    const count = exported.messages.data.length;
    if (!confirmed) {
      const move = vscode.l10n.t('Move');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Move "{0}" ({1} messages) to {2}?', exported.thread.title, count, destination.label),
        {
          modal: true,
          detail: keepOriginal
            ? vscode.l10n.t(
                'The thread is copied into a conversation of the new agents, its messages as items, and read back; the classic thread is kept. Run history stays behind.',
              )
            : vscode.l10n.t(
                'The thread is copied there and read back; the original is deleted only when every message arrived. Run history stays behind.',
              ),
        },
        move,
      );
      if (answer !== move) return undefined;
    }
    const agentId = await matchingAgent(source, destination, exported.thread.agent_id);
    const moved = await importThreadJson(destination.threads, { ...exported, thread: { ...exported.thread, agent_id: agentId } });
    const copied = await exportThreadJson(destination.threads, moved.id);
    if (copied.messages.data.length !== count) {
      throw new Error(`Only ${copied.messages.data.length} of ${count} messages arrived in ${destination.label}; the original was kept.`);
    }
    if (keepOriginal) {
      // A notice: nothing waits for the user to dismiss it.
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Copied "{0}" into a conversation of the new agents ({1} messages); the classic thread is kept. Use the new agents (Connect Foundry Project…) to continue it there.',
          moved.title,
          count,
        ),
      );
      return moved.id;
    }
    await source.threads.delete(threadId);
    // A notice: nothing waits for the user to dismiss it.
    void vscode.window.showInformationMessage(vscode.l10n.t('Moved "{0}" to {1}.', moved.title, destination.label));
    return moved.id;
  } finally {
    if (destination !== s.backends.local) destination.dispose();
  }
}

/** The Foundry project the workspace uses, when it uses it through the classic agents API. */
function activeClassicProject(): { endpoint: string; auth: FoundryAuthKind } | undefined {
  const config = vscode.workspace.getConfiguration();
  const endpoint = (config.get<string>(BACKEND_SETTING) ?? 'local').trim();
  if (endpoint === 'local' || config.get<FoundryApiKind>(FOUNDRY_API_SETTING) !== 'classic') return undefined;
  return { endpoint, auth: config.get<FoundryAuthKind>(FOUNDRY_AUTH_SETTING) ?? 'microsoft' };
}

async function pickClassicDestination(): Promise<MoveDestination | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: vscode.l10n.t('A conversation of the new agents'),
        detail: vscode.l10n.t('Same project; the classic thread is kept (classic agents retire on March 31, 2027)'),
        where: 'conversation' as const,
      },
      {
        label: vscode.l10n.t('Local storage'),
        detail: vscode.l10n.t('This workspace; the Foundry thread is deleted'),
        where: 'local' as const,
      },
    ],
    { title: vscode.l10n.t('Move the thread where?') },
  );
  return picked?.where;
}

/**
 * Upgrade Classic Agent: a classic agent of the workspace's Foundry project becomes the first version of a new
 * agent there, and the user is told what could not be carried over. Returns the new agent's id and that list.
 */
export async function upgradeClassicAgent(
  s: BackendCommandServices,
  assistantId?: string,
): Promise<{ agentId: string; notCarried: string[] } | undefined> {
  const config = vscode.workspace.getConfiguration();
  const endpoint = s.workspaceState.get<string>(LAST_FOUNDRY_ENDPOINT_KEY);
  if (!endpoint) {
    // A notice: nothing waits for the user to dismiss it.
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        "Upgrade Classic Agent turns a Foundry project's classic agent into a new agent. Connect the project first: Agent Threads: Connect Foundry Project….",
      ),
    );
    return undefined;
  }
  const auth = config.get<FoundryAuthKind>(FOUNDRY_AUTH_SETTING) ?? 'microsoft';
  const active = s.backends.backend.active;
  // The tree shows the new agents' backend when the workspace uses it: the upgrade goes through it, so it appears.
  const usesNew =
    (config.get<string>(BACKEND_SETTING) ?? '').trim() === endpoint && config.get<FoundryApiKind>(FOUNDRY_API_SETTING) !== 'classic';
  const target = usesNew ? active : s.backends.connect(endpoint, auth, 'agents');
  const classic = s.backends.connect(endpoint, auth, 'classic');
  try {
    const id = assistantId ?? (await pickClassicAgent(classic));
    if (!id) return undefined;
    const { agent, notCarried } = await s.backends.upgradeClassicAgent(classic, target, id);
    // A notice: nothing waits for the user to dismiss it.
    void vscode.window.showInformationMessage(
      notCarried.length
        ? vscode.l10n.t('Upgraded "{0}" to a new agent (version 1). Not carried over: {1}.', agent.name, notCarried.join('; '))
        : vscode.l10n.t('Upgraded "{0}" to a new agent (version 1); everything was carried over.', agent.name),
    );
    return { agentId: agent.id, notCarried };
  } finally {
    classic.dispose();
    if (target !== active) target.dispose();
  }
}

async function pickClassicAgent(classic: Backend): Promise<string | undefined> {
  const agents = await classic.agents.list();
  if (!agents.length) {
    // An empty picker would leave the user guessing; a notice says why and what to do instead.
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'This Foundry project has no classic agents, so there is nothing to upgrade. Its agents are new agents already: create one with Agent Threads: Create Agent, and each save makes a new version.',
      ),
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    agents.map((agent) => ({ label: agent.name, description: agent.model.name, id: agent.id })),
    { title: vscode.l10n.t('Upgrade which classic agent?'), placeHolder: vscode.l10n.t('It becomes version 1 of a new agent') },
  );
  return picked?.id;
}

async function remoteDestination(s: BackendCommandServices): Promise<Backend | undefined> {
  const endpoint = s.workspaceState.get<string>(LAST_FOUNDRY_ENDPOINT_KEY);
  if (!endpoint) {
    // A notice: nothing waits for the user to dismiss it.
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Connect a Foundry project first (Agent Threads: Connect Foundry Project…), then switch back to local storage to move threads there.',
      ),
    );
    return undefined;
  }
  const config = vscode.workspace.getConfiguration();
  const auth = config.get<FoundryAuthKind>(FOUNDRY_AUTH_SETTING) ?? 'microsoft';
  return s.backends.connect(endpoint, auth, config.get<FoundryApiKind>(FOUNDRY_API_SETTING) ?? 'agents');
}

async function matchingAgent(source: Backend, destination: Backend, agentId: string | null): Promise<string | null> {
  if (!agentId) return null;
  const name = await source.agents.get(agentId).then(
    (agent) => agent.name,
    () => undefined,
  );
  if (!name) return null;
  return (await destination.agents.list()).find((agent) => agent.name === name)?.id ?? null;
}
