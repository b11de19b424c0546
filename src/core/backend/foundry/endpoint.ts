// What the rest of the extension needs to know about Foundry without loading the SDK (which is a bundle of its own,
// loaded only when a workspace uses Foundry; see esbuild.mjs).

/** The model profile name remote agents carry: the model is a deployment of the Foundry project. */
export const FOUNDRY_PROFILE = 'foundry';

/** Validates an endpoint: https anywhere, or http on loopback only (local emulators and tests). */
export function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(
      `'${endpoint}' is not a URL. A Foundry project endpoint looks like https://<resource>.services.ai.azure.com/api/projects/<project>.`,
    );
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url))) return url;
  throw new Error(`A Foundry project endpoint must use https:// (plain http is allowed only on 127.0.0.1/localhost), not '${url.origin}'.`);
}

export function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
