import type { ToolRegistry } from '../../../tools/toolRegistry';
import type { Logger } from '../../../util/logger';
import type { Backend } from '../../backend';
import { parseEndpoint } from '../endpoint';
import type { FoundryConnection } from '../foundryClient';
import { FoundryEvents } from '../foundryEvents';
import { ConversationThreads } from './conversationThreads';
import { createProjectClients } from './projectClients';
import { ResponseRuns } from './responseRuns';
import { LEDGER_LIMITS, TurnLedger } from './turnLedger';
import { TurnLedgerFile } from './turnLedgerFile';
import { VersionedAgents } from './versionedAgents';

/** Foundry's new agents: versioned prompt agents, conversations and responses, through `@azure/ai-projects` 2.x. */
export class FoundryAgentsBackend implements Backend {
  readonly kind = 'foundry' as const;
  readonly label: string;
  readonly agents: VersionedAgents;
  readonly threads: ConversationThreads;
  readonly runs: ResponseRuns;
  private readonly events = new FoundryEvents();

  private readonly ledger: TurnLedger;

  /**
   * `runHistoryFile`: where the runs made on this project are kept between windows (Foundry keeps the conversations'
   * items, not our runs); without it a reload forgets them.
   */
  constructor(
    connection: FoundryConnection,
    tools: ToolRegistry,
    logger: Logger,
    options: { streamIdleTimeoutMs?: number; runHistoryFile?: string } = {},
  ) {
    const url = parseEndpoint(connection.endpoint);
    this.label = `Foundry: ${url.host}${url.pathname.replace(/^\/api\/projects\//, ' / ')}`;
    const { project, openai } = createProjectClients(connection);
    const ledger = new TurnLedger(options.runHistoryFile ? new TurnLedgerFile(options.runHistoryFile, logger, LEDGER_LIMITS) : undefined);
    this.ledger = ledger;
    this.agents = new VersionedAgents(project, this.events, tools);
    this.threads = new ConversationThreads(openai, this.events, ledger);
    this.runs = new ResponseRuns(openai, this.events, this.threads, this.agents, tools, ledger, logger, 10, options.streamIdleTimeoutMs);
  }

  dispose(): void {
    this.runs.dispose();
    this.ledger.flush();
    this.events.dispose();
  }
}
