// First: VS Code's strings for the display language are in place before any module makes text.
import '../shared/l10n';
import '../shared/litNonce';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  REASONING_EFFORT_VIEWS,
  type AgentEditorEvent,
  type AgentEditorRequests,
  type AgentForm,
  type AgentFormOptions,
  type ReasoningEffortView,
  type SaveAgentResult,
} from '../../src/protocol/agentEditor';
import { component, el } from '../app/dom';
import { hostChannel } from '../shared/host';
import { choose, readTools, showTools, toolList } from './toolList';
import { validateForm, type FieldErrors } from './validation';
import * as l10n from '@vscode/l10n';

/** The agent editor's channel to the host (src/protocol/agentEditor.ts). */
const host = hostChannel<{ type: 'ready' } | { type: 'edit'; field: string; form: AgentForm }, AgentEditorEvent, AgentEditorRequests>();

type Field = HTMLElement & { value: string };

const app = document.getElementById('app')!;
app.classList.add('agent-editor');
const status = el('div', 'form-status');
status.setAttribute('role', 'status');
let options: AgentFormOptions | undefined;
let tools: HTMLElement = el('div');
const fields = new Map<string, Field>();
const errors = new Map<string, HTMLElement>();
/** While the host's values are being shown (undo, redo, revert), changes are not new edits. */
let applying = false;

/** Tells the host the form changed, so VS Code marks the tab unsaved and can undo the change. */
function edited(field: string): void {
  if (!applying) host.post({ type: 'edit', field, form: readForm() });
}

