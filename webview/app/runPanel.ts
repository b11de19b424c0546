import type { RunView } from '../../src/protocol/threadView';
import { postToHost } from './host';
import { component, el } from './dom';
import { createApprovalCard } from './toolCards';
import { createBudgetCard } from './budgetCard';
import * as l10n from '@vscode/l10n';

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

type PendingApproval = RunView['pendingApprovals'][number];

/**
 * The live status of the current run: a badge and progress ring in the header, and the error in plain words with a
 * retry action. Tool calls and their approvals show as cards in the answer (toolCards.ts) and the steps and usage in
 * the answer's footer (runFooter.ts); only an approval whose call is in no message on screen is shown here.
 */
export class RunPanel {
  private run: RunView | null = null;
  private orphans: PendingApproval[] = [];

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

  /** `orphans`: the run's approvals that no card in the conversation shows. */
  show(run: RunView | null, orphans: PendingApproval[] = []): void {
    this.run = run;
    this.orphans = orphans;
    this.badge.hidden = run === null;
    this.badge.textContent = run?.budgetPause ? l10n.t('Paused at budget') : run ? STATUS_LABEL[run.status] : '';
    this.badge.dataset.status = run?.status ?? '';
    this.badge.dataset.runId = run?.id ?? '';
    this.progress.hidden = !this.isActive;
    this.renderDetails();
    this.onActiveChange(this.isActive);
  }

  /** The messages on screen changed: show here the approvals no card shows any more, or no longer. */
  showOrphans(orphans: PendingApproval[]): void {
    const ids = (list: PendingApproval[]) => list.map((call) => call.id).join(',');
    if (ids(orphans) === ids(this.orphans)) return;
    this.orphans = orphans;
    this.renderDetails();
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
    if (active.closest('.budget-card')) return `.budget-card .${active.classList[0] ?? 'none'}`;
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
    if (run.status === 'requires_action') this.details.append(...this.orphans.map(createApprovalCard));
    if (run.status === 'requires_action' && run.budgetPause) this.details.append(createBudgetCard(run, run.budgetPause));
    // A run stopped at a budget ends cancelled; its reason stays on screen like an error's, with Retry to run again.
    const stoppedAtBudget = run.status === 'cancelled' && run.lastError?.code === 'budget_exceeded';
    if (run.lastError && (run.status === 'failed' || run.status === 'expired' || run.status === 'incomplete' || stoppedAtBudget)) {
      const error = el('div', 'run-error');
      error.setAttribute('role', 'alert');
      error.dataset.code = run.lastError.code;
      const text = el('span', 'run-error-text', ` ${run.lastError.message}`);
      text.title = run.lastError.message;
      error.append(el('span', 'codicon codicon-error'), text);
      const retry = component(
        'vscode-button',
        { class: 'retry-run', secondary: '', 'aria-label': l10n.t('Retry the run') },
        l10n.t('Retry'),
      );
      retry.addEventListener('click', () => postToHost({ type: 'retryRun' }));
      error.append(retry);
      this.details.append(error);
    }
  }
}
