import '../shared/litNonce';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type {
  AgentEditorRequests,
  AgentForm,
  AgentFormOptions,
  ApprovalPolicyView,
  HostToAgentEditor,
} from '../../src/protocol/agentEditor';
import { component, el } from '../app/dom';
import { hostChannel } from '../shared/host';

import { validateForm, type FieldErrors } from './validation';

/** The agent editor's channel to the host (src/protocol/agentEditor.ts). */
const host = hostChannel<{ type: 'ready' }, Extract<HostToAgentEditor, { type: 'agentForm' }>, AgentEditorRequests>();

type Field = HTMLElement & { value: string; checked?: boolean };

const app = document.getElementById('app')!;
app.classList.add('agent-editor');
const status = el('div', 'form-status');
status.setAttribute('role', 'status');
let options: AgentFormOptions | undefined;
const fields = new Map<string, Field>();
const errors = new Map<string, HTMLElement>();

/** A labelled form row; the error line under it is announced to screen readers. */
function row(id: string, label: string, control: Field, help?: string): HTMLElement {
  control.id = id;
  fields.set(id, control);
  const wrapper = el('div', 'form-row');
  const labelElement = component('vscode-label', { for: id }, label);
  const error = el('div', 'form-error');
  error.id = `${id}-error`;
  error.setAttribute('aria-live', 'polite');
  control.setAttribute('aria-describedby', error.id);
  errors.set(id, error);
  wrapper.append(labelElement, control);
  if (help) wrapper.append(el('div', 'form-help', help));
  wrapper.append(error);
  return wrapper;
}

function numberField(placeholder: string): Field {
  return component('vscode-textfield', { type: 'number', placeholder }) as Field;
}

function render(form: AgentForm, formOptions: AgentFormOptions): void {
  options = formOptions;
  fields.clear();
  errors.clear();
  const model = component('vscode-single-select', { 'aria-label': 'Model profile' }) as Field;
  model.append(
    ...formOptions.models.map((m) =>
      component('vscode-option', { value: m.profile, ...(m.profile === form.modelProfile ? { selected: '' } : {}) }, m.label),
    ),
  );
  const toolList = el('div', 'tool-list');
  toolList.setAttribute('role', 'group');
  toolList.setAttribute('aria-label', 'Tools');
  for (const tool of formOptions.tools) {
    const enabled = component('vscode-checkbox', { label: tool.name, ...(form.tools.includes(tool.name) ? { checked: '' } : {}) }) as Field;
    enabled.dataset.tool = tool.name;
    const policy = component('vscode-single-select', { 'aria-label': `Approval for ${tool.name}` }) as Field;
    policy.dataset.policyFor = tool.name;
    const current: ApprovalPolicyView = form.approvals[tool.name] ?? (tool.readOnly ? 'auto' : 'ask');
    for (const value of ['ask', 'auto', 'deny'] as const) {
      policy.append(
        component(
          'vscode-option',
          { value, ...(value === current ? { selected: '' } : {}) },
          { ask: 'Ask me', auto: 'Run without asking', deny: 'Never run' }[value],
        ),
      );
    }
    const line = el('div', 'tool-row');
    line.append(enabled, policy, el('span', 'form-help', `${tool.readOnly ? 'read-only' : 'changes things'} · ${tool.description}`));
    toolList.append(line);
  }
  const name = component('vscode-textfield', {}) as Field;
  const modelName = component('vscode-textfield', {}) as Field;
  const instructions = component('vscode-textarea', { rows: '12', resize: 'vertical' }) as Field;
  const temperature = numberField('model default');
  const topP = numberField('model default');
  const maxPrompt = numberField('no limit');
  const maxCompletion = numberField('no limit');
  const lastMessages = numberField('auto: as many as fit');
  const save = component('vscode-button', { id: 'save' }, 'Save');
  save.addEventListener('click', () => void submit());

  app.replaceChildren(
    el('h1', 'form-title', `${form.name} · version ${formOptions.version}`),
    row('name', 'Name', name),
    row('modelProfile', 'Model profile', model),
    row('modelName', 'Model or deployment name', modelName),
    row('instructions', 'Instructions', instructions, 'What the agent should do and how; sent first in every run.'),
    el('h2', 'form-section', 'Tools and approvals'),
    toolList,
    el('h2', 'form-section', 'Parameters'),
    row('temperature', 'Temperature (0 to 2)', temperature),
    row('top_p', 'Top P (0 to 1)', topP),
    row('max_prompt_tokens', 'Max prompt tokens', maxPrompt),
    row('max_completion_tokens', 'Max completion tokens', maxCompletion),
    row(
      'lastMessages',
      'Keep only the newest messages (truncation)',
      lastMessages,
      'Empty: the newest messages that fit the context window.',
    ),
    save,
    status,
  );
  // Values are set as properties after the elements exist: the components read them, not attributes.
  name.value = form.name;
  modelName.value = form.modelName;
  instructions.value = form.instructions;
  temperature.value = form.temperature === null ? '' : String(form.temperature);
  topP.value = form.top_p === null ? '' : String(form.top_p);
  maxPrompt.value = form.max_prompt_tokens === null ? '' : String(form.max_prompt_tokens);
  maxCompletion.value = form.max_completion_tokens === null ? '' : String(form.max_completion_tokens);
  lastMessages.value = form.lastMessages === null ? '' : String(form.lastMessages);
  model.addEventListener('change', () => {
    const chosen = options?.models.find((m) => m.profile === model.value);
    if (chosen) modelName.value = chosen.defaultModel;
  });
}

