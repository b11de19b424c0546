// Upgrade Classic Agent: a classic assistant becomes the first version of a new (versioned) prompt agent of the same
// project. What a prompt agent of ours cannot hold is named, never dropped silently: service-side tools with their
// files (code interpreter, file search: the portal configures those for new agents), function tools that are not
// workspace tools, a response format, and the classic threads (Move Thread copies those one by one).

import type { Agent as ClassicAssistant } from '@azure/ai-agents';
import type { Agent } from '../../domain/agent';
import type { ToolRegistry } from '../../tools/toolRegistry';
import type { Backend } from '../backend';
import { FoundryAgentsBackend } from './agentService/foundryAgentsBackend';
import { agentNameFor } from './agentService/versionedAgents';
import { FoundryBackend } from './foundryBackend';
import { FoundryError } from './foundryErrors';
import { toAgent } from './foundryMapping';

/** Metadata of the new agent's first version: the classic assistant it was made from. */
export const UPGRADED_FROM_KEY = 'upgraded_from';

export interface ClassicUpgrade {
  agent: Agent;
  /** One line per thing the new agent does not have, for the user to redo by hand (empty when nothing was lost). */
  notCarried: string[];
}

/** What of `assistant` a new prompt agent here cannot carry, in words. */
export function notCarriedOver(assistant: ClassicAssistant, tools: Pick<ToolRegistry, 'get'>): string[] {
  const lost: string[] = [];
  for (const tool of assistant.tools ?? []) {
    if (tool.type !== 'function') lost.push(`the ${tool.type} tool (add it to the new agent in the Foundry portal)`);
    else {
      const name = (tool as { function?: { name?: string } }).function?.name ?? '';
      if (!tools.get(name)) lost.push(`the function tool '${name}', which is not a workspace tool of Agent Threads`);
    }
  }
  const resources = assistant.toolResources;
  if (resources?.codeInterpreter?.fileIds?.length) lost.push(`${resources.codeInterpreter.fileIds.length} code interpreter file(s)`);
  if (resources?.fileSearch?.vectorStoreIds?.length) lost.push(`${resources.fileSearch.vectorStoreIds.length} file search vector store(s)`);
  const format = assistant.responseFormat;
  if (format && format !== 'auto' && !(typeof format === 'object' && 'type' in format && format.type === 'text'))
    lost.push('the response format (set it per response in Foundry)');
  return lost;
}

/**
 * Creates a new agent from the classic assistant `assistantId` of `classic` in `target` (the same project's new
 * agents): name, description, model, instructions, sampling, workspace tools and their approval policies, metadata.
 * An existing new agent of the same name is never given an extra version by this: the upgrade is refused instead.
 */
export async function upgradeClassicAgent(
  classic: Backend,
  target: Backend,
  assistantId: string,
  tools: Pick<ToolRegistry, 'get'>,
): Promise<ClassicUpgrade> {
  if (!(classic instanceof FoundryBackend) || !(target instanceof FoundryAgentsBackend))
    throw new Error('Upgrade Classic Agent needs a Foundry project with classic agents and the new agents API.');
  const assistant = await classic.agents.assistant(assistantId);
  const source = toAgent(assistant);
  const name = agentNameFor(source.name);
  if ((await target.agents.list()).some((agent) => agent.id === name))
    throw new FoundryError(
      'foundry_conflict',
      `A new agent named '${name}' exists already, so '${source.name}' was not upgraded (that would add a version to it). Rename one of them and try again.`,
    );
  const agent = await target.agents.create({
    name: source.name,
    description: source.description,
    model: source.model,
    instructions: source.instructions,
    tools: source.tools.filter((tool) => tools.get(tool.name)),
    approval_policy: source.approval_policy,
    temperature: source.temperature,
    top_p: source.top_p,
    metadata: { ...source.metadata, [UPGRADED_FROM_KEY]: assistant.id },
  });
  return { agent, notCarried: notCarriedOver(assistant, tools) };
}
