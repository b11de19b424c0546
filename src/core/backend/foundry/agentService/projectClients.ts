// The two clients a Foundry project's new agents are reached through: `@azure/ai-projects` for agents and their
// versions (`/agents`, api-version v1), and the project's `openai` client for conversations, items and responses
// (`/openai/v1`). Signed in with the Microsoft account (Entra ID tokens for https://ai.azure.com) or with the
// project's API key, read from SecretStorage on every request and sent as `api-key`, never stored here.

import { AIProjectClient, type AIProjectClientOptionalParams, type KnownApiVersions } from '@azure/ai-projects';
import type { TokenCredential } from '@azure/core-auth';
import { createPipelineFromOptions } from '@azure/core-rest-pipeline';
import OpenAI from 'openai';
import { isLoopback, parseEndpoint } from '../endpoint';
import type { FoundryConnection } from '../foundryClient';

/** What the SDK's agents operations send as `api-version`; the fake service accepts exactly this. */
export const AGENTS_API_VERSION = 'v1';

export interface ProjectClients {
  project: AIProjectClient;
  openai: OpenAI;
}

export function createProjectClients(connection: FoundryConnection): ProjectClients {
  const url = parseEndpoint(connection.endpoint);
  const endpoint = connection.endpoint.replace(/\/+$/, '');
  const options: AIProjectClientOptionalParams = {
    apiVersion: AGENTS_API_VERSION as KnownApiVersions,
    additionalPolicies: connection.additionalPolicies,
  };
  if (connection.auth.kind === 'entra') {
    if (url.protocol !== 'https:')
      throw new Error(`Signing in with a Microsoft account needs an https:// project endpoint, not ${url.origin}.`);
    const project = new AIProjectClient(endpoint, connection.auth.credential, options);
    return { project, openai: project.getOpenAIClient() };
  }
  const readKey = connection.auth.key;
  const requireKey = async (): Promise<string> => {
    const key = await readKey();
    if (!key) throw new Error('No API key is set for the Foundry project. Run "Agent Threads: Connect Foundry Project…" to set one.');
    return key;
  };
  // With a key, the SDK gets a pipeline of ours: its default policies (retries honouring Retry-After, logging) plus
  // one that sends the key. Its own sign-in policy would ask for a token (and refuses plain http even on loopback).
  const pipeline = createPipelineFromOptions({ userAgentOptions: { userAgentPrefix: 'agent-threads' } });
  pipeline.addPolicy({
    name: 'agentThreadsApiKey',
    async sendRequest(request, next) {
      request.headers.set('api-key', await requireKey());
      return next(request);
    },
  });
  for (const { policy, position } of connection.additionalPolicies ?? [])
    pipeline.addPolicy(policy, position === 'perRetry' ? { afterPhase: 'Retry' } : undefined);
  const project = new AIProjectClient(endpoint, NO_TOKEN, { ...options, pipeline, allowInsecureConnection: isLoopback(url) });
  // getOpenAIClient() only knows tokens; with a key, the same client is built on the same base URL, sending `api-key`.
  const openai = new OpenAI({
    baseURL: `${endpoint}/openai/v1`,
    apiKey: 'unused',
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      headers.delete('authorization');
      headers.set('api-key', await requireKey());
      return fetch(input, { ...init, headers });
    },
  });
  return { project, openai };
}

/** Never asked: the key pipeline above has no token policy. */
const NO_TOKEN: TokenCredential = { getToken: () => Promise.resolve(null) };
