// What a chat request to the agents participant asks for, which agent a name means, and what a chat session has
// chosen so far. Pure functions: the VS Code adapter passes plain values in, so all of this is unit-testable.

import type { Agent } from '../domain/agent';

/** The slash commands the participant offers (package.json `chatParticipants[].commands` lists the same names). */
export const CHAT_COMMANDS = { use: 'use', agents: 'agents', new: 'new' } as const;

export type ChatIntent =
  { kind: 'use'; name: string } | { kind: 'listAgents' } | { kind: 'newThread'; prompt: string } | { kind: 'ask'; prompt: string };

/** What a request asks for, from its slash command (if any) and prompt; `/use x` typed as text counts too. */
export function chatIntentOf(command: string | undefined, prompt: string): ChatIntent {
  const typed = /^\/(use|agents|new)\b\s*([\s\S]*)$/.exec(prompt.trim());
  const name = command ?? typed?.[1];
  const rest = (command ? prompt : (typed?.[2] ?? prompt)).trim();
  if (name === CHAT_COMMANDS.use) return { kind: 'use', name: rest };
  if (name === CHAT_COMMANDS.agents) return { kind: 'listAgents' };
  if (name === CHAT_COMMANDS.new) return { kind: 'newThread', prompt: rest };
  return { kind: 'ask', prompt: prompt.trim() };
}

export type AgentMatch = { agent: Agent } | { problem: string };

/** The agent `name` means: its exact name or id (any case), else the only agent whose name starts with or contains it. */
export function findAgentByName(agents: readonly Agent[], name: string): AgentMatch {
  const wanted = name.trim().toLowerCase();
  if (!wanted) return { problem: `Name an agent: ${agentList(agents)}.` };
  const exact = agents.filter((agent) => agent.name.toLowerCase() === wanted || agent.id.toLowerCase() === wanted);
  const close = exact.length ? exact : agents.filter((agent) => agent.name.toLowerCase().startsWith(wanted));
  const loose = close.length ? close : agents.filter((agent) => agent.name.toLowerCase().includes(wanted));
  if (loose.length === 1) return { agent: loose[0] };
  if (!loose.length) return { problem: `No agent is called "${name.trim()}". Agents: ${agentList(agents)}.` };
  return { problem: `"${name.trim()}" could mean ${agentList(loose)}; type more of the name.` };
}

function agentList(agents: readonly Agent[]): string {
  return agents.length ? agents.map((agent) => `**${agent.name}**`).join(', ') : 'none yet (create one in the Agent Threads view)';
}

/**
 * What a chat session has chosen, stored in each result's metadata and read back from the session's history. Null
 * means "none": JSON keeps it (undefined would vanish), so a newer "no thread yet" outranks an older thread.
 */
export interface ChatSessionChoice {
  agentId: string | null;
  threadId: string | null;
}

/** The session's latest choice: the newest result metadata that carries one; none when the session is new. */
export function sessionChoiceOf(resultMetadata: readonly unknown[]): ChatSessionChoice {
  for (let i = resultMetadata.length - 1; i >= 0; i--) {
    const metadata = resultMetadata[i] as Partial<Record<keyof ChatSessionChoice, unknown>> | undefined;
    if (!metadata || typeof metadata !== 'object' || !('agentId' in metadata)) continue;
    return {
      agentId: typeof metadata.agentId === 'string' ? metadata.agentId : null,
      threadId: typeof metadata.threadId === 'string' ? metadata.threadId : null,
    };
  }
  return { agentId: null, threadId: null };
}
