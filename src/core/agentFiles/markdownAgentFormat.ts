// `*.agent.md`: YAML front matter for the settings, the Markdown body for the instructions. Instructions are
// stored trimmed (leading blank lines and trailing whitespace are not significant in a Markdown file).

import { AgentFileError } from './agentFileErrors';
import { yamlPackage } from './yamlPackage';
import { type AgentDefinition, portableMetadata } from './agentDefinition';
import { CONTEXT_OVERFLOWS, REASONING_EFFORTS } from '../domain/agent';
import { FieldReader, parseModel, parseTools, parseTruncation } from './agentFields';

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)/;
const KNOWN = [
  'name',
  'description',
  'model',
  'tools',
  'temperature',
  'top_p',
  'reasoning_effort',
  'max_prompt_tokens',
  'max_completion_tokens',
  'truncation',
  'context_overflow',
  'metadata',
] as const;

/** Parses an `*.agent.md` file; errors name `file` and the problem. */
export function parseMarkdownAgent(text: string, file: string): AgentDefinition {
  const match = FRONT_MATTER.exec(text);
  if (!match)
    throw new AgentFileError(
      'invalid_agent_file',
      file,
      'missing YAML front matter: start the file with a line "---", the settings, and another "---"',
    );
  const fields = new FieldReader(file, yamlMapping(match[1], file, 'the front matter'));
  fields.rejectUnknown(KNOWN);
  return {
    name: fields.requiredString('name').trim(),
    description: fields.optionalString('description'),
    model: parseModel(fields),
    instructions: text
      .slice(match[0].length)
      .replace(/^(?:[ \t]*\r?\n)+/, '')
      .trimEnd(),
    ...parseTools(fields),
    temperature: fields.optionalNumber('temperature', 0, 2),
    top_p: fields.optionalNumber('top_p', 0, 1),
    ...optional('reasoning_effort', fields.optionalChoice('reasoning_effort', REASONING_EFFORTS)),
    max_prompt_tokens: fields.optionalTokens('max_prompt_tokens'),
    max_completion_tokens: fields.optionalTokens('max_completion_tokens'),
    truncation_strategy: parseTruncation(fields),
    ...optional('context_overflow', fields.optionalChoice('context_overflow', CONTEXT_OVERFLOWS)),
    metadata: fields.metadata(),
  };
}

/** The `*.agent.md` text for an agent; settings left at their defaults are omitted to keep the file short. */
export function serializeMarkdownAgent(agent: AgentDefinition): string {
  const front: Record<string, unknown> = { name: agent.name };
  if (agent.description) front.description = agent.description;
  front.model = `${agent.model.profile}/${agent.model.name}`;
  if (agent.tools.length) {
    front.tools = agent.tools.map((tool) =>
      agent.approval_policy[tool.name] ? { name: tool.name, approval: agent.approval_policy[tool.name] } : tool.name,
    );
  }
  if (agent.temperature !== null) front.temperature = agent.temperature;
  if (agent.top_p !== null) front.top_p = agent.top_p;
  if (agent.reasoning_effort) front.reasoning_effort = agent.reasoning_effort;
  if (agent.max_prompt_tokens !== null) front.max_prompt_tokens = agent.max_prompt_tokens;
  if (agent.max_completion_tokens !== null) front.max_completion_tokens = agent.max_completion_tokens;
  if (agent.truncation_strategy.type === 'last_messages') front.truncation = { last_messages: agent.truncation_strategy.last_messages };
  if (agent.context_overflow === 'compact') front.context_overflow = agent.context_overflow;
  const metadata = portableMetadata(agent.metadata);
  if (Object.keys(metadata).length) front.metadata = metadata;
  const instructions = agent.instructions.trim();
  return `---\n${yamlPackage().stringify(front)}---\n${instructions ? `\n${instructions}\n` : ''}`;
}

/** `{key: value}` when the file sets the field, else nothing: files that leave it out stay as they were. */
function optional<K extends string, V>(key: K, value: V | null): { [P in K]?: V } {
  return value === null ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** Parses YAML that must be a mapping, turning syntax errors into a file error with the line. */
export function yamlMapping(text: string, file: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = yamlPackage().parse(text);
  } catch (error) {
    throw new AgentFileError(
      'invalid_agent_file',
      file,
      `${what} is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AgentFileError('invalid_agent_file', file, `${what} must be a YAML mapping of settings (name: …, model: …)`);
  }
  return value as Record<string, unknown>;
}
