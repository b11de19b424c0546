// Which agents a Foundry project has: the new ones (versioned agents, conversations, responses) and/or the classic
// ones (assistants, threads, runs; retired on March 31, 2027). Connect Foundry Project says what it found and uses the
// new API unless the project only has classic agents.

import { createProjectClients } from './agentService/projectClients';
import { createAgentsClient, type FoundryConnection } from './foundryClient';
import { firstPage } from './foundryEvents';
import { toFoundryError } from './foundryErrors';

export type FoundryApiKind = 'agents' | 'classic';

/** What one API answered: reachable with agents, reachable without, or the error the user must see. */
export type ApiProbe = { reachable: true; hasAgents: boolean } | { reachable: false; reason: string };

export interface FoundryApis {
  agents: ApiProbe;
  classic: ApiProbe;
  /** The API to use: the new one, unless only the classic one has agents. */
  recommended: FoundryApiKind;
}

export async function detectFoundryApis(connection: FoundryConnection): Promise<FoundryApis> {
  const [agents, classic] = await Promise.all([
    probe('list agents', async () => {
      const { project } = createProjectClients(connection);
      const first = await project.agents.list({ limit: 1 }).byPage({ maxPageSize: 1 }).next();
      return !first.done && first.value.length > 0;
    }),
    probe('list classic agents', async () => {
      const client = createAgentsClient(connection);
      return (await firstPage(client.listAgents({ limit: 1 }))).length > 0;
    }),
  ]);
  const onlyClassic = classic.reachable && classic.hasAgents && !(agents.reachable && agents.hasAgents);
  return { agents, classic, recommended: onlyClassic ? 'classic' : 'agents' };
}

async function probe(doing: string, hasAgents: () => Promise<boolean>): Promise<ApiProbe> {
  try {
    return { reachable: true, hasAgents: await hasAgents() };
  } catch (error) {
    return { reachable: false, reason: toFoundryError(error, doing).message };
  }
}
