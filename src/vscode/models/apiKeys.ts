import * as vscode from 'vscode';

const KEY_PREFIX = 'agentThreads.apiKey.';

/** API keys per model profile, in VS Code's SecretStorage: never in settings, logs, threads or errors. */
export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The stored key of a profile, or undefined when none is stored. */
  get(profileId: string): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(KEY_PREFIX + profileId));
  }

  set(profileId: string, apiKey: string): Promise<void> {
    return Promise.resolve(this.secrets.store(KEY_PREFIX + profileId, apiKey));
  }

  delete(profileId: string): Promise<void> {
    return Promise.resolve(this.secrets.delete(KEY_PREFIX + profileId));
  }

  /** Every stored key of the given profiles: what tool outputs and exports must never contain. */
  async knownKeys(profileIds: readonly string[]): Promise<string[]> {
    const keys = await Promise.all(profileIds.map((id) => this.get(id)));
    return keys.filter((key): key is string => typeof key === 'string' && key !== '');
  }
}
