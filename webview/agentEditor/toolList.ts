// The agent editor's tool list: one row per tool, in a grid of three columns (checkbox, name with a one-line
// description, approval) so a long name wraps inside its column instead of running under the approval dropdown.

import type { AgentForm, AgentToolOption, ApprovalPolicyView } from '../../src/protocol/agentEditor';
import { component, el } from '../app/dom';
import * as l10n from '@vscode/l10n';

type Checkbox = HTMLElement & { checked: boolean };
type Select = HTMLElement & { value: string };

const APPROVAL_LABELS: Record<ApprovalPolicyView, string> = { ask: 'Ask me', auto: 'Run without asking', deny: 'Never run' };

/** The approval a tool has when the agent names none: read-only tools run, others ask. */
function defaultApproval(tool: AgentToolOption): ApprovalPolicyView {
  return tool.readOnly ? 'auto' : 'ask';
}

/** Builds the list; `onChange(field)` is called when a person ticks a tool or picks an approval. */
export function toolList(tools: readonly AgentToolOption[], onChange: (field: string) => void): HTMLElement {
  const list = el('div', 'tool-list');
  list.setAttribute('role', 'group');
  list.setAttribute('aria-label', l10n.t('Tools'));
  for (const tool of tools) {
    const enabled = component('vscode-checkbox', { 'aria-label': tool.name }) as Checkbox;
    enabled.dataset.tool = tool.name;
    enabled.addEventListener('change', () => onChange(`tool:${tool.name}`));
    const name = el('span', 'tool-name', tool.name);
    name.title = tool.name;
    // The name is the checkbox's label: clicking it ticks the tool, as clicking a label would.
    name.addEventListener('click', () => {
      enabled.checked = !enabled.checked;
      onChange(`tool:${tool.name}`);
    });
    const description = el('span', 'tool-description', `${tool.readOnly ? 'Read-only' : 'Changes things'} · ${tool.description}`);
    description.title = tool.description;
    description.tabIndex = 0;
    description.setAttribute('role', 'button');
    description.setAttribute('aria-expanded', 'false');
    // Long descriptions (VS Code's own tools have paragraphs) show two lines; a click shows the rest.
    const toggle = () => description.setAttribute('aria-expanded', String(description.classList.toggle('expanded')));
    description.addEventListener('click', toggle);
    description.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      toggle();
    });
    const text = el('div', 'tool-text');
    text.append(name, description);
    const approval = component('vscode-single-select', { 'aria-label': l10n.t('Approval for {0}', tool.name) }) as Select;
    approval.classList.add('tool-approval');
    approval.dataset.policyFor = tool.name;
    for (const value of ['ask', 'auto', 'deny'] as const) approval.append(component('vscode-option', { value }, APPROVAL_LABELS[value]));
    approval.addEventListener('change', () => onChange(`approval:${tool.name}`));
    const row = el('div', 'tool-row');
    row.append(enabled, text, approval);
    list.append(row);
  }
  return list;
}

/**
 * Chooses a select's value: through its options' `selected` attribute too, since a select not yet upgraded (just
 * built) takes its value from the options rather than from the property.
 */
export function choose(select: HTMLElement & { value: string }, value: string): void {
  for (const option of select.querySelectorAll('vscode-option')) option.toggleAttribute('selected', option.getAttribute('value') === value);
  if (select.value !== value) select.value = value;
}

/** Shows the form's tools and approvals in the list. */
export function showTools(list: HTMLElement, form: AgentForm, tools: readonly AgentToolOption[]): void {
  for (const tool of tools) {
    const enabled = list.querySelector<Checkbox>(`vscode-checkbox[data-tool="${CSS.escape(tool.name)}"]`);
    const approval = list.querySelector<Select>(`vscode-single-select[data-policy-for="${CSS.escape(tool.name)}"]`);
    if (enabled) enabled.checked = form.tools.includes(tool.name);
    if (approval) choose(approval, form.approvals[tool.name] ?? defaultApproval(tool));
  }
}

/** The ticked tools and every tool's approval, as the form holds them. */
export function readTools(list: HTMLElement): Pick<AgentForm, 'tools' | 'approvals'> {
  const tools = [...list.querySelectorAll<Checkbox>('vscode-checkbox[data-tool]')].filter((c) => c.checked).map((c) => c.dataset.tool!);
  const approvals: Record<string, ApprovalPolicyView> = {};
  for (const select of list.querySelectorAll<Select>('vscode-single-select[data-policy-for]'))
    approvals[select.dataset.policyFor!] = select.value as ApprovalPolicyView;
  return { tools, approvals };
}
