import type { RunView, ToolCallView } from '../../src/protocol/threadView';
import { postToHost } from './host';
import { component, el } from './dom';
import * as l10n from '@vscode/l10n';

/**
 * Tool calls as compact cards inside the answer that made them: icon, friendly name, target, status and duration on
 * one line; a click shows the arguments and output. A call waiting for approval shows its Approve / Deny buttons
 * (and for file changes a short diff) in the card itself. A message knows its calls; the run knows where each one is
 * now (waiting, running, how long it took), so the cards take their status from the latest run event.
 */

type Status = ToolCallView['status'];
type PendingApproval = RunView['pendingApprovals'][number];

/** Codicon and friendly name of the extension's own tools; other tools (VS Code's) show their own name. */
const TOOL_LOOK: Record<string, { icon: string; label: () => string }> = {
  read_file: { icon: 'file', label: () => l10n.t('Read file') },
  list_directory: { icon: 'folder-opened', label: () => l10n.t('List folder') },
  find_files: { icon: 'search', label: () => l10n.t('Find files') },
  search_text: { icon: 'search', label: () => l10n.t('Search text') },
  get_diagnostics: { icon: 'warning', label: () => l10n.t('Read problems') },
  get_selection: { icon: 'selection', label: () => l10n.t('Read selection') },
  list_open_editors: { icon: 'files', label: () => l10n.t('List open editors') },
  create_file: { icon: 'new-file', label: () => l10n.t('Create file') },
  edit_file: { icon: 'edit', label: () => l10n.t('Edit file') },
  delete_file: { icon: 'trash', label: () => l10n.t('Delete file') },
  run_command: { icon: 'terminal', label: () => l10n.t('Run command') },
  get_time: { icon: 'clock', label: () => l10n.t('Get time') },
  echo: { icon: 'megaphone', label: () => l10n.t('Echo') },
};

const STATUS_LOOK: Record<Status, { icon: string; label: () => string }> = {
  pending_approval: { icon: 'shield', label: () => l10n.t('Needs approval') },
  approved: { icon: 'loading', label: () => l10n.t('Running') },
  in_progress: { icon: 'loading', label: () => l10n.t('Running') },
  completed: { icon: 'check', label: () => l10n.t('Done') },
  failed: { icon: 'error', label: () => l10n.t('Failed') },
  denied: { icon: 'circle-slash', label: () => l10n.t('Denied') },
};

/** Output longer than this is cut, with "Show more" for the rest. */
const OUTPUT_PREVIEW_CHARS = 1_500;
const OUTPUT_PREVIEW_LINES = 20;

/** The tool's friendly name, e.g. "Edit file" for edit_file. */
export function toolLabel(name: string): string {
  return TOOL_LOOK[name]?.label() ?? name;
}

/** What a call works on, from its arguments: the file, folder, command or search; '' when none stands out. */
export function toolTarget(rawArguments: string): string {
  let args: unknown;
  try {
    args = JSON.parse(rawArguments);
  } catch {
    return '';
  }
  if (!args || typeof args !== 'object') return '';
  const record = args as Record<string, unknown>;
  for (const key of ['path', 'command', 'query', 'pattern', 'glob', 'text', 'url']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return value.trim().replace(/\s+/g, ' ');
  }
  return '';
}

/** "under 1 s", "3 s", "2 min 5 s", with the number in the reader's locale. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return l10n.t('under 1 s');
  const seconds = ms / 1_000;
  if (seconds < 60) return l10n.t('{0} s', seconds.toLocaleString(undefined, { maximumFractionDigits: seconds < 10 ? 1 : 0 }));
  return l10n.t('{0} min {1} s', Math.floor(seconds / 60).toLocaleString(), Math.round(seconds % 60).toLocaleString());
}

/**
 * Cards know a call by its id, name and arguments together: some model servers number calls per answer (call_0 in
 * every round), so an id alone can name a finished read and the edit that waits for approval.
 */
