/** The message of anything thrown, for logs and notices. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The code of a coded error (StoreError, ModelError, RunError), if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Commands that fix what an error code says is wrong, offered next to the error. */
const FIXES: Record<string, { title: string; id: string }> = {
  no_model: { title: 'Configure Model', id: 'agentThreads.configureModel' },
  invalid_api_key: { title: 'Set API Key', id: 'agentThreads.setApiKey' },
  model_not_found: { title: 'Configure Model', id: 'agentThreads.configureModel' },
  agent_not_found: { title: 'Create Agent', id: 'agentThreads.createAgent' },
  foundry_unauthorized: { title: 'Connect Foundry Project', id: 'agentThreads.connectFoundry' },
  foundry_network: { title: 'Connect Foundry Project', id: 'agentThreads.connectFoundry' },
  foundry_not_found: { title: 'Refresh', id: 'agentThreads.refresh' },
};

/** An error as a notice a user can act on: its (already user-facing) message and, when one exists, the fix. */
export function userFacingError(error: unknown): { text: string; command?: { title: string; id: string } } {
  const code = errorCode(error);
  return { text: errorMessage(error), command: code ? FIXES[code] : undefined };
}
