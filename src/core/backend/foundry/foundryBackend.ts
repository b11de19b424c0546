import type { ToolRegistry } from '../../tools/toolRegistry';
import type { Logger } from '../../util/logger';
import type { Backend } from '../backend';
import { FoundryAgents } from './foundryAgents';
import { createAgentsClient, type FoundryConnection } from './foundryClient';
import { parseEndpoint } from './endpoint';
import { FoundryEvents } from './foundryEvents';
import { FoundryRuns } from './foundryRuns';
import { FoundryThreads } from './foundryThreads';

/** Agents, threads and runs kept in an Azure AI Foundry Agent Service project. */
export class FoundryBackend implements Backend {
  readonly kind = 'foundry' as const;
  readonly label: string;
  readonly agents: FoundryAgents;
  readonly threads: FoundryThreads;
  readonly runs: FoundryRuns;
  private readonly events = new FoundryEvents();

  constructor(connection: FoundryConnection, tools: ToolRegistry, logger: Logger) {
    const url = parseEndpoint(connection.endpoint);
    this.label = `Foundry: ${url.host}${url.pathname.replace(/^\/api\/projects\//, ' / ')}`;
    const client = createAgentsClient(connection);
    const toolOutputs = new Map<string, string>();
    this.agents = new FoundryAgents(client, this.events, tools);
    this.threads = new FoundryThreads(client, this.events, toolOutputs);
    this.runs = new FoundryRuns(client, this.events, this.threads, this.agents, tools, logger, toolOutputs);
  }

  dispose(): void {
    this.runs.dispose();
    this.events.dispose();
  }
}
