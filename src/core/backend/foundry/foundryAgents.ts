import type { Agent as FoundryAgent, AgentsClient, FunctionToolDefinition } from '@azure/ai-agents';
import type { Agent, AgentInput, AgentUpdate } from '../../domain/agent';
import type { ToolRegistry } from '../../tools/toolRegistry';
import type { AgentRepository } from '../backend';
import { callFoundry } from './foundryErrors';
import { firstPage, type FoundryEvents } from './foundryEvents';
import { approvalMetadata, META, toAgent } from './foundryMapping';

/** The project's agents. Their tools are our workspace tools declared as function tools, run here when called. */
export class FoundryAgents implements AgentRepository {
  get onDidChangeAgents() {
    return this.events.agentsChanged.event;
  }

  constructor(
    private readonly client: AgentsClient,
    private readonly events: FoundryEvents,
    private readonly tools: Pick<ToolRegistry, 'get'>,
  ) {}

  /** Every agent of the project, a page of 100 at a time. */
  async list(): Promise<Agent[]> {
    const agents: Agent[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await callFoundry('list agents', () => firstPage(this.client.listAgents({ limit: 100, order: 'asc', after })));
      agents.push(...page.map(toAgent));
      if (page.length < 100) return agents.sort((a, b) => a.name.localeCompare(b.name));
      after = page.at(-1)!.id;
    }
  }

  async get(agentId: string): Promise<Agent> {
    return toAgent(await this.assistant(agentId));
  }

  /** The assistant as the service keeps it, with what our Agent has no room for (other tools, files, format). */
  assistant(agentId: string): Promise<FoundryAgent> {
    return callFoundry('read the agent', () => this.client.getAgent(agentId));
  }

  async create(input: AgentInput): Promise<Agent> {
    if (!input.name.trim()) throw new Error('An agent needs a name.');
    const agent = await callFoundry('create the agent', () =>
      this.client.createAgent(input.model.name, {
        name: input.name,
        description: input.description ?? null,
        instructions: input.instructions ?? '',
        tools: this.functionTools((input.tools ?? []).map((tool) => tool.name)),
        temperature: input.temperature ?? undefined,
        topP: input.top_p ?? undefined,
        metadata: { ...(input.metadata ?? {}), [META.approval]: approvalMetadata(input.approval_policy ?? {}) },
      }),
    );
    this.events.agentsChanged.fire({ type: 'created', agentId: agent.id });
    return toAgent(agent);
  }

  async update(agentId: string, update: AgentUpdate): Promise<Agent> {
    const current = await this.get(agentId);
    const merged = { ...current, ...update };
    const agent = await callFoundry('update the agent', () =>
      this.client.updateAgent(agentId, {
        model: merged.model.name,
        name: merged.name,
        description: merged.description,
        instructions: merged.instructions,
        tools: this.functionTools(merged.tools.map((tool) => tool.name)),
        temperature: merged.temperature ?? undefined,
        topP: merged.top_p ?? undefined,
        metadata: { ...merged.metadata, [META.approval]: approvalMetadata(merged.approval_policy) },
      }),
    );
    this.events.agentsChanged.fire({ type: 'updated', agentId });
    return toAgent(agent);
  }

  async delete(agentId: string): Promise<void> {
    await callFoundry('delete the agent', () => this.client.deleteAgent(agentId));
    this.events.agentsChanged.fire({ type: 'deleted', agentId });
  }

  /** Our tools as Foundry function tools, so the service's model can ask for them (unknown names are dropped). */
  private functionTools(names: string[]): FunctionToolDefinition[] {
    return names.flatMap((name) => {
      const tool = this.tools.get(name);
      return tool
        ? [{ type: 'function' as const, function: { name: tool.name, description: tool.description, parameters: tool.parameters } }]
        : [];
    });
  }
}
