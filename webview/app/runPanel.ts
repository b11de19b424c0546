import type { RunView } from '../../src/protocol/messages';
import { postToHost } from '../shared/host';
import { component, el } from './dom';
import { createToolCallElement } from './messageRenderer';

const ACTIVE = new Set(['queued', 'in_progress', 'requires_action', 'cancelling']);

/** Plain words for each run status, shown in the header badge. */
const STATUS_LABEL: Record<RunView['status'], string> = {
  queued: 'Queued',
  in_progress: 'Running',
  requires_action: 'Needs approval',
  cancelling: 'Cancelling…',
  cancelled: 'Cancelled',
  failed: 'Failed',
  completed: 'Completed',
  incomplete: 'Incomplete',
  expired: 'Expired',
};

/**
 * The live status of the current run: a badge and progress ring in the header, approvals for pending tool calls,
 * the error in plain words with a retry action, token usage, and the run's steps.
 */
export class RunPanel {
  private run: RunView | null = null;

  constructor(
    private readonly badge: HTMLElement,
    private readonly progress: HTMLElement,
    private readonly details: HTMLElement,
    private readonly onActiveChange: (active: boolean) => void,
  ) {}

  get isActive(): boolean {
    return this.run !== null && ACTIVE.has(this.run.status);
  }

  show(run: RunView | null): void {
    this.run = run;
    this.badge.hidden = run === null;
    this.badge.textContent = run ? STATUS_LABEL[run.status] : '';
    this.badge.dataset.status = run?.status ?? '';
    this.badge.dataset.runId = run?.id ?? '';
    this.progress.hidden = !this.isActive;
    this.renderDetails();
    this.onActiveChange(this.isActive);
  }

  private renderDetails(): void {
    const run = this.run;
    this.details.replaceChildren();
    if (!run) return;
    if (run.status === 'requires_action') this.details.append(...run.pendingApprovals.map((call) => this.approvalCard(run.id, call)));
    if (run.lastError && (run.status === 'failed' || run.status === 'expired' || run.status === 'incomplete')) {
      const error = el('div', 'run-error');
      error.setAttribute('role', 'alert');
      error.dataset.code = run.lastError.code;
      error.append(el('span', 'codicon codicon-error'), el('span', 'run-error-text', ` ${run.lastError.message}`));
      const retry = component('vscode-button', { class: 'retry-run', secondary: '' }, 'Retry');
      retry.addEventListener('click', () => postToHost({ type: 'retryRun' }));
      error.append(retry);
      this.details.append(error);
    }
    const toolSteps = run.steps.filter((step) => step.type === 'tool_calls' && step.toolCalls.length > 0);
    if (toolSteps.length > 0) {
      const steps = component('vscode-collapsible', { class: 'run-steps', title: `Run steps (${toolSteps.length})` });
      for (const step of toolSteps) for (const call of step.toolCalls) steps.append(createToolCallElement(call));
      this.details.append(steps);
    }
    if (run.usage) {
      const usage = run.usage;
      this.details.append(el('div', 'run-usage', `${run.model} · ${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion = ${usage.total_tokens} tokens`));
    }
  }

  private approvalCard(runId: string, call: RunView['pendingApprovals'][number]): HTMLElement {
    const card = el('div', 'approval');
    card.dataset.toolCallId = call.id;
    card.append(el('div', 'approval-title', `The agent wants to run ${call.name}`));
    card.append(el('pre', 'approval-arguments', call.preview ?? call.arguments));
    const always = component('vscode-checkbox', { class: 'approval-always', label: 'Always allow this tool in this thread' });
    const approve = component('vscode-button', { class: 'approve' }, 'Approve');
    const deny = component('vscode-button', { class: 'deny', secondary: '' }, 'Deny');
    const decide = (approveIt: boolean) => {
      const alwaysForThread = (always as HTMLElement & { checked?: boolean }).checked === true;
      postToHost({ type: 'decideToolCall', runId, toolCallId: call.id, approve: approveIt, alwaysForThread });
      card.classList.add('decided');
    };
    approve.addEventListener('click', () => decide(true));
    deny.addEventListener('click', () => decide(false));
    const actions = el('div', 'approval-actions');
    actions.append(approve, deny);
    if (call.canShowDiff) {
      const diff = component('vscode-button', { class: 'show-diff', secondary: '' }, 'Show diff');
      diff.addEventListener('click', () => postToHost({ type: 'showToolDiff', runId, toolCallId: call.id }));
      actions.append(diff);
    }
    actions.append(always);
    card.append(actions);
    return card;
  }
}
