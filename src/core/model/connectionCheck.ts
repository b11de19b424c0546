// Tries a model profile before anyone sends to it: lists the server's models (GET /models), or where a server has no
// such route, asks for one token. The outcome says in plain words what happened and what to fix. Plain fetch, not
// the OpenAI client: one short request with its own timeout, no retries, and no server text repeated (a server may
// echo the key back in a 401).

import { defaultAzureApiVersion } from './openAIChatClient';
import type { ModelProfile } from './types';

export type ConnectionCheck =
  | { ok: true; endpoint: string; via: 'models'; models: string[] }
  | { ok: true; endpoint: string; via: 'completion' }
  | {
      ok: false;
      endpoint: string;
      problem: 'refused' | 'unreachable' | 'timeout' | 'unauthorized' | 'not_found' | 'model_missing' | 'server';
      status?: number;
      /** The models the server has, when the profile's model is not among them. */
      models?: string[];
    };

export interface ConnectionCheckOptions {
  apiKey: string | undefined;
  signal: AbortSignal;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Tries `profile`; throws only when `signal` aborts (the user cancelled). */
export async function checkConnection(profile: ModelProfile, options: ConnectionCheckOptions): Promise<ConnectionCheck> {
  const endpoint = endpointOf(profile);
  const get = (path: string, init?: RequestInit) => request(profile, endpoint, path, init, options);
  try {
    if (profile.provider !== 'azure-openai') {
      const listed = await get('/models');
      if (listed.ok) {
        const models = modelIds(await listed.json().catch(() => undefined));
        if (models === undefined) return completion(profile, endpoint, options); // not a list: try the model itself
        if (models.length > 0 && !models.includes(profile.model)) return { ok: false, endpoint, problem: 'model_missing', models };
        return { ok: true, endpoint, via: 'models', models };
      }
      if (listed.status === 401 || listed.status === 403) return { ok: false, endpoint, problem: 'unauthorized', status: listed.status };
      // Some servers have no /models route: the model itself decides.
    }
    return await completion(profile, endpoint, options);
  } catch (error) {
    if (options.signal.aborted) throw error;
    return { ok: false, endpoint, ...networkProblem(error) };
  }
}

/** Where the profile's requests go (shown to the user; never holds a key). */
export function endpointOf(profile: ModelProfile): string {
  if (profile.provider === 'azure-openai') return `${(profile.endpoint ?? '').replace(/\/+$/, '')}/openai`;
  return (profile.baseUrl || 'https://api.openai.com/v1').replace(/\/+$/, '');
}

async function completion(profile: ModelProfile, endpoint: string, options: ConnectionCheckOptions): Promise<ConnectionCheck> {
  const azure = profile.provider === 'azure-openai';
  const path = azure
    ? `/deployments/${encodeURIComponent(profile.deployment || profile.model)}/chat/completions?api-version=${encodeURIComponent(profile.apiVersion || defaultAzureApiVersion)}`
    : '/chat/completions';
  const response = await request(
    profile,
    endpoint,
    path,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: profile.model, messages: [{ role: 'user', content: 'Say OK.' }], max_tokens: 1, stream: false }),
    },
    options,
  );
  await response.body?.cancel().catch(() => undefined);
  if (response.ok) return { ok: true, endpoint, via: 'completion' };
  if (response.status === 401 || response.status === 403) return { ok: false, endpoint, problem: 'unauthorized', status: response.status };
  if (response.status === 404) return { ok: false, endpoint, problem: 'not_found', status: 404 };
  return { ok: false, endpoint, problem: 'server', status: response.status };
}

async function request(
  profile: ModelProfile,
  endpoint: string,
  path: string,
  init: RequestInit | undefined,
  options: ConnectionCheckOptions,
): Promise<Response> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const headers = new Headers(init?.headers);
  if (options.apiKey) {
    if (profile.provider === 'azure-openai') headers.set('api-key', options.apiKey);
    else headers.set('authorization', `Bearer ${options.apiKey}`);
  }
  try {
    return await (options.fetch ?? fetch)(`${endpoint}${path}`, { ...init, headers, signal: AbortSignal.any([options.signal, timeout]) });
  } catch (error) {
    if (!options.signal.aborted && timeout.aborted) throw new TimeoutReached();
    throw error;
  }
}

class TimeoutReached extends Error {}

function modelIds(body: unknown): string[] | undefined {
  const data = (body as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data)) return undefined;
  return data.map((entry) => (entry as { id?: unknown }).id).filter((id): id is string => typeof id === 'string');
}

function networkProblem(error: unknown): Pick<Extract<ConnectionCheck, { ok: false }>, 'problem'> {
  if (error instanceof TimeoutReached) return { problem: 'timeout' };
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (code === 'ECONNREFUSED') return { problem: 'refused' };
  return { problem: 'unreachable' };
}