function keyOf(call: { id: string; name: string; arguments: string }): string {
  return JSON.stringify([call.id, call.name, call.arguments]);
}

/** What the cards know about the current run: where each call is, and what the calls waiting for approval show. */
class LiveToolCalls {
  private runId: string | null = null;
  private readonly calls = new Map<string, ToolCallView>();
  private readonly pending = new Map<string, PendingApproval>();

  /** How long each call took, kept after its run is no longer the current one. */
  private readonly durations = new Map<string, number>();

  update(run: RunView | null): void {
    if (run?.id !== this.runId) this.calls.clear();
    this.runId = run?.id ?? null;
    this.pending.clear();
    for (const step of run?.steps ?? []) {
      for (const call of step.toolCalls) {
        this.calls.set(keyOf(call), call);
        if (call.durationMs !== undefined) this.durations.set(keyOf(call), call.durationMs);
      }
    }
    if (run?.status === 'requires_action') for (const call of run.pendingApprovals) this.pending.set(keyOf(call), call);
  }

  get currentRunId(): string | null {
    return this.runId;
  }

  /** The message's record of a call, with what the run says now (status, duration) on top. */
  merged(call: ToolCallView): ToolCallView {
    const key = keyOf(call);
    const live = this.calls.get(key);
    if (!live) {
      const durationMs = this.durations.get(key) ?? call.durationMs;
      return { ...call, durationMs, status: this.pending.has(key) ? 'pending_approval' : call.status };
    }
    // A pending approval is what the run waits on now, whatever the step said when it was last saved.
    const status = this.pending.has(key) ? 'pending_approval' : live.status;
    return { ...call, status, output: call.output ?? live.output, durationMs: live.durationMs ?? call.durationMs };
  }

  approvalOf(call: ToolCallView): PendingApproval | undefined {
    return this.pending.get(keyOf(call));
  }

  pendingApprovals(): PendingApproval[] {
    return [...this.pending.values()];
  }
}

const live = new LiveToolCalls();
/** Cards the reader opened stay open when their message is rendered again (every streamed chunk re-renders it). */
const expanded = new Set<string>();
/** Outputs the reader asked to see in full. */
const fullOutputs = new Set<string>();
/** Calls decided in this view, so a card does not offer the buttons again while the host catches up. */
const decided = new Set<string>();
/** Approvals already brought into view once: a run that waits on the reader must not wait unseen below the fold. */
const shownApprovals = new Set<string>();

let cardCount = 0;

/** Where the keyboard focus goes when a focused card's control disappears (the next approval, else the composer). */
let onFocusLost: () => void = () => undefined;

export function setToolCardFocusFallback(fallback: () => void): void {
  onFocusLost = fallback;
}

/** The card of one call, as the latest run event describes it. */
export function createToolCard(call: ToolCallView): HTMLElement {
  const card = el('div', 'tool-call');
  card.dataset.toolCallId = call.id;
  card.dataset.callKey = keyOf(call);
  card.dataset.callName = call.name;
  card.dataset.baseStatus = call.status;
  card.dataset.callArguments = call.arguments;
  if (call.output !== null) card.dataset.callOutput = call.output;
  fillCard(card, live.merged(call));
  return card;
}

/** The run changed: the cards on screen take its news, and approvals no card shows are returned for elsewhere. */
export function applyRunToCards(run: RunView | null, root: ParentNode): PendingApproval[] {
  live.update(run);
  for (const card of root.querySelectorAll<HTMLElement>('.tool-call[data-tool-call-id]')) refreshCard(card);
  return live.pendingApprovals().filter((call) => !root.querySelector(`.tool-call[data-call-key="${CSS.escape(keyOf(call))}"]`));
}

/** A card for an approval whose call is in no message on screen (a backend that stores calls on the run only). */
export function createApprovalCard(call: PendingApproval): HTMLElement {
  return createToolCard({ id: call.id, name: call.name, arguments: call.arguments, output: null, status: 'pending_approval' });
}

