// Builds the SDK client for a Foundry project endpoint, authenticated with an Entra ID token credential (the signed-in
// Microsoft account) or with the project's API key. Secrets are fetched per request and never stored here.

import { AgentsClient, type AgentsClientOptionalParams } from '@azure/ai-agents';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { isLoopback, parseEndpoint } from './endpoint';

export type FoundryAuth =
  | { kind: 'entra'; credential: TokenCredential }
  /** The key is read when a request is made, so changing it in SecretStorage takes effect at once. */
  | { kind: 'apiKey'; key: () => Promise<string | undefined> };

export interface FoundryConnection {
  /** The project endpoint, e.g. https://<resource>.services.ai.azure.com/api/projects/<project>. */
  endpoint: string;
  auth: FoundryAuth;
  /** Extra pipeline policies (a corporate proxy's agent, say; tests trust their own certificate this way). */
  additionalPolicies?: AgentsClientOptionalParams['additionalPolicies'];
}

/** The service's API version: the SDK's default, pinned so the fake service and tests agree with production. */
export const FOUNDRY_API_VERSION = 'v1';

export function createAgentsClient(connection: FoundryConnection): AgentsClient {
  const url = parseEndpoint(connection.endpoint);
  if (connection.auth.kind === 'entra') {
    if (url.protocol !== 'https:')
      throw new Error(`Signing in with a Microsoft account needs an https:// project endpoint, not ${url.origin}.`);
    return new AgentsClient(connection.endpoint, connection.auth.credential, {
      apiVersion: FOUNDRY_API_VERSION,
      additionalPolicies: connection.additionalPolicies,
    });
  }
  const readKey = connection.auth.key;
  // The SDK only takes a TokenCredential; with a key, its bearer policy is swapped for one that sends `api-key`.
  const client = new AgentsClient(connection.endpoint, NO_TOKEN, {
    apiVersion: FOUNDRY_API_VERSION,
    allowInsecureConnection: isLoopback(url),
    additionalPolicies: connection.additionalPolicies,
  });
  client.pipeline.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
  client.pipeline.addPolicy({
    name: 'agentThreadsApiKey',
    async sendRequest(request, next) {
      const key = await readKey();
      if (!key) throw new Error('No API key is set for the Foundry project. Run "Agent Threads: Connect Foundry Project…" to set one.');
      request.headers.set('api-key', key);
      return next(request);
    },
  });
  return client;
}

const NO_TOKEN: TokenCredential = {
  getToken: (): Promise<AccessToken | null> => Promise.resolve(null),
};