/** A labelled form row; the error line under it is announced to screen readers. */
function row(id: string, label: string, control: Field, help?: string): HTMLElement {
  control.id = id;
  fields.set(id, control);
  control.addEventListener('input', () => edited(id));
  control.addEventListener('change', () => edited(id));
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

function reasoningEffortField(): Field {
  const select = component('vscode-single-select', { 'aria-label': l10n.t('Reasoning effort') }) as Field;
  select.append(
    component('vscode-option', { value: '' }, l10n.t('Model default')),
    ...REASONING_EFFORT_VIEWS.map((effort) => component('vscode-option', { value: effort }, effort)),
  );
  return select;
}

function contextOverflowField(): Field {
  const select = component('vscode-single-select', { 'aria-label': l10n.t('When the context is full') }) as Field;
  select.append(
    component('vscode-option', { value: 'drop_oldest' }, l10n.t('Drop the oldest messages')),
    component('vscode-option', { value: 'compact' }, l10n.t('Summarize them (compaction)')),
  );
  return select;
}

function title(name: string, version: number): string {
  return `${name} · version ${version}`;
}

function render(form: AgentForm, formOptions: AgentFormOptions): void {
  options = formOptions;
  fields.clear();
  errors.clear();
  const model = component('vscode-single-select', { 'aria-label': l10n.t('Model profile') }) as Field;
  model.append(...formOptions.models.map((m) => component('vscode-option', { value: m.profile }, m.label)));
  tools = toolList(formOptions.tools, edited);
  const name = component('vscode-textfield', {}) as Field;
  const modelName = component('vscode-textfield', {}) as Field;
  const instructions = component('vscode-textarea', { rows: '12', resize: 'vertical' }) as Field;
  const save = component('vscode-button', { id: 'save' }, l10n.t('Save'));
  save.addEventListener('click', () => void submit());
  // Before the row's own listener, so the edit it reports carries the profile's model name too.
  model.addEventListener('change', () => {
    const chosen = options?.models.find((m) => m.profile === model.value);
    if (chosen && !applying) modelName.value = chosen.defaultModel;
  });

  app.replaceChildren(
    el('h1', 'form-title', title(form.name, formOptions.version)),
    row('name', 'Name', name),
    row('modelProfile', 'Model profile', model),
    row('modelName', 'Model or deployment name', modelName),
    row('instructions', 'Instructions', instructions, 'What the agent should do and how; sent first in every run.'),
    el('h2', 'form-section', l10n.t('Tools and approvals')),
    tools,
    el('h2', 'form-section', l10n.t('Parameters')),
    row('temperature', 'Temperature (0 to 2)', numberField('model default')),
    row('top_p', 'Top P (0 to 1)', numberField('model default')),
    row(
      'reasoning_effort',
      'Reasoning effort',
      reasoningEffortField(),
      'For reasoning models over the Responses API; others may reject it. Their thinking shows above each answer.',
    ),
    row('max_prompt_tokens', 'Max prompt tokens', numberField('no limit')),
    row('max_completion_tokens', 'Max completion tokens', numberField('no limit')),
    row(
      'lastMessages',
      'Keep only the newest messages (truncation)',
      numberField('auto: as many as fit'),
      'Empty: the newest messages that fit the context window.',
    ),
    row(
      'contextOverflow',
      'When the context is full',
      contextOverflowField(),
      "Compaction summarizes the older part into the thread with this agent's model; the original messages stay.",
    ),
    save,
    status,
  );
  showForm(form);
}

/** Shows the form's values; the components read properties, not attributes, so they are set after the elements exist. */
function showForm(form: AgentForm): void {
  applying = true;
  try {
    const text = (value: number | null) => (value === null ? '' : String(value));
    const values: Record<string, string> = {
      name: form.name,
      modelProfile: form.modelProfile,
      modelName: form.modelName,
      instructions: form.instructions,
      temperature: text(form.temperature),
      top_p: text(form.top_p),
      reasoning_effort: form.reasoning_effort ?? '',
      max_prompt_tokens: text(form.max_prompt_tokens),
      max_completion_tokens: text(form.max_completion_tokens),
      lastMessages: text(form.lastMessages),
      contextOverflow: form.contextOverflow,
    };
    for (const [id, value] of Object.entries(values)) {
      const field = fields.get(id);
      if (field?.tagName.toLowerCase() === 'vscode-single-select') choose(field, value);
      else if (field && field.value !== value) field.value = value;
    }
    showTools(tools, form, options?.tools ?? []);
  } finally {
    applying = false;
  }
}

function optionalNumber(id: string): number | null {
  const text = fields.get(id)!.value.trim();
  return text === '' ? null : Number(text);
}

function readForm(): AgentForm {
  return {
    name: fields.get('name')!.value,
    modelProfile: fields.get('modelProfile')!.value,
    modelName: fields.get('modelName')!.value,
    instructions: fields.get('instructions')!.value,
    ...readTools(tools),
    temperature: optionalNumber('temperature'),
    top_p: optionalNumber('top_p'),
    reasoning_effort: (fields.get('reasoning_effort')!.value || null) as ReasoningEffortView | null,
    max_prompt_tokens: optionalNumber('max_prompt_tokens'),
    max_completion_tokens: optionalNumber('max_completion_tokens'),
    lastMessages: optionalNumber('lastMessages'),
    contextOverflow: fields.get('contextOverflow')!.value === 'compact' ? 'compact' : 'drop_oldest',
  };
}

function showErrors(found: FieldErrors): void {
  for (const [id, line] of errors) {
    line.textContent = found[id] ?? '';
    fields.get(id)?.toggleAttribute('invalid', Boolean(found[id]));
  }
}

function showSaveResult(result: SaveAgentResult, name: string): void {
  if (result.saved) {
    status.textContent = l10n.t('Saved as version {0}.', result.version);
    status.className = 'form-status saved';
    document.querySelector('.form-title')!.textContent = title(name, result.version);
  } else {
    showErrors(validateForm(readForm()));
    status.textContent = result.message;
    status.className = 'form-status error';
  }
}

async function submit(): Promise<void> {
  const form = readForm();
  const found = validateForm(form);
  showErrors(found);
  if (Object.keys(found).length > 0) {
    status.textContent = l10n.t('Fix the fields marked above, then save.');
    status.className = 'form-status error';
    return;
  }
  status.textContent = l10n.t('Saving…');
  status.className = 'form-status';
  const result = await host.request('saveAgent', { form }).catch((error: Error) => ({ saved: false as const, message: error.message }));
  showSaveResult(result, form.name);
}

host.onEvent((event) => {
  if (event.type === 'agentForm') render(event.form, event.options);
  else if (event.type === 'setForm') showForm(event.form);
  else showSaveResult(event.result, event.name);
});
host.post({ type: 'ready' });
