import * as vscode from 'vscode';
import type { AgentModel } from '../../core/domain';
import { createOpenAIModelClient, type ModelClient, type ModelPrices, type ModelProfile } from '../../core/model';
import type { ApiKeyStore } from './apiKeys';
import { LanguageModelClient } from './languageModelClient';
import { readModelProfiles } from './modelSettings';
import { errorMessage } from '../shared/errors';
import { DisposableStore } from '../../core/util/disposableStore';

const LM_PREFIX = 'vscode-lm:';

/** A model the user can pick for an agent: a configured profile, or a chat model VS Code already offers. */
export interface ModelChoice {
  profile: ModelProfile;
  label: string;
  detail: string;
}

/**
 * Resolves an agent's model to a client: profiles from `agentThreads.models` (keys from SecretStorage) and chat
 * models from VS Code's Language Model API, which need no key and are preferred as the default when present.
 */
export class ModelRegistry implements vscode.Disposable {
  private profiles: ModelProfile[] = [];
  private languageModels: vscode.LanguageModelChat[] = [];
  private readonly clients = new Map<string, ModelClient>();
  private readonly subscriptions = new DisposableStore();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly apiKeys: ApiKeyStore,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.loadProfiles();
    this.subscriptions.add(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('agentThreads')) this.loadProfiles();
      }),
    );
    // loadLanguageModels() cannot reject: without VS Code models it logs and keeps the configured ones.
    this.subscriptions.add(vscode.lm.onDidChangeChatModels(() => void this.loadLanguageModels()));
    this.subscriptions.add(this.changed);
    void this.loadLanguageModels(); // `changed` fires when they arrive
  }

  private loadProfiles(): void {
    const { profiles, problems } = readModelProfiles();
    for (const problem of problems) this.log.warn(`Setting agentThreads.models[${problem.index}] ${problem.message}; it is ignored.`);
    this.profiles = profiles;
    this.clients.clear();
    this.changed.fire();
  }

  private async loadLanguageModels(): Promise<void> {
    try {
      this.languageModels = await vscode.lm.selectChatModels();
    } catch (error) {
      this.languageModels = [];
      this.log.info(`VS Code language models are not available: ${errorMessage(error)}`);
    }
    this.changed.fire();
  }

  /** Every model the user can choose, VS Code's own first. */
  choices(): ModelChoice[] {
    const lm = this.languageModels.map((model) => ({
      profile: this.languageModelProfile(model),
      label: model.name,
      detail: vscode.l10n.t('VS Code language model ({0}) · no API key needed', model.vendor),
    }));
    const configured = this.profiles.map((profile) => ({
      profile,
      label: profile.id,
      detail: `${profile.provider} · ${profile.deployment ?? profile.model} · ${profile.baseUrl ?? profile.endpoint ?? 'api.openai.com'}`,
    }));
    return [...lm, ...configured];
  }

  /** The model a new agent gets when the user does not choose: a VS Code model if any, else the first profile. */
  defaultChoice(): ModelChoice | undefined {
    return this.choices()[0];
  }

  /** The prices of a profile (US dollars per million tokens), when the user set them. */
  pricesOf(profileId: string): ModelPrices | undefined {
    return this.findProfile(profileId)?.prices;
  }

  /** The client and profile for an agent's model, or undefined when it is not configured (any more). */
  resolve(model: AgentModel): { client: ModelClient; profile: ModelProfile } | undefined {
    const profile = this.findProfile(model.profile);
    if (!profile) return undefined;
    let client = this.clients.get(profile.id);
    if (!client) {
      client = this.createClient(profile);
      if (!client) return undefined;
      this.clients.set(profile.id, client);
    }
    return { client, profile: { ...profile, model: model.name || profile.model } };
  }

  private findProfile(id: string): ModelProfile | undefined {
    if (id.startsWith(LM_PREFIX)) {
      const model = this.languageModels.find((m) => LM_PREFIX + m.id === id);
      return model ? this.languageModelProfile(model) : undefined;
    }
    const known = this.profiles.find((p) => p.id === id);
    if (known) return known;
    // Settings may have changed a moment ago, before their change event reached us: read them again.
    this.loadProfiles();
    return this.profiles.find((p) => p.id === id);
  }

  private createClient(profile: ModelProfile): ModelClient | undefined {
    if (profile.provider === 'vscode-lm') {
      const model = this.languageModels.find((m) => LM_PREFIX + m.id === profile.id);
      return model ? new LanguageModelClient(model) : undefined;
    }
    const settings = vscode.workspace.getConfiguration('agentThreads.run');
    return createOpenAIModelClient({
      profile,
      getApiKey: (profileId) => this.apiKeys.get(profileId),
      retry: { maxRetries: settings.get<number>('maxRetries', 3) },
      firstByteTimeoutMs: settings.get<number>('firstByteTimeoutSeconds', 60) * 1000,
      idleTimeoutMs: settings.get<number>('streamIdleTimeoutSeconds', 60) * 1000,
      setApiKeyCommand: 'Agent Threads: Set API Key',
    });
  }

  private languageModelProfile(model: vscode.LanguageModelChat): ModelProfile {
    return { id: LM_PREFIX + model.id, provider: 'vscode-lm', model: model.family, contextWindow: model.maxInputTokens };
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}
