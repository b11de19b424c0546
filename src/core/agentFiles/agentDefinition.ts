import type { Agent } from '../domain/agent';

/** The agent settings an agent file holds: everything a user writes, nothing the store assigns (id, version, times). */
export type AgentDefinition = Pick<
  Agent,
  | 'name'
  | 'description'
  | 'model'
  | 'instructions'
  | 'tools'
  | 'approval_policy'
  | 'temperature'
  | 'top_p'
  | 'reasoning_effort'
  | 'max_prompt_tokens'
  | 'max_completion_tokens'
  | 'truncation_strategy'
  | 'context_overflow'
  | 'metadata'
>;

/** Metadata keys the file source adds to file agents; export leaves them out so they never end up in a file. */
export const FILE_SOURCE_KEYS = ['source', 'source_path'] as const;

/** The metadata worth writing to a file: without the keys the file source adds. */
export function portableMetadata(metadata: Agent['metadata']): Agent['metadata'] {
  const out = { ...metadata };
  for (const key of FILE_SOURCE_KEYS) delete out[key];
  return out;
}
