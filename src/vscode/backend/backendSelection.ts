// Chooses the backend from the workspace's `agentThreads.backend` setting (local storage, or a Foundry project
// endpoint) and switches live when the setting changes. Credentials come from VS Code: the signed-in Microsoft account
// or an API key in SecretStorage; neither is ever written to settings or logs.

import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { type Backend, SwitchableBackend } from '../../core/backend';
import type { FoundryApis, FoundryAuth } from '../../core/backend/foundry';
import { parseEndpoint } from '../../core/backend/foundry/endpoint';
import type { Agent } from '../../core/domain';
import type { ToolRegistry } from '../../core/tools/toolRegistry';
import type { ApiKeyStore } from '../models/apiKeys';
import { errorMessage } from '../shared/errors';
import { DisposableStore } from '../../core/util/disposableStore';

export const BACKEND_SETTING = 'agentThreads.backend';
export const FOUNDRY_AUTH_SETTING = 'agentThreads.foundry.authentication';
export const FOUNDRY_API_SETTING = 'agentThreads.foundry.api';
/** The scope Foundry Agent Service tokens are issued for. */
const FOUNDRY_SCOPE = 'https://ai.azure.com/.default';

export type FoundryAuthKind = 'microsoft' | 'apiKey';
/** The project's new agents (versioned agents, conversations, responses) or its classic ones (retired March 31, 2027). */
export type FoundryApiKind = 'agents' | 'classic';

