// `*.agent.yaml`: the Azure AI Foundry agent definition shape (name, description, model, instructions,
// tools: [{type: function, function: {name}}], temperature, top_p, metadata). Foundry has no model profiles, so a
// model without a profile is read with the default profile, and one with another profile is written "profile/name".
// Settings Foundry keeps per run (max tokens, truncation_strategy) and a tool's `approval` are accepted as extras;
// `reasoning: {effort}` is a prompt agent's own.
// Other keys a Foundry export carries (id, object, created_at, tool_resources, ...) are ignored.

import { REASONING_EFFORTS, type AgentTool, type ApprovalPolicy, type ReasoningEffort, type TruncationStrategy } from '../domain/agent';
import { type AgentDefinition, portableMetadata } from './agentDefinition';
import { FieldReader, parseModel } from './agentFields';
import { yamlMapping } from './markdownAgentFormat';
import { yamlPackage } from './yamlPackage';

/** The profile a Foundry model id without "profile/" is read with. */
export const DEFAULT_FOUNDRY_PROFILE = 'azure';

/** Parses an `*.agent.yaml` (Foundry) file; errors name `file` and the problem. */
export function parseFoundryAgent(text: string, file: string, defaultProfile = DEFAULT_FOUNDRY_PROFILE): AgentDefinition {
  const fields = new FieldReader(file, yamlMapping(text, file, 'the file'));
  const raw = fields.raw('model');
  const model =
    typeof raw === 'string' && raw.trim() ? raw : fields.fail('"model" is required: the model or deployment name, for example gpt-4o');
  const truncation = fields.raw('truncation_strategy');
  return {
    name: fields.requiredString('name').trim(),
    description: fields.optionalString('description'),
    model: model.includes('/') ? parseModel(fields) : { profile: defaultProfile, name: model.trim() },
    instructions: (fields.optionalString('instructions') ?? '').trim(),
    ...foundryTools(fields),
    temperature: fields.optionalNumber('temperature', 0, 2),
    top_p: fields.optionalNumber('top_p', 0, 1),
    ...foundryReasoning(fields),
    max_prompt_tokens: fields.optionalTokens('max_prompt_tokens'),
    max_completion_tokens: fields.optionalTokens('max_completion_tokens'),
    truncation_strategy: truncation === undefined || truncation === null ? { type: 'auto' } : foundryTruncation(fields, truncation),
    metadata: fields.metadata(),
  };
}

/** The Foundry YAML text for an agent. */
export function serializeFoundryAgent(agent: AgentDefinition, defaultProfile = DEFAULT_FOUNDRY_PROFILE): string {
  const doc: Record<string, unknown> = { name: agent.name };
  if (agent.description) doc.description = agent.description;
  doc.model = agent.model.profile === defaultProfile ? agent.model.name : `${agent.model.profile}/${agent.model.name}`;
  doc.instructions = agent.instructions;
  if (agent.tools.length) {
    doc.tools = agent.tools.map((tool) => {
      const approval = agent.approval_policy[tool.name];
      return { type: 'function', function: { name: tool.name }, ...(approval ? { approval } : {}) };
    });
  }
  if (agent.temperature !== null) doc.temperature = agent.temperature;
  if (agent.top_p !== null) doc.top_p = agent.top_p;
  if (agent.reasoning_effort) doc.reasoning = { effort: agent.reasoning_effort };
  if (agent.max_prompt_tokens !== null) doc.max_prompt_tokens = agent.max_prompt_tokens;
  if (agent.max_completion_tokens !== null) doc.max_completion_tokens = agent.max_completion_tokens;
  if (agent.truncation_strategy.type === 'last_messages') doc.truncation_strategy = agent.truncation_strategy;
  const metadata = portableMetadata(agent.metadata);
  if (Object.keys(metadata).length) doc.metadata = metadata;
  return yamlPackage().stringify(doc);
}

function foundryTools(fields: FieldReader): { tools: AgentTool[]; approval_policy: Record<string, ApprovalPolicy> } {
  const tools: AgentTool[] = [];
  const approval_policy: Record<string, ApprovalPolicy> = {};
  const value = fields.raw('tools');
  if (value === undefined || value === null) return { tools, approval_policy };
  if (!Array.isArray(value)) fields.fail('"tools" must be a list of {type: function, function: {name}}');
  value.forEach((entry: unknown, i) => {
    const tool = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (tool.type !== 'function')
      fields.fail(`tools[${i}] has type ${JSON.stringify(tool.type)}; only function tools (registered workspace tools) are supported`);
    const name = (tool.function as Record<string, unknown> | undefined)?.name;
    if (typeof name !== 'string' || !name) fields.fail(`tools[${i}].function.name is required`);
    tools.push({ name });
    const approval = tool.approval;
    if (approval === undefined) return;
    if (approval !== 'ask' && approval !== 'auto' && approval !== 'deny') fields.fail(`tools[${i}].approval must be ask, auto or deny`);
    approval_policy[name] = approval;
  });
  return { tools, approval_policy };
}

/** `reasoning: {effort: low}`, as a Foundry prompt agent carries it; absent when the file sets none. */
function foundryReasoning(fields: FieldReader): { reasoning_effort?: ReasoningEffort } {
  const value = fields.raw('reasoning');
  if (value === undefined || value === null) return {};
  const effort = (typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}).effort;
  if (effort === undefined || effort === null) return {};
  if (!REASONING_EFFORTS.includes(effort as ReasoningEffort))
    fields.fail(`"reasoning.effort" must be one of ${REASONING_EFFORTS.join(', ')} (got ${JSON.stringify(effort)})`);
  return { reasoning_effort: effort as ReasoningEffort };
}

function foundryTruncation(fields: FieldReader, value: unknown): TruncationStrategy {
  const strategy = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (strategy.type === 'auto') return { type: 'auto' };
  const n = strategy.last_messages;
  if (strategy.type === 'last_messages' && typeof n === 'number' && Number.isInteger(n) && n >= 1)
    return { type: 'last_messages', last_messages: n };
  return fields.fail('"truncation_strategy" must be {type: auto} or {type: last_messages, last_messages: 1 or more}');
}