function refreshCard(card: HTMLElement): void {
  const base: ToolCallView = {
    id: card.dataset.toolCallId ?? '',
    name: card.dataset.callName ?? '',
    arguments: card.dataset.callArguments ?? '',
    output: card.dataset.callOutput ?? null,
    status: (card.dataset.baseStatus as Status | undefined) ?? 'in_progress',
  };
  const merged = live.merged(base);
  const focused = focusedControlClass(card);
  card.replaceChildren();
  fillCard(card, merged);
  if (focused === undefined) return;
  const again = card.querySelector<HTMLElement>(focused);
  if (again) again.focus();
  else (document.querySelector<HTMLElement>('.tool-call.approval:not(.decided) .approve') ?? { focus: onFocusLost }).focus();
}

function focusedControlClass(card: HTMLElement): string | undefined {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !card.contains(active)) return undefined;
  return `.${active.classList[0] ?? 'none'}`;
}

function fillCard(card: HTMLElement, call: ToolCallView): void {
  const look = TOOL_LOOK[call.name];
  const status = call.status;
  const key = keyOf(call);
  const approval = status === 'pending_approval' ? live.approvalOf(call) : undefined;
  card.dataset.status = status;
  card.classList.toggle('approval', approval !== undefined);
  card.classList.toggle('decided', approval !== undefined && decided.has(key));
  const open = expanded.has(key);
  const label = toolLabel(call.name);
  const target = toolTarget(call.arguments);
  // Element ids from a counter: call ids need not be unique within a thread.
  card.dataset.uid ??= String(++cardCount);
  const titleId = `tool-title-${card.dataset.uid}`;
  card.setAttribute('role', 'group');
  card.setAttribute('aria-labelledby', titleId);

  const header = el('button', 'tool-call-header');
  header.type = 'button';
  header.setAttribute('aria-expanded', String(open));
  header.setAttribute('aria-controls', `tool-details-${card.dataset.uid}`);
  const statusLook = STATUS_LOOK[status];
  const title = el('span', 'tool-call-title');
  title.id = titleId;
  title.append(el('span', 'tool-call-name', label));
  if (target) {
    const targetText = el('span', 'tool-call-target', target);
    targetText.title = target;
    title.append(' ', targetText);
  }
  const statusBadge = el('span', 'tool-call-status');
  statusBadge.dataset.status = status;
  const spinning = statusLook.icon === 'loading' ? ' codicon-modifier-spin' : '';
  statusBadge.append(el('span', `codicon codicon-${statusLook.icon}${spinning}`), el('span', 'tool-call-status-text', statusLook.label()));
  // Status, duration and chevron wrap as one: in a narrow view they go under the title together, never the chevron alone.
  const meta = el('span', 'tool-call-meta');
  meta.append(statusBadge);
  if (call.durationMs !== undefined && status !== 'pending_approval')
    meta.append(el('span', 'tool-call-duration', formatDuration(call.durationMs)));
  meta.append(el('span', `codicon codicon-chevron-${open ? 'up' : 'down'} tool-call-chevron`));
  header.append(el('span', `codicon codicon-${look?.icon ?? 'tools'} tool-call-icon`), title, meta);
  header.title = `${label}${target ? ` ${target}` : ''} — ${statusLook.label()}`;
  header.addEventListener('click', () => {
    if (expanded.has(key)) expanded.delete(key);
    else expanded.add(key);
    refreshCard(card);
  });
  card.append(header);
  if (approval) card.append(approvalPart(card, approval, label));
  // Again once its diff arrives: the buttons move down under it.
  const shownKey = `${key}:${approval?.diff ? 'diff' : ''}`;
  if (approval && !shownApprovals.has(shownKey)) {
    shownApprovals.add(shownKey);
    // The buttons, rather than the whole card: a card with a long diff is taller than a short sidebar.
    requestAnimationFrame(() => card.isConnected && (card.querySelector('.approval-actions') ?? card).scrollIntoView({ block: 'nearest' }));
  }

  const details = el('div', 'tool-details');
  details.id = `tool-details-${card.dataset.uid}`;
  details.hidden = !open;
  details.append(el('div', 'tool-label', l10n.t('Arguments')), el('pre', 'tool-arguments', prettyJson(call.arguments)));
  if (call.output !== null) details.append(el('div', 'tool-label', l10n.t('Output')), ...outputPart(card, key, call.output));
  card.append(details);
}

