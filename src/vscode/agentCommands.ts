import * as vscode from 'vscode';
import type { Agent, AgentInput, ApprovalPolicy } from '../core/domain';
import type { AgentStore } from '../core/store/agentStore';
import type { ToolRegistry } from '../core/tools/toolRegistry';
import type { AgentsTreeNode } from './agentsTreeProvider';
import type { ModelRegistry } from './modelRegistry';

export interface AgentCommandServices {
  agents: AgentStore;
  models: ModelRegistry;
  tools: ToolRegistry;
}

/** An agent id from a tree node, a plain id argument, or a quick pick when the palette gives neither. */
export async function pickAgent(agents: AgentStore, target?: AgentsTreeNode | string, title = 'Which agent?'): Promise<Agent | undefined> {
  if (typeof target === 'string') return agents.get(target);
  if (target?.kind === 'agent') return target.agent;
  if (target?.kind === 'thread' && target.agent) return target.agent;
  const list = await agents.list();
  if (list.length === 1) return list[0];
  const picked = await vscode.window.showQuickPick(
    list.map((agent) => ({ label: agent.name, description: agent.model.name, agent })),
    { title, placeHolder: list.length ? 'Pick an agent' : 'No agents yet' },
  );
  return picked?.agent;
}

async function pickModel(models: ModelRegistry, current?: Agent['model']): Promise<Agent['model'] | undefined> {
  const choices = models.choices();
  if (choices.length === 0) {
    const choice = await vscode.window.showWarningMessage('No model is configured yet. Configure one, then create the agent.', 'Configure Model');
    if (choice) await vscode.commands.executeCommand('agentThreads.configureModel');
    return undefined;
  }
  if (choices.length === 1 && !current) return { profile: choices[0].profile.id, name: choices[0].profile.model };
  const picked = await vscode.window.showQuickPick(
    choices.map((choice) => ({ label: choice.label, detail: choice.detail, picked: choice.profile.id === current?.profile, choice })),
    { title: 'Which model should the agent use?' },
  );
  return picked ? { profile: picked.choice.profile.id, name: picked.choice.profile.model } : undefined;
}

/** Creates an agent: from arguments (automation, tests) or by asking for a name, a model and instructions. */
export async function createAgent({ agents, models }: AgentCommandServices, input?: Partial<AgentInput>): Promise<Agent | undefined> {
  const name = input?.name ?? (await vscode.window.showInputBox({ title: 'New agent', prompt: 'Name of the agent', value: 'Assistant', validateInput: (t) => (t.trim() ? undefined : 'Enter a name.') }));
  if (!name) return undefined;
  const model = input?.model ?? (await pickModel(models));
  if (!model) return undefined;
  const instructions =
    input?.instructions ??
    (await vscode.window.showInputBox({ title: `Instructions for ${name}`, prompt: 'What should the agent do? (optional)', value: 'You are a helpful assistant working in the user\'s VS Code workspace.' }));
  if (instructions === undefined) return undefined;
  const agent = await agents.create({ ...input, name: name.trim(), model, instructions });
  vscode.window.setStatusBarMessage(`Agent "${agent.name}" created`, 3000);
  return agent;
}

type EditableField = 'name' | 'instructions' | 'model' | 'temperature' | 'top_p' | 'max_completion_tokens' | 'tools' | 'approvals';

/** Edits one setting of an agent at a time; each save makes a new version. */
export async function editAgent(services: AgentCommandServices, target?: AgentsTreeNode | string): Promise<void> {
  const agent = await pickAgent(services.agents, target, 'Edit which agent?');
  if (!agent) return;
  const fields: { label: string; description: string; field: EditableField }[] = [
    { label: 'Name', description: agent.name, field: 'name' },
    { label: 'Instructions', description: agent.instructions.slice(0, 60), field: 'instructions' },
    { label: 'Model', description: `${agent.model.profile} / ${agent.model.name}`, field: 'model' },
    { label: 'Temperature', description: String(agent.temperature ?? 'model default'), field: 'temperature' },
    { label: 'Top P', description: String(agent.top_p ?? 'model default'), field: 'top_p' },
    { label: 'Max completion tokens', description: String(agent.max_completion_tokens ?? 'no limit'), field: 'max_completion_tokens' },
    { label: 'Tools', description: agent.tools.map((t) => t.name).join(', ') || 'none', field: 'tools' },
    { label: 'Tool approvals', description: 'ask / auto / deny per tool', field: 'approvals' },
  ];
  const picked = await vscode.window.showQuickPick(fields, { title: `Edit ${agent.name} (version ${agent.version})` });
  if (!picked) return;
  const update = await askFieldUpdate(services, agent, picked.field);
  if (update) await services.agents.update(agent.id, update);
}

