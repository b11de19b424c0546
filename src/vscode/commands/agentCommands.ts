import * as vscode from 'vscode';
import type { Agent, AgentInput } from '../../core/domain';
import type { AgentRepository, BackendKind } from '../../core/backend';
import { FOUNDRY_PROFILE } from '../../core/backend/foundry/endpoint';
import { DEFAULT_AGENT_TOOLS } from '../../core/tools/toolNames';
import type { AgentsTreeNode } from '../views/agentsTreeProvider';
import type { ModelRegistry } from '../models/modelRegistry';
import { CommandId } from '../shared/commandIds';

export interface AgentCommandServices {
  agents: AgentRepository;
  models: ModelRegistry;
  /** Which backend new agents go to: a Foundry agent names a model deployment of the project, not a profile. */
  backendKind: () => BackendKind;
}

/** An agent id from a tree node, a plain id argument, or a quick pick when the palette gives neither. */
export async function pickAgent(
  agents: AgentRepository,
  target?: AgentsTreeNode | string,
  title = 'Which agent?',
): Promise<Agent | undefined> {
  if (typeof target === 'string') return agents.get(target);
  if (target?.kind === 'agent') return target.agent;
  if (target?.kind === 'thread' && target.agent) return target.agent;
  const list = await agents.list();
  if (list.length === 1) return list[0];
  const picked = await vscode.window.showQuickPick(
    list.map((agent) => ({ label: agent.name, description: agent.model.name, agent })),
    { title, placeHolder: list.length ? vscode.l10n.t('Pick an agent') : vscode.l10n.t('No agents yet') },
  );
  return picked?.agent;
}

async function pickModel(models: ModelRegistry, current?: Agent['model']): Promise<Agent['model'] | undefined> {
  const choices = models.choices();
  if (choices.length === 0) {
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('No model is configured yet. Configure one, then create the agent.'),
      vscode.l10n.t('Configure Model'),
    );
    if (choice) await vscode.commands.executeCommand(CommandId.configureModel);
    return undefined;
  }
  if (choices.length === 1 && !current) return { profile: choices[0].profile.id, name: choices[0].profile.model };
  const picked = await vscode.window.showQuickPick(
    choices.map((choice) => ({ label: choice.label, detail: choice.detail, picked: choice.profile.id === current?.profile, choice })),
    { title: vscode.l10n.t('Which model should the agent use?') },
  );
  return picked ? { profile: picked.choice.profile.id, name: picked.choice.profile.model } : undefined;
}

/** Creates an agent: from arguments (automation, tests) or by asking for a name, a model and instructions. */
async function pickDeployment(): Promise<Agent['model'] | undefined> {
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Which model deployment?'),
    prompt: vscode.l10n.t('The name of a model deployment in the Foundry project'),
    value: 'gpt-4o',
    validateInput: (t) => (t.trim() ? undefined : vscode.l10n.t('Enter a deployment name.')),
  });
  return name ? { profile: FOUNDRY_PROFILE, name: name.trim() } : undefined;
}

export async function createAgent(
  { agents, models, backendKind }: AgentCommandServices,
  input?: Partial<AgentInput>,
): Promise<Agent | undefined> {
  const name =
    input?.name ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('New agent'),
      prompt: vscode.l10n.t('Name of the agent'),
      value: 'Assistant',
      validateInput: (t) => (t.trim() ? undefined : vscode.l10n.t('Enter a name.')),
    }));
  if (!name) return undefined;
  const model = input?.model ?? (backendKind() === 'foundry' ? await pickDeployment() : await pickModel(models));
  if (!model) return undefined;
  const instructions =
    input?.instructions ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Instructions for {0}', name),
      prompt: vscode.l10n.t('What should the agent do? (optional)'),
      value: "You are a helpful assistant working in the user's VS Code workspace.",
    }));
  if (instructions === undefined) return undefined;
  // Without tools of its own a new agent can read the workspace (a "Code Helper" that cannot read code helps no one),
  // but changing files or running commands stays something a person turns on.
  const tools = DEFAULT_AGENT_TOOLS.map((tool) => ({ name: tool }));
  const agent = await agents.create({ tools, ...input, name: name.trim(), model, instructions });
  vscode.window.setStatusBarMessage(vscode.l10n.t('Agent "{0}" created', agent.name), 3000);
  return agent;
}

/** Copies an agent as a new agent named "<name> (copy)". */
export async function duplicateAgent({ agents }: AgentCommandServices, target?: AgentsTreeNode | string): Promise<Agent | undefined> {
  const agent = await pickAgent(agents, target, vscode.l10n.t('Duplicate which agent?'));
  if (!agent) return undefined;
  const { id: _id, object: _object, version: _version, created_at: _created, updated_at: _updated, ...settings } = agent;
  return agents.create({ ...settings, name: `${agent.name} (copy)` });
}

/** Deletes an agent after confirmation; its threads stay and can be opened or re-assigned. */
export async function deleteAgent({ agents }: AgentCommandServices, target?: AgentsTreeNode | string, confirmed = false): Promise<void> {
  const agent = await pickAgent(agents, target, vscode.l10n.t('Delete which agent?'));
  if (!agent) return;
  if (!confirmed) {
    const remove = vscode.l10n.t('Delete');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete agent "{0}" and all its versions? Its threads are kept.', agent.name),
      { modal: true },
      remove,
    );
    if (answer !== remove) return;
  }
  await agents.delete(agent.id);
}
