import * as vscode from 'vscode';
import type { ModelProfile, ModelProvider } from '../../core/model';
import type { ApiKeyStore } from '../models/apiKeys';
import type { ModelRegistry } from '../models/modelRegistry';
import { DEFAULT_CONTEXT_WINDOW, saveModelProfile } from '../models/modelSettings';
import { CommandId } from '../shared/commandIds';

interface ProviderPick extends vscode.QuickPickItem {
  provider: ModelProvider;
}

const PROVIDER_PICKS: ProviderPick[] = [
  { provider: 'openai', label: 'OpenAI', detail: 'api.openai.com with an API key' },
  { provider: 'azure-openai', label: 'Azure OpenAI', detail: 'An Azure OpenAI resource: endpoint, deployment, API version and key' },
  {
    provider: 'openai-compatible',
    label: 'OpenAI-compatible server',
    detail: 'Ollama, LM Studio, vLLM, LiteLLM… by base URL; key optional',
  },
];

async function ask(
  prompt: string,
  value: string,
  validate?: (text: string) => string | undefined,
  password = false,
): Promise<string | undefined> {
  const answer = await vscode.window.showInputBox({
    title: 'Agent Threads: Configure Model',
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

/** Walks the user through adding a model profile to settings and storing its key in SecretStorage. */
export async function configureModel(apiKeys: ApiKeyStore, registry: ModelRegistry): Promise<ModelProfile | undefined> {
  const languageModels = registry.choices().filter((c) => c.profile.provider === 'vscode-lm');
  if (languageModels.length > 0) {
    vscode.window.showInformationMessage(
      `${languageModels.length} VS Code language model(s) are ready to use without configuration; adding another profile anyway.`,
    );
  }
  const pick = await vscode.window.showQuickPick(PROVIDER_PICKS, {
    title: 'Agent Threads: Configure Model',
    placeHolder: 'Where does the model run?',
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
    (await vscode.window.showQuickPick(['No key needed', 'Enter a key'], { title: 'Does this server need an API key?' })) === 'Enter a key'
  ) {
    await setApiKey(apiKeys, profile.id);
  }
  vscode.window.showInformationMessage(`Model profile "${profile.id}" is ready. Agents can use it now.`);
  return profile as ModelProfile;
}

/** Stores a profile's API key in SecretStorage (never in settings). */
export async function setApiKey(apiKeys: ApiKeyStore, profileId?: string, registry?: ModelRegistry): Promise<void> {
  let id = profileId;
  if (!id) {
    const profiles = registry?.choices().filter((c) => c.profile.provider !== 'vscode-lm') ?? [];
    if (profiles.length === 0) {
      const choice = await vscode.window.showInformationMessage('No model profile is configured yet.', 'Configure Model');
      if (choice) await vscode.commands.executeCommand(CommandId.configureModel);
      return;
    }
    id = (
      await vscode.window.showQuickPick(
        profiles.map((p) => ({ label: p.label, detail: p.detail })),
        { title: 'Set the API key of which profile?' },
      )
    )?.label;
    if (!id) return;
  }
  const key = await vscode.window.showInputBox({
    title: `API key for "${id}"`,
    prompt: 'Stored in VS Code secret storage, never in settings or logs.',
    password: true,
    ignoreFocusOut: true,
    validateInput: required('the key'),
  });
  if (key) await apiKeys.set(id, key.trim());
}
