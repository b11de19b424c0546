import * as vscode from 'vscode';
import type { ModelApi, ModelProfile, ModelProvider } from '../../core/model';
import { checkConnection, endpointOf, type ConnectionCheck } from '../../core/model/connectionCheck';
import type { ApiKeyStore } from '../models/apiKeys';
import type { ModelRegistry } from '../models/modelRegistry';
import { DEFAULT_CONTEXT_WINDOW, saveModelProfile } from '../models/modelSettings';
import { CommandId } from '../shared/commandIds';

interface ProviderPick extends vscode.QuickPickItem {
  provider: ModelProvider;
}

const PROVIDER_PICKS: ProviderPick[] = [
  { provider: 'openai', label: vscode.l10n.t('OpenAI'), detail: vscode.l10n.t('api.openai.com with an API key') },
  {
    provider: 'azure-openai',
    label: vscode.l10n.t('Azure OpenAI'),
    detail: vscode.l10n.t('An Azure OpenAI resource: endpoint, deployment, API version and key'),
  },
  {
    provider: 'openai-compatible',
    label: vscode.l10n.t('OpenAI-compatible server'),
    detail: vscode.l10n.t('Ollama, LM Studio, vLLM, LiteLLM… by base URL; key optional'),
  },
];

async function ask(
  prompt: string,
  value: string,
  validate?: (text: string) => string | undefined,
  password = false,
): Promise<string | undefined> {
  const answer = await vscode.window.showInputBox({
    title: vscode.l10n.t('Agent Threads: Configure Model'),
    prompt,
    value,
    password,
    ignoreFocusOut: true,
    validateInput: validate,
  });
  return answer?.trim();
}

const required = (what: string) => (text: string) => (text.trim() ? undefined : `Enter ${what}.`);
const url = (text: string) => (/^https?:\/\/\S+$/.test(text.trim()) ? undefined : 'Enter a URL starting with http:// or https://.');

interface ApiPick extends vscode.QuickPickItem {
  api: ModelApi;
}

/** Which wire API an OpenAI or Azure OpenAI profile speaks; Responses first, as the default it is. */
async function pickModelApi(): Promise<ModelApi | undefined> {
  const picks: ApiPick[] = [
    {
      api: 'responses',
      label: vscode.l10n.t('Responses API'),
      description: vscode.l10n.t('recommended'),
      detail: vscode.l10n.t("Reasoning models show their thinking; the provider's newest API"),
    },
    {
      api: 'chat-completions',
      label: vscode.l10n.t('Chat Completions API'),
      detail: vscode.l10n.t('For deployments, API versions or gateways that offer only Chat Completions'),
    },
  ];
  const chosen = await vscode.window.showQuickPick(picks, {
    title: vscode.l10n.t('Agent Threads: Configure Model'),
    placeHolder: vscode.l10n.t('Which API should this profile use?'),
    ignoreFocusOut: true,
  });
  return chosen?.api;
}

/** Walks the user through adding a model profile to settings and storing its key in SecretStorage. */
export async function configureModel(apiKeys: ApiKeyStore, registry: ModelRegistry): Promise<ModelProfile | undefined> {
  const languageModels = registry.choices().filter((c) => c.profile.provider === 'vscode-lm');
  if (languageModels.length > 0) {
    vscode.window.showInformationMessage(
      vscode.l10n.t(
        '{0} VS Code language model(s) are ready to use without configuration; adding another profile anyway.',
        languageModels.length,
      ),
    );
  }
  const pick = await vscode.window.showQuickPick(PROVIDER_PICKS, {
    title: vscode.l10n.t('Agent Threads: Configure Model'),
    placeHolder: vscode.l10n.t('Where does the model run?'),
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  const profile: Partial<ModelProfile> = { provider: pick.provider };
  if (pick.provider === 'openai-compatible') {
    profile.baseUrl = await ask('Base URL of the server', 'http://localhost:11434/v1', url);
    if (!profile.baseUrl) return undefined;
  }
  if (pick.provider === 'azure-openai') {
    profile.endpoint = await ask('Endpoint of the Azure OpenAI resource', 'https://my-resource.openai.azure.com', url);
    if (!profile.endpoint) return undefined;
    profile.deployment = await ask('Deployment name', '', required('the deployment name'));
    if (!profile.deployment) return undefined;
    profile.apiVersion = await ask('API version', '2024-10-21', required('an API version'));
    if (!profile.apiVersion) return undefined;
  }
  if (pick.provider === 'openai' || pick.provider === 'azure-openai') {
    const api = await pickModelApi();
    if (!api) return undefined;
    profile.api = api;
  }
  profile.model = await ask(
    'Model name',
    pick.provider === 'azure-openai' ? profile.deployment! : pick.provider === 'openai' ? 'gpt-4o-mini' : 'llama3.1',
    required('a model name'),
  );
  if (!profile.model) return undefined;
  const window = await ask('Context window (tokens)', String(DEFAULT_CONTEXT_WINDOW), (text) =>
    /^\d{4,8}$/.test(text.trim()) ? undefined : 'Enter a number of tokens, e.g. 128000.',
  );
  if (!window) return undefined;
  profile.contextWindow = Number(window);
  const suggestedId = `${pick.provider === 'openai-compatible' ? 'local' : pick.provider}-${profile.model}`
    .replace(/[^\w.-]+/g, '-')
    .toLowerCase();
  profile.id = await ask('A name for this profile', suggestedId, (text) =>
    /^[\w.-]{1,64}$/.test(text.trim()) ? undefined : 'Use letters, digits, ".", "-" or "_".',
  );
  if (!profile.id) return undefined;

  await saveModelProfile(profile as ModelProfile);
  if (
    pick.provider !== 'openai-compatible' ||
    (await vscode.window.showQuickPick([vscode.l10n.t('No key needed'), vscode.l10n.t('Enter a key')], {
      title: vscode.l10n.t('Does this server need an API key?'),
    })) === vscode.l10n.t('Enter a key')
  ) {
    await setApiKey(apiKeys, profile.id);
  }
  // Tried before it is called ready: a wrong URL, key or model shows now, with a fix, not at the first send.
  void tryModelProfile(apiKeys, profile as ModelProfile); // a notice: the command is done once the profile is saved
  return profile as ModelProfile;
}

/** Tries a saved profile under a cancellable progress notification, then says what happened and offers fixes. */
export async function tryModelProfile(apiKeys: ApiKeyStore, profile: ModelProfile): Promise<ConnectionCheck | undefined> {
  const apiKey = await apiKeys.get(profile.id);
  const outcome = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Trying model profile "{0}" at {1}…', profile.id, endpointOf(profile)),
      cancellable: true,
    },
    async (_progress, token) => {
      const cancel = new AbortController();
      const subscription = token.onCancellationRequested(() => cancel.abort());
      try {
        return await checkConnection(profile, { apiKey, signal: cancel.signal });
      } catch {
        return undefined; // cancelled
      } finally {
        subscription.dispose();
      }
    },
  );
  if (!outcome) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Model profile "{0}" is saved but was not tried. Send a message to try it.', profile.id),
    );
    return undefined;
  }
  if (outcome.ok) {
    void vscode.window.showInformationMessage(
      outcome.via === 'models'
        ? vscode.l10n.t(
            'Model profile "{0}" works: {1} has {2} model(s), including "{3}". Agents can use it now.',
            profile.id,
            outcome.endpoint,
            outcome.models.length,
            profile.model,
          )
        : vscode.l10n.t(
            'Model profile "{0}" works: "{1}" answered at {2}. Agents can use it now.',
            profile.id,
            profile.model,
            outcome.endpoint,
          ),
    );
    return outcome;
  }
  void offerFixes(apiKeys, profile, outcome);
  return outcome;
}

