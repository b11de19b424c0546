import type { AIProjectClient, AgentVersion } from '@azure/ai-projects';
import type { Agent, AgentInput, AgentUpdate } from '../../../domain/agent';
import type { Metadata } from '../../../domain/common';
import type { ToolRegistry } from '../../../tools/toolRegistry';
import type { AgentRepository } from '../../backend';
import { callFoundry, FoundryError } from '../foundryErrors';
import type { FoundryEvents } from '../foundryEvents';
import { approvalMetadata, META, promptDefinition, versionToAgent } from './agentServiceMapping';

/**
 * The name Foundry keys an agent by (letters, digits and hyphens, at most 63) made from the name the user typed; the
 * typed name, when it differs, is kept in the version's metadata and shown.
 */
export function agentNameFor(displayName: string): string {
  return displayName
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/**
 * The project's new agents, by name. Every save creates a version (nothing is overwritten), and the Agent we show is
 * the latest; older versions stay readable through versions() and version().
 */
export class VersionedAgents implements AgentRepository {
  get onDidChangeAgents() {
    return this.events.agentsChanged.event;
  }

  constructor(
    private readonly project: AIProjectClient,
    private readonly events: FoundryEvents,
    private readonly tools: Pick<ToolRegistry, 'get'>,
  ) {}

  /** Every agent of the project (the SDK follows the service's `last_id` cursor), by name. */
  async list(): Promise<Agent[]> {
    return callFoundry('list agents', async () => {
      const agents: Agent[] = [];
      for await (const agent of this.project.agents.list({ limit: 100, order: 'asc' })) agents.push(versionToAgent(agent.versions.latest));
      return agents.sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  async get(agentId: string): Promise<Agent> {
    const agent = await callFoundry('read the agent', () => this.project.agents.get(agentId));
    return versionToAgent(agent.versions.latest);
  }

  /** The versions of an agent, newest first. */
  async versions(agentId: string): Promise<Agent[]> {
    return callFoundry('list agent versions', async () => {
      const versions: Agent[] = [];
      for await (const version of this.project.agents.listVersions(agentId, { limit: 100, order: 'desc' }))
        versions.push(versionToAgent(version));
      return versions;
    });
  }

  /** One version of an agent, as it was saved. */
  async version(agentId: string, version: number): Promise<Agent> {
    return versionToAgent(await callFoundry('read the agent version', () => this.project.agents.getVersion(agentId, String(version))));
  }

  async create(input: AgentInput): Promise<Agent> {
    const display = input.name.trim();
    const name = agentNameFor(display);
    if (!name) throw new FoundryError('foundry_bad_request', `'${input.name}' cannot name a Foundry agent: use some letters or digits.`);
    const created = await this.saveVersion(name, {
      name: display,
      model: input.model,
      instructions: input.instructions ?? '',
      tools: input.tools ?? [],
      temperature: input.temperature ?? null,
      top_p: input.top_p ?? null,
      reasoning_effort: input.reasoning_effort ?? null,
      description: input.description ?? null,
      metadata: input.metadata ?? {},
      approval_policy: input.approval_policy ?? {},
    });
    this.events.agentsChanged.fire({ type: 'created', agentId: created.id });
    return created;
  }

  /** Saves the agent as a new version (the service keeps the earlier ones). */
  async update(agentId: string, update: AgentUpdate): Promise<Agent> {
    const current = await this.get(agentId);
    if (current.metadata[META.kind])
      throw new FoundryError(
        'foundry_bad_request',
        `'${agentId}' is a ${current.metadata[META.kind]} agent: Agent Threads shows it read-only. Edit it in the Foundry portal.`,
      );
    const merged = { ...current, ...update };
    const saved = await this.saveVersion(agentId, merged);
    this.events.agentsChanged.fire({ type: 'updated', agentId });
    return saved;
  }

  async delete(agentId: string): Promise<void> {
    await callFoundry('delete the agent', () => this.project.agents.delete(agentId));
    this.events.agentsChanged.fire({ type: 'deleted', agentId });
  }

  private async saveVersion(
    name: string,
    agent: Pick<
      Agent,
      | 'name'
      | 'model'
      | 'instructions'
      | 'tools'
      | 'temperature'
      | 'top_p'
      | 'reasoning_effort'
      | 'description'
      | 'metadata'
      | 'approval_policy'
    >,
  ): Promise<Agent> {
    const metadata: Metadata = { ...agent.metadata, [META.approval]: approvalMetadata(agent.approval_policy) };
    delete metadata[META.kind];
    delete metadata[META.displayName];
    // The agent's id is its Foundry name; a name the user typed differently is shown instead (renames change only it).
    if (agent.name !== name) metadata[META.displayName] = agent.name.slice(0, 512);
    const version: AgentVersion = await callFoundry('save the agent', () =>
      this.project.agents.createVersion(name, promptDefinition(agent, this.tools), {
        metadata,
        ...(agent.description ? { description: agent.description } : {}),
      }),
    );
    return versionToAgent(version);
  }
}
