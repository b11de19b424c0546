// Read-only documents of an agent's saved versions (agent-threads-agent-version:/<name> v<N>.agent.yaml?agent=…),
// in the *.agent.yaml shape an export writes, so that two of them compare line by line in VS Code's diff editor.

import * as vscode from 'vscode';
import { serializeFoundryAgent } from '../../core/agentFiles/foundryAgentFormat';
import type { AgentRepository } from '../../core/backend';
import { FOUNDRY_PROFILE } from '../../core/backend/foundry/endpoint';
import type { Agent } from '../../core/domain';

export const AGENT_VERSION_SCHEME = 'agent-threads-agent-version';

/** The document of version `version` of `agent`; its path names the agent and the version (the tab's title). */
export function agentVersionUri(agent: Pick<Agent, 'id' | 'name'>, version: number): vscode.Uri {
  // A name with characters a path cannot hold (separators, control characters) is shown by its Foundry key instead.
  const name = /^[^\\/:*?"<>|]+$/.test(agent.name) && !/\p{Cc}/u.test(agent.name) ? agent.name : agent.id;
  return vscode.Uri.from({
    scheme: AGENT_VERSION_SCHEME,
    path: `/${name} v${version}.agent.yaml`,
    query: new URLSearchParams({ agent: agent.id, version: String(version) }).toString(),
  });
}

/** Serves the documents above from the backend; content providers' documents cannot be edited or saved. */
export class AgentVersionDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly agents: AgentRepository) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const agentId = query.get('agent') ?? '';
    const version = Number(query.get('version'));
    if (!this.agents.version) throw new Error('This backend keeps only the latest version of an agent.');
    const agent = await this.agents.version(agentId, version);
    return serializeFoundryAgent(agent, FOUNDRY_PROFILE);
  }
}
