import type { RunView } from '../../src/protocol/threadView';
import { postToHost } from './host';
import { accessibleCollapsible, component, el } from './dom';
import { createToolCallElement } from './messageRenderer';
import { t } from '../shared/l10n';

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
    /** Where the keyboard focus goes when the control that had it disappears (the composer). */
    private readonly onFocusLost: () => void = () => undefined,
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
    const focused = this.focusedControl();
    this.render();
    if (focused !== undefined) this.restoreFocus(focused);
  }

  /** A selector for the control inside the details that has the keyboard focus, if one has it. */
  private focusedControl(): string | undefined {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.details.contains(active)) return undefined;
    const card = active.closest<HTMLElement>('.approval');
    const control = `.${active.classList[0] ?? 'none'}`;
    return card ? `.approval[data-tool-call-id="${CSS.escape(card.dataset.toolCallId ?? '')}"]:not(.decided) ${control}` : control;
  }

  /**
   * The details are rebuilt on every run event; a keyboard user keeps their place: the same control again, else the
   * next approval waiting, else the composer (after the last approval was decided, say).
   */
  private restoreFocus(selector: string): void {
    const target =
      this.details.querySelector<HTMLElement>(selector) ?? this.details.querySelector<HTMLElement>('.approval:not(.decided) .approve');
    if (target) target.focus();
    else this.onFocusLost();
  }

  private render(): void {
    const run = this.run;
    this.details.replaceChildren();
    if (!run) return;
    if (run.status === 'requires_action') this.details.append(...run.pendingApprovals.map((call) => this.approvalCard(run.id, call)));
    if (run.lastError && (run.status === 'failed' || run.status === 'expired' || run.status === 'incomplete')) {
      const error = el('div', 'run-error');
      error.setAttribute('role', 'alert');
      error.dataset.code = run.lastError.code;
      const text = el('span', 'run-error-text', ` ${run.lastError.message}`);
      text.title = run.lastError.message;
      error.append(el('span', 'codicon codicon-error'), text);
      const retry = component('vscode-button', { class: 'retry-run', secondary: '', 'aria-label': t('Retry the run') }, t('Retry'));
      retry.addEventListener('click', () => postToHost({ type: 'retryRun' }));
      error.append(retry);
      this.details.append(error);
    }
    const toolSteps = run.steps.filter((step) => step.type === 'tool_calls' && step.toolCalls.length > 0);
    if (toolSteps.length > 0) {
      const steps = accessibleCollapsible({ class: 'run-steps', title: t('Run steps ({0})', toolSteps.length) });
      for (const step of toolSteps) for (const call of step.toolCalls) steps.append(createToolCallElement(call));
      this.details.append(steps);
    }
    const summary = el(
      'div',
      'run-usage',
      run.usage
        ? t(
            '{0} · {1} prompt + {2} completion = {3} tokens',
            run.model,
            run.usage.prompt_tokens,
            run.usage.completion_tokens,
            run.usage.total_tokens,
          )
        : run.model,
    );
    const details = el('button', 'link-button run-details-link', t('Details'));
    details.type = 'button';
    details.setAttribute('aria-label', t('Show the details of this run (steps, tool output, usage, error) in an editor'));
    details.addEventListener('click', () => postToHost({ type: 'showRunDetails', runId: run.id }));
    summary.append(' · ', details);
    this.details.append(summary);
  }

  private approvalCard(runId: string, call: RunView['pendingApprovals'][number]): HTMLElement {
    const card = el('div', 'approval');
    card.dataset.toolCallId = call.id;
    // A labelled group, so "Approve" is heard together with what it approves.
    const titleId = `approval-title-${call.id}`;
    card.setAttribute('role', 'group');
    card.setAttribute('aria-labelledby', titleId);
    const title = el('div', 'approval-title', t('The agent wants to run {0}', call.name));
    title.id = titleId;
    card.append(title);
    card.append(el('pre', 'approval-arguments', call.preview ?? call.arguments));
    const always = component('vscode-checkbox', { class: 'approval-always', label: t('Always allow this tool in this thread') });
    const approve = component('vscode-button', { class: 'approve', 'aria-label': t('Approve {0}', call.name) }, t('Approve'));
    const deny = component('vscode-button', { class: 'deny', secondary: '', 'aria-label': t('Deny {0}', call.name) }, t('Deny'));
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
      const diff = component(
        'vscode-button',
        { class: 'show-diff', secondary: '', 'aria-label': t('Show the diff of the {0} call', call.name) },
        t('Show diff'),
      );
      diff.addEventListener('click', () => postToHost({ type: 'showToolDiff', runId, toolCallId: call.id }));
      actions.append(diff);
    }
    actions.append(always);
    card.append(actions);
    return card;
  }
}
