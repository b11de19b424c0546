// The agent as the agent editor's form shows it, and back: the one place that maps between the store's agent and
// the form of src/protocol/agentEditor.ts.

import type { Agent, AgentUpdate } from '../../core/domain';
import type { AgentForm } from '../../protocol/agentEditor';

/** The agent's settings as the form shows them. */
export function toAgentForm(agent: Agent): AgentForm {
  return {
    name: agent.name,
    modelProfile: agent.model.profile,
    modelName: agent.model.name,
    instructions: agent.instructions,
    tools: agent.tools.map((t) => t.name),
    approvals: { ...agent.approval_policy },
    temperature: agent.temperature,
    top_p: agent.top_p,
    reasoning_effort: agent.reasoning_effort ?? null,
    max_prompt_tokens: agent.max_prompt_tokens,
    max_completion_tokens: agent.max_completion_tokens,
    lastMessages: agent.truncation_strategy.type === 'last_messages' ? agent.truncation_strategy.last_messages : null,
    contextOverflow: agent.context_overflow ?? 'drop_oldest',
  };
}

/** The form as an agent update; the store validates it and says what is wrong. */
export function fromAgentForm(form: AgentForm): AgentUpdate {
  return {
    name: form.name,
    model: { profile: form.modelProfile, name: form.modelName },
    instructions: form.instructions,
    tools: form.tools.map((name) => ({ name })),
    approval_policy: Object.fromEntries(Object.entries(form.approvals).filter(([tool]) => form.tools.includes(tool))),
    temperature: form.temperature,
    top_p: form.top_p,
    reasoning_effort: form.reasoning_effort,
    max_prompt_tokens: form.max_prompt_tokens,
    max_completion_tokens: form.max_completion_tokens,
    truncation_strategy: form.lastMessages === null ? { type: 'auto' } : { type: 'last_messages', last_messages: form.lastMessages },
    context_overflow: form.contextOverflow,
  };
}