function problemText(profile: ModelProfile, outcome: Extract<ConnectionCheck, { ok: false }>): string {
  const at = outcome.endpoint;
  switch (outcome.problem) {
    case 'refused':
      return vscode.l10n.t('Connection refused at {0}: is the model server running there? Start it, or fix the URL.', at);
    case 'unreachable':
      return vscode.l10n.t('{0} could not be reached: check the URL and your network.', at);
    case 'timeout':
      return vscode.l10n.t('{0} did not answer within 10 seconds: check the URL, or try again once the server is up.', at);
    case 'unauthorized':
      return vscode.l10n.t('{0} refused the API key (HTTP {1}): check the key of profile "{2}".', at, outcome.status ?? 401, profile.id);
    case 'not_found':
      return vscode.l10n.t('{0} has no chat completions route (HTTP 404): the base URL is probably wrong (it usually ends in /v1).', at);
    case 'model_missing':
      return vscode.l10n.t(
        '{0} has no model "{1}". It has: {2}.',
        at,
        profile.model,
        (outcome.models ?? []).slice(0, 10).join(', ') + ((outcome.models?.length ?? 0) > 10 ? ', …' : ''),
      );
    case 'server':
      return vscode.l10n.t('{0} answered the test request with HTTP {1}.', at, outcome.status ?? 500);
  }
}

async function offerFixes(apiKeys: ApiKeyStore, profile: ModelProfile, outcome: Extract<ConnectionCheck, { ok: false }>): Promise<void> {
  const reconfigure = vscode.l10n.t('Reconfigure');
  const settings = vscode.l10n.t('Open Settings');
  const key = vscode.l10n.t('Set API Key');
  const retry = vscode.l10n.t('Try Again');
  const actions = outcome.problem === 'unauthorized' ? [key, reconfigure, settings] : [retry, reconfigure, settings];
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Model profile "{0}" is saved, but the test failed. {1}', profile.id, problemText(profile, outcome)),
    ...actions,
  );
  if (choice === reconfigure) await vscode.commands.executeCommand(CommandId.configureModel);
  else if (choice === settings) await vscode.commands.executeCommand('workbench.action.openSettings', 'agentThreads.models');
  else if (choice === key) await vscode.commands.executeCommand(CommandId.setApiKey, profile.id);
  else if (choice === retry) await tryModelProfile(apiKeys, profile);
}

/** Stores a profile's API key in SecretStorage (never in settings). */
export async function setApiKey(apiKeys: ApiKeyStore, profileId?: string, registry?: ModelRegistry): Promise<void> {
  let id = profileId;
  if (!id) {
    const profiles = registry?.choices().filter((c) => c.profile.provider !== 'vscode-lm') ?? [];
    if (profiles.length === 0) {
      const choice = await vscode.window.showInformationMessage(
        vscode.l10n.t('No model profile is configured yet.'),
        vscode.l10n.t('Configure Model'),
      );
      if (choice) await vscode.commands.executeCommand(CommandId.configureModel);
      return;
    }
    id = (
      await vscode.window.showQuickPick(
        profiles.map((p) => ({ label: p.label, detail: p.detail })),
        { title: vscode.l10n.t('Set the API key of which profile?') },
      )
    )?.label;
    if (!id) return;
  }
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('API key for "{0}"', id),
    prompt: vscode.l10n.t('Stored in VS Code secret storage, never in settings or logs.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: required('the key'),
  });
  if (key) await apiKeys.set(id, key.trim());
}