function outputPart(card: HTMLElement, callId: string, text: string): HTMLElement[] {
  const full = fullOutputs.has(callId);
  const lines = text.split('\n');
  const long = text.length > OUTPUT_PREVIEW_CHARS || lines.length > OUTPUT_PREVIEW_LINES;
  const shown = !long || full ? text : lines.slice(0, OUTPUT_PREVIEW_LINES).join('\n').slice(0, OUTPUT_PREVIEW_CHARS) + '…';
  const output = el('pre', 'tool-output', shown);
  if (!long) return [output];
  const more = el('button', 'link-button tool-show-more', full ? l10n.t('Show less') : l10n.t('Show more'));
  more.type = 'button';
  more.addEventListener('click', () => {
    if (full) fullOutputs.delete(callId);
    else fullOutputs.add(callId);
    refreshCard(card);
  });
  return [output, more];
}

function approvalPart(card: HTMLElement, call: PendingApproval, label: string): HTMLElement {
  const part = el('div', 'tool-approval-part');
  // The tool's own account ("edit src/greet.ts: 2 replacements", "src/a.ts is a protected path…"), then the change.
  if (call.preview) part.append(el('div', 'approval-preview', call.preview));
  if (call.diff) part.append(diffView(call.diff));
  else if (!call.preview) part.append(el('pre', 'approval-arguments', prettyJson(call.arguments)));
  const runId = live.currentRunId ?? '';
  const always = component('vscode-checkbox', { class: 'approval-always', label: l10n.t('Always allow {0} in this thread', label) });
  const approve = component('vscode-button', { class: 'approve', 'aria-label': l10n.t('Approve {0}', label) }, l10n.t('Approve'));
  const deny = component('vscode-button', { class: 'deny', secondary: '', 'aria-label': l10n.t('Deny {0}', label) }, l10n.t('Deny'));
  const decide = (approveIt: boolean) => {
    const alwaysForThread = (always as HTMLElement & { checked?: boolean }).checked === true;
    postToHost({ type: 'decideToolCall', runId, toolCallId: call.id, approve: approveIt, alwaysForThread });
    decided.add(keyOf(call));
    card.classList.add('decided');
  };
  approve.addEventListener('click', () => decide(true));
  deny.addEventListener('click', () => decide(false));
  const actions = el('div', 'approval-actions');
  actions.append(approve, deny);
  if (call.canShowDiff) {
    const diff = component(
      'vscode-button',
      { class: 'show-diff', secondary: '', 'aria-label': l10n.t('Open the change of {0} in the diff editor', label) },
      l10n.t('Open diff'),
    );
    diff.addEventListener('click', () => postToHost({ type: 'showToolDiff', runId, toolCallId: call.id }));
    actions.append(diff);
  }
  part.append(actions, always);
  return part;
}

/** A unified diff as lines coloured by kind; text only, never HTML. */
function diffView(diff: string): HTMLElement {
  const pre = el('pre', 'tool-diff');
  pre.setAttribute('aria-label', l10n.t('Proposed change'));
  for (const line of diff.split('\n')) {
    const kind = line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'added' : line.startsWith('-') ? 'removed' : 'context';
    // Block rows, no newline characters between them: a row is a line, and its colour spans the width.
    pre.append(el('span', `diff-line diff-${kind}`, line || ' '));
  }
  return pre;
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