function optionalNumber(id: string): number | null {
  const text = fields.get(id)!.value.trim();
  return text === '' ? null : Number(text);
}

function readForm(): AgentForm {
  const tools = [...document.querySelectorAll<Field>('vscode-checkbox[data-tool]')].filter((c) => c.checked).map((c) => c.dataset.tool!);
  const approvals: Record<string, ApprovalPolicyView> = {};
  for (const select of document.querySelectorAll<Field>('vscode-single-select[data-policy-for]'))
    approvals[select.dataset.policyFor!] = select.value as ApprovalPolicyView;
  return {
    name: fields.get('name')!.value,
    modelProfile: fields.get('modelProfile')!.value,
    modelName: fields.get('modelName')!.value,
    instructions: fields.get('instructions')!.value,
    tools,
    approvals,
    temperature: optionalNumber('temperature'),
    top_p: optionalNumber('top_p'),
    max_prompt_tokens: optionalNumber('max_prompt_tokens'),
    max_completion_tokens: optionalNumber('max_completion_tokens'),
    lastMessages: optionalNumber('lastMessages'),
  };
}

function showErrors(found: FieldErrors): void {
  for (const [id, line] of errors) {
    line.textContent = found[id] ?? '';
    fields.get(id)?.toggleAttribute('invalid', Boolean(found[id]));
  }
}

async function submit(): Promise<void> {
  const form = readForm();
  const found = validateForm(form);
  showErrors(found);
  if (Object.keys(found).length > 0) {
    status.textContent = 'Fix the fields marked above, then save.';
    status.className = 'form-status error';
    return;
  }
  status.textContent = 'Saving…';
  status.className = 'form-status';
  const result = await host.request('saveAgent', { form }).catch((error: Error) => ({ saved: false as const, message: error.message }));
  if (result.saved) {
    status.textContent = `Saved as version ${result.version}.`;
    status.className = 'form-status saved';
    document.querySelector('.form-title')!.textContent = `${fields.get('name')!.value} · version ${result.version}`;
  } else {
    status.textContent = result.message;
    status.className = 'form-status error';
  }
}

host.onEvent((event) => {
  if (event.type === 'agentForm') render(event.form, event.options);
});
host.post({ type: 'ready' });