async function askNumber(title: string, current: number | null, min: number, max: number): Promise<number | null | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt: `A number from ${min} to ${max}; empty for the model's default`,
    value: current === null ? '' : String(current),
    validateInput: (t) => (t.trim() === '' || (Number(t) >= min && Number(t) <= max) ? undefined : `Enter a number from ${min} to ${max}.`),
  });
  if (text === undefined) return undefined;
  return text.trim() === '' ? null : Number(text);
}

async function askFieldUpdate({ models, tools }: AgentCommandServices, agent: Agent, field: EditableField): Promise<Partial<Agent> | undefined> {
  switch (field) {
    case 'name': {
      const name = await vscode.window.showInputBox({ title: 'Name', value: agent.name, validateInput: (t) => (t.trim() ? undefined : 'Enter a name.') });
      return name ? { name: name.trim() } : undefined;
    }
    case 'instructions': {
      const instructions = await vscode.window.showInputBox({ title: 'Instructions', value: agent.instructions });
      return instructions === undefined ? undefined : { instructions };
    }
    case 'model': {
      const model = await pickModel(models, agent.model);
      return model ? { model } : undefined;
    }
    case 'temperature': {
      const temperature = await askNumber('Temperature', agent.temperature, 0, 2);
      return temperature === undefined ? undefined : { temperature };
    }
    case 'top_p': {
      const top_p = await askNumber('Top P', agent.top_p, 0, 1);
      return top_p === undefined ? undefined : { top_p };
    }
    case 'max_completion_tokens': {
      const max = await askNumber('Max completion tokens', agent.max_completion_tokens, 1, 1_000_000);
      return max === undefined ? undefined : { max_completion_tokens: max === null ? null : Math.floor(max) };
    }
    case 'tools': {
      const enabled = new Set(agent.tools.map((t) => t.name));
      const picked = await vscode.window.showQuickPick(
        tools.list().map((tool) => ({ label: tool.name, detail: tool.description, description: tool.readOnly ? 'read-only' : 'changes things', picked: enabled.has(tool.name) })),
        { title: `Tools of ${agent.name}`, canPickMany: true },
      );
      return picked ? { tools: picked.map((p) => ({ name: p.label })) } : undefined;
    }
    case 'approvals': {
      const tool = await vscode.window.showQuickPick(
        agent.tools.map((t) => ({ label: t.name, description: agent.approval_policy[t.name] ?? 'default' })),
        { title: 'Approval policy of which tool?' },
      );
      if (!tool) return undefined;
      const policy = await vscode.window.showQuickPick(
        [
          { label: 'ask', detail: 'Pause the run until you approve each call' },
          { label: 'auto', detail: 'Run without asking (protected files are still never auto-approved)' },
          { label: 'deny', detail: 'Never run; the model is told the call was refused' },
        ],
        { title: `When ${agent.name} calls ${tool.label}` },
      );
      return policy ? { approval_policy: { ...agent.approval_policy, [tool.label]: policy.label as ApprovalPolicy } } : undefined;
    }
  }
}

/** Copies an agent as a new agent named "<name> (copy)". */
export async function duplicateAgent({ agents }: AgentCommandServices, target?: AgentsTreeNode | string): Promise<Agent | undefined> {
  const agent = await pickAgent(agents, target, 'Duplicate which agent?');
  if (!agent) return undefined;
  const { id: _id, object: _object, version: _version, created_at: _created, updated_at: _updated, ...settings } = agent;
  return agents.create({ ...settings, name: `${agent.name} (copy)` });
}

/** Deletes an agent after confirmation; its threads stay and can be opened or re-assigned. */
export async function deleteAgent({ agents }: AgentCommandServices, target?: AgentsTreeNode | string, confirmed = false): Promise<void> {
  const agent = await pickAgent(agents, target, 'Delete which agent?');
  if (!agent) return;
  if (!confirmed) {
    const answer = await vscode.window.showWarningMessage(`Delete agent "${agent.name}" and all its versions? Its threads are kept.`, { modal: true }, 'Delete');
    if (answer !== 'Delete') return;
  }
  await agents.delete(agent.id);
}
