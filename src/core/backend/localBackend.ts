import type { AgentCatalog } from '../agentFiles';
import type { AgentInput, AgentUpdate } from '../domain/agent';
import type { RunEngine } from '../runs/runEngine';
import type { AgentStore } from '../store/agentStore';
import type { ThreadStore } from '../store/threadStore';
import type { AgentRepository, Backend } from './backend';

/** Agents, threads and runs in the workspace's storage, run by the local engine. Owns none of them. */
export class LocalBackend implements Backend {
  readonly kind = 'local' as const;
  readonly label = 'Local workspace storage';
  readonly agents: AgentRepository;

  constructor(
    store: AgentStore,
    /** Lists and finds stored agents and agents defined in `.agents/` files. */
    catalog: AgentCatalog,
    readonly threads: ThreadStore,
    readonly runs: RunEngine,
  ) {
    this.agents = {
      onDidChangeAgents: catalog.onDidChangeAgents,
      list: () => catalog.list(),
      get: (agentId) => catalog.get(agentId),
      create: (input: AgentInput) => store.create(input),
      update: (agentId: string, update: AgentUpdate) => store.update(agentId, update),
      delete: (agentId: string) => store.delete(agentId),
    };
  }

  /** The store and engine live as long as the extension; the composition root disposes them. */
  dispose(): void {}
}
