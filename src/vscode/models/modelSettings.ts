import * as vscode from 'vscode';
import { pricesProblem, type ModelProfile, type ModelProvider } from '../../core/model';

const PROVIDERS: readonly ModelProvider[] = ['openai', 'azure-openai', 'openai-compatible'];
export const DEFAULT_CONTEXT_WINDOW = 128_000;

/** Why a configured profile was skipped, for the log: settings are user input and may be wrong. */
export interface ProfileProblem {
  index: number;
  message: string;
}

/** Reads and validates `agentThreads.models`; invalid entries are reported, never thrown. */
export function readModelProfiles(config = vscode.workspace.getConfiguration('agentThreads')): {
  profiles: ModelProfile[];
  problems: ProfileProblem[];
} {
  const raw = config.get<unknown[]>('models', []);
  const profiles: ModelProfile[] = [];
  const problems: ProfileProblem[] = [];
  raw.forEach((entry, index) => {
    const problem = profileProblem(entry);
    if (problem) problems.push({ index, message: problem });
    else profiles.push(normalise(entry as ModelProfile));
  });
  return { profiles, problems };
}

function profileProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null) return 'is not an object';
  const p = entry as Partial<Record<keyof ModelProfile, unknown>>;
  if (typeof p.id !== 'string' || !/^[\w.-]{1,64}$/.test(p.id)) return 'needs an "id" of letters, digits, ".", "-" or "_"';
  if (!PROVIDERS.includes(p.provider as ModelProvider)) return `"${p.id}" needs "provider" to be one of ${PROVIDERS.join(', ')}`;
  if (typeof p.model !== 'string' || p.model.trim() === '') return `"${p.id}" needs a "model" (or deployment) name`;
  if (p.provider === 'openai-compatible' && typeof p.baseUrl !== 'string')
    return `"${p.id}" needs a "baseUrl" such as http://localhost:11434/v1`;
  if (p.provider === 'azure-openai' && typeof p.endpoint !== 'string')
    return `"${p.id}" needs an "endpoint" such as https://my-resource.openai.azure.com`;
  if (p.api !== undefined && p.api !== 'responses' && p.api !== 'chat-completions')
    return `"${p.id}" has an "api" other than responses or chat-completions`;
  if (p.contextWindow !== undefined && (typeof p.contextWindow !== 'number' || p.contextWindow < 1024))
    return `"${p.id}" has a "contextWindow" below 1024 tokens`;
  const prices = pricesProblem(p.prices);
  if (prices) return `"${p.id}" ${prices}`;
  return undefined;
}

function normalise(profile: ModelProfile): ModelProfile {
  return { ...profile, contextWindow: profile.contextWindow ?? DEFAULT_CONTEXT_WINDOW };
}

/** Adds or replaces a profile in the user's settings. */
export async function saveModelProfile(profile: ModelProfile): Promise<void> {
  const config = vscode.workspace.getConfiguration('agentThreads');
  const existing = config.get<ModelProfile[]>('models', []).filter((p) => p?.id !== profile.id);
  await config.update('models', [...existing, profile], vscode.ConfigurationTarget.Global);
}
