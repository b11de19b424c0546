import { AgentFileError } from './agentFileErrors';
import type { AgentDefinition } from './agentDefinition';
import { parseFoundryAgent, serializeFoundryAgent } from './foundryAgentFormat';
import { parseMarkdownAgent, serializeMarkdownAgent } from './markdownAgentFormat';

/** The two agent file formats: Markdown with front matter, and Foundry-style YAML. */
export type AgentFileKind = 'markdown' | 'foundry-yaml';

/** The format a file name says, or undefined when it is not an agent file. */
export function agentFileKind(fileName: string): AgentFileKind | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.agent.md')) return 'markdown';
  if (lower.endsWith('.agent.yaml') || lower.endsWith('.agent.yml')) return 'foundry-yaml';
  return undefined;
}

/** Parses an agent file by its name's format; errors name `file`. */
export function parseAgentFile(file: string, text: string): AgentDefinition {
  const kind = agentFileKind(file);
  if (kind === 'markdown') return parseMarkdownAgent(text, file);
  if (kind === 'foundry-yaml') return parseFoundryAgent(text, file);
  throw new AgentFileError('unsupported_agent_file', file, 'agent files must end in .agent.md, .agent.yaml or .agent.yml');
}

/** The file text for an agent in the given format. */
export function serializeAgentFile(kind: AgentFileKind, agent: AgentDefinition): string {
  return kind === 'markdown' ? serializeMarkdownAgent(agent) : serializeFoundryAgent(agent);
}

/** A file name for an agent: its name in lower-case words joined by dashes, e.g. "Code Reviewer" → code-reviewer.agent.md. */
export function agentFileName(name: string, kind: AgentFileKind = 'markdown'): string {
  const stem =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'agent';
  return `${stem}${kind === 'markdown' ? '.agent.md' : '.agent.yaml'}`;
}
