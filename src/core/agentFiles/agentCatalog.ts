import type { Agent } from '../domain/agent';
import { StoreError } from '../domain/errors';
import type { AgentStore } from '../store/agentStore';
import { DisposableStore } from '../util/disposableStore';
import type { Event } from '../util/emitter';
import { type FileAgentSource, isFileAgentId } from './fileAgentSource';

/** What runs, pickers and the tree need to find agents, wherever they are defined. */
export interface AgentCatalog {
  get(agentId: string): Promise<Agent>;
  list(): Promise<Agent[]>;
  onDidChangeAgents: Event<unknown>;
}

/** Agents from the store and from `.agents/` files together; file agents are looked up by their file-derived ids. */
export class CombinedAgentCatalog implements AgentCatalog {
  constructor(
    private readonly store: AgentStore,
    private readonly files: FileAgentSource,
  ) {}

  /** The agent with this id from either source. */
  async get(agentId: string): Promise<Agent> {
    if (!isFileAgentId(agentId)) return this.store.get(agentId);
    const agent = this.files.get(agentId);
    if (!agent)
      throw new StoreError(
        'agent_not_found',
        `Agent ${agentId} came from a file in .agents/ that is gone or has an error; see the Agents view.`,
      );
    return agent;
  }

  /** Store agents and file agents, by name. */
  async list(): Promise<Agent[]> {
    const stored = await this.store.list();
    return [...stored, ...this.files.list()].sort((a, b) => a.name.localeCompare(b.name) || a.created_at - b.created_at);
  }

  /** Fires when either source changes. */
  readonly onDidChangeAgents: Event<unknown> = (listener) => {
    const subscriptions = new DisposableStore();
    subscriptions.add(this.store.onDidChangeAgents(listener));
    subscriptions.add(this.files.onDidChange(listener));
    return subscriptions;
  };
}
