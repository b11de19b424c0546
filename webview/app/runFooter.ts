import type { RunView } from '../../src/protocol/threadView';
import { postToHost } from './host';
import { el } from './dom';
import { formatDuration, toolLabel, toolTarget } from './toolCards';
import * as l10n from '@vscode/l10n';

/**
 * Runs the footers remember, the most recently heard of: the current run through its events, finished ones with the
 * pages that show their answers. More than the answers the view keeps in the DOM at once (150 messages).
 */
const MAX_RUNS = 200;
const FINISHED = new Set<RunView['status']>(['completed', 'failed', 'cancelled', 'incomplete', 'expired']);
const STATUS_WORD: Partial<Record<RunView['status'], () => string>> = {
  failed: () => l10n.t('Failed'),
  cancelled: () => l10n.t('Cancelled'),
  incomplete: () => l10n.t('Incomplete'),
  expired: () => l10n.t('Expired'),
};

/** "1 step" or "3 steps", with the count in the reader's locale. */
function stepCount(count: number): string {
  return count === 1 ? l10n.t('1 step') : l10n.t('{0} steps', count.toLocaleString());
}

/** "1 file changed" or "5 files changed", in the reader's locale. */
export function filesChanged(count: number): string {
  return count === 1 ? l10n.t('1 file changed') : l10n.t('{0} files changed', count.toLocaleString());
}

/** The footer's one line: "2 steps · 3.1 s · 1,204 tokens" (what is known of it), with the outcome when not a success. */
export function runSummary(run: RunView): string {
  const parts: string[] = [];
  const word = STATUS_WORD[run.status];
  if (word) parts.push(word());
  if (run.steps.length > 0) parts.push(stepCount(run.steps.length));
  if (run.durationMs !== null) parts.push(formatDuration(run.durationMs));
  if (run.usage) parts.push(l10n.t('{0} tokens', run.usage.total_tokens.toLocaleString()));
  return parts.join(' · ');
}

/**
 * A one-line summary under the last answer of each finished run, which opens to the run's steps, its model and
 * token usage, and a link to Run Details. Messages are re-rendered as they change, so `place` (called after every
 * event) puts each footer back under its answer.
 */
export class RunFooters {
  private readonly runs = new Map<string, RunView>();
  private readonly footers = new Map<string, HTMLElement>();
  private readonly open = new Set<string>();

  constructor(private readonly scroller: HTMLElement) {}

  update(run: RunView | null): void {
    if (!run) return;
    this.runs.delete(run.id);
    this.runs.set(run.id, run);
    for (const old of [...this.runs.keys()].slice(0, -MAX_RUNS)) {
      this.runs.delete(old);
      this.footers.get(old)?.remove();
      this.footers.delete(old);
    }
    this.footers.get(run.id)?.remove();
    this.footers.delete(run.id);
    this.place();
  }

  place(): void {
    for (const [runId, run] of this.runs) {
      if (!FINISHED.has(run.status)) continue;
      const answers = this.scroller.querySelectorAll<HTMLElement>(`article.message.assistant[data-run-id="${CSS.escape(runId)}"]`);
      const last = answers[answers.length - 1];
      if (!last) continue;
      let footer = this.footers.get(runId);
      if (!footer) {
        footer = this.render(run);
        this.footers.set(runId, footer);
      }
      if (footer.parentElement !== last || last.lastElementChild !== footer) last.append(footer);
    }
  }

  private render(run: RunView): HTMLElement {
    const footer = el('div', 'run-footer');
    footer.dataset.runId = run.id;
    footer.dataset.status = run.status;
    const open = this.open.has(run.id);
    const toggle = el('button', 'run-footer-summary');
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', String(open));
    toggle.setAttribute('aria-controls', `run-footer-${run.id}`);
    toggle.append(el('span', 'run-footer-text', runSummary(run)), el('span', `codicon codicon-chevron-${open ? 'up' : 'down'}`));
    toggle.title = l10n.t('Show the steps of this run');
    toggle.addEventListener('click', () => {
      if (this.open.has(run.id)) this.open.delete(run.id);
      else this.open.add(run.id);
      const next = this.render(run);
      this.footers.set(run.id, next);
      footer.replaceWith(next);
      next.querySelector<HTMLElement>('.run-footer-summary')?.focus();
    });
    const line = el('div', 'run-footer-line');
    line.append(toggle);
    if (run.changedFiles) {
      // What the run did to the workspace, a click from its review (VS Code's multi-file diff, before ↔ after).
      const changes = el('button', 'link-button run-footer-changes');
      changes.type = 'button';
      changes.append(el('span', 'codicon codicon-diff-multiple'), el('span', 'run-footer-changes-text', filesChanged(run.changedFiles)));
      changes.title = l10n.t('Review the changes this run made to the workspace, before and after');
      changes.addEventListener('click', () => postToHost({ type: 'reviewRunChanges', runId: run.id }));
      const undo = footerLink('run-footer-undo writes-files', l10n.t('Undo'), () =>
        postToHost({ type: 'checkpointAction', runId: run.id, action: 'undo' }),
      );
      undo.title = l10n.t('Put back the files this run changed; a file changed since is left alone and shown as a conflict');
      line.append(changes, undo);
    }
    const details = el('div', 'run-footer-details');
    details.id = `run-footer-${run.id}`;
    details.hidden = !open;
    const steps = el('ol', 'run-footer-steps');
    for (const step of run.steps) {
      if (step.type === 'message_creation') steps.append(el('li', 'run-footer-step', l10n.t('Wrote the answer')));
      for (const call of step.toolCalls) {
        const target = toolTarget(call.arguments);
        const item = el('li', 'run-footer-step', `${toolLabel(call.name)}${target ? ` ${target}` : ''} — ${call.status.replace('_', ' ')}`);
        item.title = item.textContent ?? '';
        steps.append(item);
      }
    }
    const usage = run.usage
      ? l10n.t(
          '{0} · {1} prompt + {2} completion tokens',
          run.model,
          run.usage.prompt_tokens.toLocaleString(),
          run.usage.completion_tokens.toLocaleString(),
        )
      : run.model;
    const more = el('div', 'run-usage', usage);
    const link = el('button', 'link-button run-details-link', l10n.t('Run Details'));
    link.type = 'button';
    link.setAttribute('aria-label', l10n.t('Show the details of this run (steps, tool output, usage, error) in an editor'));
    link.addEventListener('click', () => postToHost({ type: 'showRunDetails', runId: run.id }));
    more.append(' · ', link);
    if (run.changedFiles) {
      // From this run on: what the thread changed since, and the workspace (or conversation) as it was before it.
      const since = footerLink('run-footer-changes-since', l10n.t('Changes Since'), () =>
        postToHost({ type: 'checkpointAction', runId: run.id, action: 'changesSince' }),
      );
      since.title = l10n.t('Review every change of the thread from this run on, before the run ↔ now');
      const restore = footerLink('run-footer-restore writes-files', l10n.t('Restore Checkpoint…'), () =>
        postToHost({ type: 'checkpointAction', runId: run.id, action: 'restore' }),
      );
      restore.title = l10n.t('Go back to before this run: the files, the conversation (a fork), or both');
      more.append(' · ', since, el('span', 'writes-files', ' · '), restore);
    }
    details.append(steps, more);
    footer.append(line, details);
    return footer;
  }
}

/** A link-styled button of the footer. */
function footerLink(className: string, label: string, onClick: () => void): HTMLButtonElement {
  const button = el('button', `link-button ${className}`, label);
  button.type = 'button';
  button.addEventListener('click', onClick);
  return button;
}