/** The API key of a Foundry project is stored per endpoint, beside the model profiles' keys. */
export function foundryKeyId(endpoint: string): string {
  const url = parseEndpoint(endpoint);
  return `foundry:${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The file that keeps the runs made on a Foundry project from this workspace, one per project, beside the workspace's
 * threads (named by a hash: an endpoint is not a file name).
 */
export function foundryRunHistoryFile(storageFolder: string, endpoint: string): string {
  const name = createHash('sha256').update(foundryKeyId(endpoint)).digest('hex').slice(0, 16);
  return path.join(storageFolder, 'foundry-runs', `${name}.json`);
}

/** The signed-in Microsoft account as the TokenCredential the SDK asks for; VS Code keeps and refreshes the session. */
export function microsoftAccountCredential(): TokenCredential {
  return {
    async getToken(): Promise<AccessToken | null> {
      const session = await vscode.authentication.getSession('microsoft', [FOUNDRY_SCOPE], { createIfNone: true });
      // VS Code refreshes the session itself; an hour is the usual lifetime of the tokens it hands out.
      return { token: session.accessToken, expiresOnTimestamp: Date.now() + 55 * 60_000 };
    },
  };
}

/** The Foundry backend and its SDK, loaded on first use so local-only workspaces never pay for them. */
function loadFoundry(): typeof import('../../core/backend/foundry') {
  // (The extension bundle maps this require to dist/foundry.js; see esbuild.mjs.)
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that esbuild maps to a bundle of its own
  return require('../../core/backend/foundry') as typeof import('../../core/backend/foundry');
}

/** Workspace state: the Foundry project this workspace connected to last, where Move Thread sends local threads. */
export const LAST_FOUNDRY_ENDPOINT_KEY = 'agentThreads.lastFoundryEndpoint';

export class BackendSelection implements vscode.Disposable {
  readonly backend: SwitchableBackend;
  private readonly subscriptions = new DisposableStore();
  private readonly changed = new vscode.EventEmitter<Backend>();
  /** The settings the current backend was made from, so an unrelated configuration event changes nothing. */
  private appliedSettings = 'local';
  /** Whether the connected project has classic agents, asked once per connection (see hasClassicAgents). */
  private classicAgents: Promise<boolean> = Promise.resolve(false);
  /** Fires after the backend changed (views drop what they showed of the old one). */
  readonly onDidChange = this.changed.event;

  constructor(
    readonly local: Backend,
    private readonly tools: ToolRegistry,
    private readonly apiKeys: ApiKeyStore,
    private readonly log: vscode.LogOutputChannel,
    /** Where the runs made on each Foundry project are kept between windows (see foundryRunHistoryFile). */
    private readonly storageFolder: string,
  ) {
    this.backend = new SwitchableBackend(local);
    this.subscriptions.add(
      vscode.workspace.onDidChangeConfiguration((event) => {
        // apply() logs and shows a setting it cannot use, and stays on local storage.
        if (
          event.affectsConfiguration(BACKEND_SETTING) ||
          event.affectsConfiguration(FOUNDRY_AUTH_SETTING) ||
          event.affectsConfiguration(FOUNDRY_API_SETTING)
        )
          void this.apply();
      }),
    );
  }

  /** Connects to what the settings name; on failure it stays on local storage and says why. */
  async apply(): Promise<void> {
    const config = vscode.workspace.getConfiguration();
    const value = (config.get<string>(BACKEND_SETTING) ?? 'local').trim() || 'local';
    const authKind = config.get<FoundryAuthKind>(FOUNDRY_AUTH_SETTING) ?? 'microsoft';
    const api = config.get<FoundryApiKind>(FOUNDRY_API_SETTING) ?? 'agents';
    const settings = value === 'local' ? 'local' : `${value} ${authKind} ${api}`;
    if (settings === this.appliedSettings) return;
    this.appliedSettings = settings;
    let next: Backend = this.local;
    this.classicAgents = Promise.resolve(false);
    if (value !== 'local') {
      try {
        next = this.connect(value, authKind, api);
        // On the classic API the agent list itself says so (see ContextKeys); the new agents' project is asked once.
        if (api !== 'classic') this.classicAgents = this.probeClassicAgents(value, authKind);
      } catch (error) {
        this.log.error(`Could not use the Foundry project in '${BACKEND_SETTING}': ${errorMessage(error)}`);
        // A notice: the switch to local storage goes on without waiting for the user.
        void vscode.window
          .showErrorMessage(vscode.l10n.t('Agent Threads stays on local storage: {0}', errorMessage(error)), vscode.l10n.t('Open Settings'))
          .then((choice) => {
            // A built-in command; nothing waits for the settings editor to open.
            if (choice) void vscode.commands.executeCommand('workbench.action.openWorkspaceSettings', BACKEND_SETTING);
          });
      }
    }
    const previous = this.backend.switchTo(next);
    if (previous !== next) {
      if (previous !== this.local) previous.dispose();
      this.log.info(`Backend: ${next.label}`);
      this.changed.fire(next);
    }
  }

  /** A Foundry backend for `endpoint` with the chosen credentials and API (for the setting and for moving threads). */
  connect(endpoint: string, authKind: FoundryAuthKind, api: FoundryApiKind = 'agents'): Backend {
    const foundry = loadFoundry();
    const connection = { endpoint, auth: this.auth(endpoint, authKind) };
    if (api === 'classic') return new foundry.FoundryBackend(connection, this.tools, this.log);
    const idleSeconds = vscode.workspace.getConfiguration().get<number>('agentThreads.run.streamIdleTimeoutSeconds') ?? 60;
    return new foundry.FoundryAgentsBackend(connection, this.tools, this.log, {
      streamIdleTimeoutMs: idleSeconds * 1000,
      runHistoryFile: foundryRunHistoryFile(this.storageFolder, endpoint),
    });
  }

  /** Makes a new agent of a classic one (see upgradeClassicAgent in the Foundry bundle). */
  upgradeClassicAgent(classic: Backend, target: Backend, assistantId: string): Promise<{ agent: Agent; notCarried: string[] }> {
    return loadFoundry().upgradeClassicAgent(classic, target, assistantId, this.tools);
  }

  /** Which agents the project has (new, classic, both), asked of each API once. */
  detect(endpoint: string, authKind: FoundryAuthKind): Promise<FoundryApis> {
    return loadFoundry().detectFoundryApis({ endpoint, auth: this.auth(endpoint, authKind) });
  }

  /**
   * Whether the Foundry project the new agents' backend shows also has classic agents (which Upgrade Classic Agent
   * needs); false on local storage and on the classic API, whose own agent list answers that.
   */
  hasClassicAgents(): Promise<boolean> {
    return this.classicAgents;
  }

  private async probeClassicAgents(endpoint: string, authKind: FoundryAuthKind): Promise<boolean> {
    const { classic } = await this.detect(endpoint, authKind).catch((error: unknown) => ({
      classic: { reachable: false as const, reason: errorMessage(error) },
    }));
    if (!classic.reachable) this.log.info(`Classic agents of ${endpoint} not looked for: ${classic.reason}`);
    return classic.reachable && classic.hasAgents;
  }

  private auth(endpoint: string, authKind: FoundryAuthKind): FoundryAuth {
    return authKind === 'apiKey'
      ? { kind: 'apiKey', key: () => this.apiKeys.get(foundryKeyId(endpoint)) }
      : { kind: 'entra', credential: microsoftAccountCredential() };
  }

  dispose(): void {
    this.subscriptions.dispose();
    const current = this.backend.active;
    if (current !== this.local) current.dispose();
    this.backend.dispose();
    this.changed.dispose();
  }
}
