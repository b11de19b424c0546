import type { AgentOption } from '../../src/protocol/threadView';
import { toolLabel } from './toolCards';
import * as l10n from '@vscode/l10n';

/**
 * What the agent picker says about an agent at a glance: its model and how many tools it may call in each option of
 * the list ("fake-model · 7 tools"), and the tools by name in the picker's tooltip. The picker's own label stays the
 * agent's name alone, so that it keeps fitting a narrow sidebar.
 */
export function agentDescription(agent: AgentOption): string {
  // "7 tools" stays on one line when the list is too narrow for the whole description.
  return l10n.t('{0} · {1}', agent.model, toolCount(agent.tools.length).replace(/ /g, '\u00a0'));
}

export function agentTooltip(agent: AgentOption): string {
  const tools = agent.tools.length > 0 ? l10n.t('Tools: {0}', agent.tools.map(toolLabel).join(', ')) : l10n.t('No tools');
  return `${agent.name} · ${agent.model}\n${tools}`;
}

function toolCount(count: number): string {
  if (count === 0) return l10n.t('no tools');
  return count === 1 ? l10n.t('1 tool') : l10n.t('{0} tools', count.toLocaleString());
}
