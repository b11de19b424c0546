import { CONTEXT_OVERFLOWS, REASONING_EFFORTS, type Agent } from '../domain/agent';
import { StoreError } from '../domain/errors';

function invalid(reason: string): never {
  throw new StoreError('invalid_agent', `Invalid agent: ${reason}.`);
}

function checkTokenLimit(name: string, value: number | null): void {
  if (value !== null && (!Number.isInteger(value) || value < 0))
    invalid(`${name} must be a whole number of tokens, 0 or more (got ${value})`);
}

/** Throws StoreError `invalid_agent` naming the first problem with `agent`; `knownTools` are the registered tool names. */
export function validateAgent(agent: Agent, knownTools: ReadonlySet<string>): void {
  if (typeof agent.name !== 'string' || !agent.name.trim()) invalid('the name must not be empty');
  if (
    !agent.model ||
    typeof agent.model.profile !== 'string' ||
    !agent.model.profile ||
    typeof agent.model.name !== 'string' ||
    !agent.model.name
  ) {
    invalid('choose a model profile and a model or deployment name');
  }
  if (typeof agent.instructions !== 'string') invalid('instructions must be text');
  if (!Array.isArray(agent.tools)) invalid('tools must be a list');
  for (const tool of agent.tools) {
    if (!knownTools.has(tool?.name))
      invalid(`unknown tool ${JSON.stringify(tool?.name)}; known tools are ${[...knownTools].join(', ') || 'none'}`);
  }
  for (const [tool, policy] of Object.entries(agent.approval_policy)) {
    if (!knownTools.has(tool)) invalid(`approval policy names unknown tool ${JSON.stringify(tool)}`);
    if (policy !== 'ask' && policy !== 'auto' && policy !== 'deny') invalid(`approval policy for ${tool} must be ask, auto or deny`);
  }
  if (agent.temperature !== null && !(typeof agent.temperature === 'number' && agent.temperature >= 0 && agent.temperature <= 2)) {
    invalid(`temperature must be between 0 and 2 (got ${agent.temperature})`);
  }
  if (agent.top_p !== null && !(typeof agent.top_p === 'number' && agent.top_p >= 0 && agent.top_p <= 1)) {
    invalid(`top_p must be between 0 and 1 (got ${agent.top_p})`);
  }
  if (agent.reasoning_effort != null && !REASONING_EFFORTS.includes(agent.reasoning_effort)) {
    invalid(`reasoning_effort must be one of ${REASONING_EFFORTS.join(', ')} (got ${JSON.stringify(agent.reasoning_effort)})`);
  }
  checkTokenLimit('max_prompt_tokens', agent.max_prompt_tokens);
  checkTokenLimit('max_completion_tokens', agent.max_completion_tokens);
  const truncation = agent.truncation_strategy;
  const validTruncation =
    truncation?.type === 'auto' ||
    (truncation?.type === 'last_messages' && Number.isInteger(truncation.last_messages) && truncation.last_messages >= 1);
  if (!validTruncation) invalid(`truncation_strategy must be {type:'auto'} or {type:'last_messages', last_messages: 1 or more}`);
  if (agent.context_overflow != null && !CONTEXT_OVERFLOWS.includes(agent.context_overflow))
    invalid(`context_overflow must be one of ${CONTEXT_OVERFLOWS.join(', ')} (got ${JSON.stringify(agent.context_overflow)})`);
  const format = agent.response_format;
  if (format !== 'auto' && !['text', 'json_object', 'json_schema'].includes(format?.type))
    invalid('response_format must be auto, text, json_object or json_schema');
}
