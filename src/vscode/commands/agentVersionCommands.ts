// The saved versions of an agent (Foundry's new agents keep every save): view one read-only, compare two in VS Code's
// diff editor, or start a thread that runs on a chosen version rather than the latest.

import * as vscode from 'vscode';
import { PINNED_AGENT_VERSION_KEY, type AgentRepository, type ThreadRepository } from '../../core/backend';
import type { Agent, Thread } from '../../core/domain';
import type { AgentsTreeNode } from '../views/agentsTreeProvider';
import { agentVersionUri } from '../views/agentVersionDocuments';
import type { ThreadPanels } from '../views/threadPanels';
import { relativeTime } from '../views/relativeTime';
import { pickAgent } from './agentCommands';

export interface AgentVersionCommandServices {
  agents: AgentRepository;
  threads: ThreadRepository;
  panels: ThreadPanels;
}

type Target = AgentsTreeNode | string | undefined;

interface ChosenVersion {
  agent: Agent;
  version: number;
}

/** Opens a saved version as a read-only document. */
export async function viewAgentVersion(s: AgentVersionCommandServices, target: Target, version?: number): Promise<vscode.Uri | undefined> {
  const chosen = await chooseVersion(s, target, version, vscode.l10n.t('View which version?'));
  if (!chosen) return undefined;
  const uri = agentVersionUri(chosen.agent, chosen.version);
  await vscode.window.showTextDocument(uri, { preview: true });
  return uri;
}

/**
 * Compares two saved versions in the diff editor, the older on the left. From a version it compares that version
 * with the latest (or, from the latest, asks which to compare it with).
 */
export async function compareAgentVersions(
  s: AgentVersionCommandServices,
  target: Target,
  left?: number,
  right?: number,
): Promise<boolean> {
  const first = await chooseVersion(s, target, left, vscode.l10n.t('Compare which version?'));
  if (!first) return false;
  let second = right;
  // The latest version as the service has it now: the tree's node may predate a version saved elsewhere since.
  const latest = second === undefined ? await latestVersion(s, first.agent) : undefined;
  if (second === undefined && latest !== undefined && first.version !== latest) second = latest;
  second ??= (await pickVersion(s, first.agent, vscode.l10n.t('Compare version {0} with which?', first.version), first.version))?.version;
  if (second === undefined) return false;
  const [older, newer] = first.version < second ? [first.version, second] : [second, first.version];
  await vscode.commands.executeCommand(
    'vscode.diff',
    agentVersionUri(first.agent, older),
    agentVersionUri(first.agent, newer),
    vscode.l10n.t('{0}: version {1} ↔ version {2}', first.agent.name, older, newer),
    { preview: true },
  );
  return true;
}

/** The agent's newest version number, read again (the agent as the caller has it otherwise). */
async function latestVersion(s: AgentVersionCommandServices, agent: Agent): Promise<number | undefined> {
  const versions = s.agents.versions ? await s.agents.versions(agent.id).catch(() => undefined) : undefined;
  return versions?.length ? Math.max(...versions.map((v) => v.version)) : agent.version;
}

/** Starts a thread that runs on the chosen version (its runs record it), and opens it. */
export async function newThreadOnAgentVersion(
  s: AgentVersionCommandServices,
  target: Target,
  version?: number,
): Promise<Thread | undefined> {
  const chosen = await chooseVersion(s, target, version, vscode.l10n.t('Start a thread on which version?'));
  if (!chosen) return undefined;
  const thread = await s.threads.create({
    agent_id: chosen.agent.id,
    metadata: { [PINNED_AGENT_VERSION_KEY]: String(chosen.version) },
  });
  await s.panels.open(thread.id);
  return thread;
}

/** A version from a version node of the tree, or an agent (node or id) and a version number, or quick picks. */
async function chooseVersion(
  s: AgentVersionCommandServices,
  target: Target,
  version: number | undefined,
  title: string,
): Promise<ChosenVersion | undefined> {
  if (typeof target === 'object' && target.kind === 'agentVersion') return { agent: target.agent, version: target.version.version };
  const agentTarget = typeof target === 'object' && target.kind === 'agentVersions' ? target.agent.id : target;
  const agent = await pickAgent(s.agents, agentTarget, vscode.l10n.t('Which agent?'));
  if (!agent) return undefined;
  if (version !== undefined) return { agent, version };
  const picked = await pickVersion(s, agent, title);
  return picked && { agent, version: picked.version };
}

async function pickVersion(s: AgentVersionCommandServices, agent: Agent, title: string, except?: number): Promise<Agent | undefined> {
  if (!s.agents.versions) throw new Error(vscode.l10n.t('This backend keeps only the latest version of an agent.'));
  const versions = (await s.agents.versions(agent.id)).filter((v) => v.version !== except);
  const picked = await vscode.window.showQuickPick(
    versions.map((v) => ({
      label: vscode.l10n.t('Version {0}', v.version),
      description:
        v.version === agent.version
          ? vscode.l10n.t('latest · {0}', relativeTime(v.updated_at || v.created_at))
          : relativeTime(v.updated_at || v.created_at),
      version: v,
    })),
    { title, placeHolder: vscode.l10n.t('Versions of "{0}", newest first', agent.name) },
  );
  return picked?.version;
}
