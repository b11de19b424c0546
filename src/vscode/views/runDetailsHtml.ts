// The page "Show Run Details" shows: a run as a person reads it (agent by name, local times, plain durations and
// token counts, each step with its tools and status), with arguments and output folded away. Every text from a
// message, a tool or the model is escaped, and the page runs no script, so hostile Markdown or HTML stays text.
// Known secrets and key-shaped text are redacted, as in exports: people paste this into bug reports.

import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { Run, RunStep } from '../../core/domain/run';
import { UNTITLED_THREAD_TITLE, type Thread } from '../../core/domain/thread';
import { FOUNDRY_PROFILE } from '../../core/backend/foundry/endpoint';
import type { RunCosts } from '../../core/budgets';
import { formatCost } from '../../core/model/prices';
import { redactSecrets } from '../../core/util/secretRedaction';

/** What the page shows besides the run and its steps. */
export interface RunDetailsContext {
  thread: Pick<Thread, 'id' | 'title'>;
  /** The agent's name, or undefined when the agent no longer exists. */
  agentName: string | undefined;
  /** The user message that started the run, if known. */
  prompt: string | undefined;
  knownSecrets: readonly string[];
  /** BCP 47 locale for dates and numbers (VS Code's display language). */
  locale: string;
  cspSource: string;
  /** In US dollars: the run's cost and its thread's so far; undefined when nothing in them has a price. */
  cost: RunCosts | undefined;
}

type Tone = 'ok' | 'bad' | 'busy' | 'neutral';

const STATUS: Record<Run['status'], { words: () => string; tone: Tone }> = {
  queued: { words: () => vscode.l10n.t('Queued'), tone: 'busy' },
  in_progress: { words: () => vscode.l10n.t('Running'), tone: 'busy' },
  requires_action: { words: () => vscode.l10n.t('Needs approval'), tone: 'busy' },
  cancelling: { words: () => vscode.l10n.t('Cancelling'), tone: 'neutral' },
  cancelled: { words: () => vscode.l10n.t('Cancelled'), tone: 'neutral' },
  failed: { words: () => vscode.l10n.t('Failed'), tone: 'bad' },
  completed: { words: () => vscode.l10n.t('Completed'), tone: 'ok' },
  incomplete: { words: () => vscode.l10n.t('Incomplete'), tone: 'bad' },
  expired: { words: () => vscode.l10n.t('Expired'), tone: 'bad' },
};

const TOOL_STATUS: Record<string, () => string> = {
  pending_approval: () => vscode.l10n.t('waiting for approval'),
  approved: () => vscode.l10n.t('approved'),
  denied: () => vscode.l10n.t('denied'),
  in_progress: () => vscode.l10n.t('running'),
  completed: () => vscode.l10n.t('completed'),
  failed: () => vscode.l10n.t('failed'),
  cancelled: () => vscode.l10n.t('cancelled'),
  expired: () => vscode.l10n.t('expired'),
};

/** The headline of a run: "Code Helper (v3)", or the agent's id when the agent was deleted. */
export function agentLabel(run: Pick<Run, 'assistant_id' | 'assistant_version'>, agentName: string | undefined): string {
  return agentName
    ? vscode.l10n.t('{0} (v{1})', agentName, run.assistant_version)
    : vscode.l10n.t('A deleted agent ({0}, v{1})', run.assistant_id, run.assistant_version);
}

/** "4 s", "2 min 5 s", "1 h 3 min": timestamps are whole seconds (as in the Assistants API). */
export function readableDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 1) return vscode.l10n.t('under a second');
  if (s < 60) return vscode.l10n.t('{0} s', s);
  if (s < 3600) return s % 60 ? vscode.l10n.t('{0} min {1} s', Math.floor(s / 60), s % 60) : vscode.l10n.t('{0} min', s / 60);
  const minutes = Math.floor((s % 3600) / 60);
  return minutes ? vscode.l10n.t('{0} h {1} min', Math.floor(s / 3600), minutes) : vscode.l10n.t('{0} h', Math.floor(s / 3600));
}

/** The whole HTML document of a run's details. */
export function renderRunDetailsHtml(run: Run, steps: readonly RunStep[], context: RunDetailsContext): string {
  const { locale } = context;
  const text = (value: string) => escapeHtml(redactSecrets(value, context.knownSecrets));
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  const number = new Intl.NumberFormat(locale);
  const time = (seconds: number | null) =>
    seconds === null
      ? '—'
      : `<time datetime="${new Date(seconds * 1000).toISOString()}">${escapeHtml(dateTime.format(seconds * 1000))}</time>`;
  const ended = run.completed_at ?? run.failed_at ?? run.cancelled_at;
  const status = STATUS[run.status];

  const facts: [string, string][] = [
    [vscode.l10n.t('Status'), `<span class="badge ${status.tone}">${escapeHtml(status.words())}</span>`],
    [vscode.l10n.t('Thread'), text(context.thread.title || UNTITLED_THREAD_TITLE)],
    [vscode.l10n.t('Model'), text(`${run.model.name} (${run.model.profile})`)],
    [vscode.l10n.t('Started'), time(run.started_at ?? run.created_at)],
    [vscode.l10n.t('Ended'), time(ended)],
    [
      vscode.l10n.t('Duration'),
      run.started_at !== null && ended !== null
        ? escapeHtml(readableDuration(ended - run.started_at))
        : escapeHtml(vscode.l10n.t('still running')),
    ],
    [
      vscode.l10n.t('Tokens'),
      run.usage
        ? escapeHtml(
            vscode.l10n.t(
              '{0} ({1} in, {2} out)',
              number.format(run.usage.total_tokens),
              number.format(run.usage.prompt_tokens),
              number.format(run.usage.completion_tokens),
            ),
          )
        : '—',
    ],
  ];
  facts.push([vscode.l10n.t('Cost'), escapeHtml(costText(run, context.cost, locale))]);
  if (run.incomplete_details) facts.push([vscode.l10n.t('Stopped because'), text(incompleteReason(run.incomplete_details.reason))]);
  if (run.status === 'requires_action' && run.required_action?.type === 'budget_exceeded') {
    facts.push([vscode.l10n.t('Paused at'), text(vscode.l10n.t('a budget, before the next model call'))]);
  }
  if (run.status === 'requires_action' && run.required_action?.type === 'submit_tool_outputs') {
    facts.push([
      vscode.l10n.t('Waiting for approval of'),
      run.required_action.submit_tool_outputs.tool_calls.map((call) => `<code>${text(call.function.name)}</code>`).join(', '),
    ]);
  }

  const ordered = [...steps].sort((a, b) => a.created_at - b.created_at);
  const stepItems = ordered.map((step) => {
    const end = step.completed_at ?? step.failed_at ?? step.cancelled_at ?? step.expired_at;
    const duration = end !== null ? ` · ${escapeHtml(readableDuration(end - step.created_at))}` : '';
    const stepStatus = escapeHtml((TOOL_STATUS[step.status] ?? (() => step.status))());
    const error = step.last_error ? `<p class="error">${text(step.last_error.message)}</p>` : '';
    if (step.type === 'message_creation') {
      return `<li class="step"><div class="step-head"><span class="step-kind">${escapeHtml(vscode.l10n.t('Wrote a message'))}</span><span class="muted">${stepStatus}${duration}</span></div>${error}</li>`;
    }
    const calls = step.step_details.tool_calls.map(
      (
        call,
      ) => `<li class="call"><div class="step-head"><code class="tool">${text(call.function.name)}</code><span class="muted">${escapeHtml(
        (TOOL_STATUS[call.status] ?? (() => call.status))(),
      )}</span></div>
        <details><summary>${escapeHtml(vscode.l10n.t('Arguments'))}</summary><pre>${text(prettyJson(call.function.arguments))}</pre></details>
        <details${call.function.output !== null ? ' open' : ''}><summary>${escapeHtml(vscode.l10n.t('Output'))}</summary><pre>${
          call.function.output === null ? escapeHtml(vscode.l10n.t('(none yet)')) : text(call.function.output)
        }</pre></details></li>`,
    );
    const names = text(vscode.l10n.t('Called {0}', step.step_details.tool_calls.map((call) => call.function.name).join(', ')));
    return `<li class="step"><div class="step-head"><span class="step-kind">${names}</span><span class="muted">${stepStatus}${duration}</span></div>${error}<ul class="calls">${calls.join('')}</ul></li>`;
  });

  const nonce = crypto.randomBytes(16).toString('base64');
  const title = vscode.l10n.t('Run of {0}', agentLabel(run, context.agentName));
  return `<!DOCTYPE html>
<html lang="${escapeHtml(locale)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; img-src ${context.cspSource}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${text(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-agent-threads-view="runDetails">
<main>
<h1 id="headline">${text(title)}</h1>
${context.prompt ? `<blockquote id="prompt">${text(context.prompt)}</blockquote>` : ''}
<dl id="facts">${facts.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${value}</dd>`).join('')}</dl>
${run.last_error ? `<section class="error-box" role="alert"><h2>${escapeHtml(vscode.l10n.t('What went wrong'))}</h2><p>${text(run.last_error.message)}</p></section>` : ''}
<h2>${escapeHtml(vscode.l10n.t('Steps ({0})', ordered.length))}</h2>
${ordered.length ? `<ol id="steps">${stepItems.join('')}</ol>` : `<p class="muted">${escapeHtml(vscode.l10n.t('No steps were recorded.'))}</p>`}
<p class="muted ids">${escapeHtml(vscode.l10n.t('Run {0} · agent {1} · thread {2}', run.id, run.assistant_id, context.thread.id))}</p>
</main>
</body>
</html>`;
}

function incompleteReason(reason: NonNullable<Run['incomplete_details']>['reason']): string {
  switch (reason) {
    case 'max_completion_tokens':
      return vscode.l10n.t('the answer reached its token limit');
    case 'max_prompt_tokens':
      return vscode.l10n.t('the conversation reached the prompt token limit');
    case 'max_tool_rounds':
      return vscode.l10n.t('it reached the most tool rounds allowed');
    case 'budget_exceeded':
      return vscode.l10n.t('it reached a budget');
  }
}

function prettyJson(value: string): string {
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Theme colours only (VS Code sets these variables on the webview), so Dark, Light and High Contrast all read.
const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground);
  background: var(--vscode-editor-background); margin: 0; padding: 0 16px 24px; line-height: 1.45; }
main { max-width: 860px; }
h1 { font-size: 1.4em; font-weight: 600; margin: 16px 0 8px; overflow-wrap: anywhere; }
h2 { font-size: 1.1em; font-weight: 600; margin: 20px 0 8px; }
blockquote { margin: 0 0 12px; padding: 6px 10px; border-left: 3px solid var(--vscode-textBlockQuote-border, var(--vscode-focusBorder));
  background: var(--vscode-textBlockQuote-background); white-space: pre-wrap; overflow-wrap: anywhere; max-height: 8em; overflow: auto; }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 16px; margin: 0; }
dt { color: var(--vscode-descriptionForeground); }
dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-flex; align-items: center; gap: 6px; padding: 0 8px; border-radius: 10px; font-weight: 600;
  border: 1px solid var(--vscode-descriptionForeground); color: var(--vscode-foreground); background: var(--vscode-editor-background); }
/* The status colour marks the border and a dot; the words stay in the theme's text colour, readable in every theme. */
.badge::before { content: ''; width: 8px; height: 8px; border-radius: 50%; background: var(--tone); }
.badge.ok { --tone: var(--vscode-testing-iconPassed, #388a34); border-color: var(--tone); }
.badge.bad { --tone: var(--vscode-testing-iconFailed, #f14c4c); border-color: var(--tone); }
.badge.busy { --tone: var(--vscode-progressBar-background, #0e70c0); border-color: var(--tone); }
.badge.neutral { --tone: var(--vscode-descriptionForeground); }
.muted { color: var(--vscode-descriptionForeground); }
.error-box { border: 1px solid var(--vscode-inputValidation-errorBorder, #be1100); background: var(--vscode-inputValidation-errorBackground);
  padding: 4px 12px; margin-top: 16px; }
.error-box h2 { margin-top: 8px; } .error-box p, .error { overflow-wrap: anywhere; white-space: pre-wrap; }
ol, ul { padding-left: 20px; margin: 0; }
.step { margin: 0 0 12px; }
.step-head { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline; }
.step-kind { font-weight: 600; overflow-wrap: anywhere; }
.calls { list-style: none; padding-left: 0; margin-top: 6px; }
.call { border: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, transparent)); border-radius: 4px; padding: 6px 10px; margin-bottom: 6px; }
code, pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
code.tool { overflow-wrap: anywhere; }
summary { cursor: pointer; color: var(--vscode-textLink-foreground); margin-top: 4px; }
pre { background: var(--vscode-textCodeBlock-background); padding: 6px 8px; margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere;
  max-height: 24em; overflow: auto; }
.ids { margin-top: 24px; font-size: 0.9em; overflow-wrap: anywhere; }
`;

/** The run's cost and its thread's, or why there is none. */
function costText(run: Run, cost: RunCosts | undefined, locale: string): string {
  if (!cost) {
    return run.model.profile === FOUNDRY_PROFILE
      ? vscode.l10n.t('— (no prices set for the deployment {0} in agentThreads.foundry.prices)', run.model.name)
      : vscode.l10n.t('— (no prices set for the model profile {0})', run.model.profile);
  }
  const runCost = cost.run === undefined ? '—' : formatCost(cost.run, locale);
  const threadCost = formatCost(cost.thread, locale);
  return cost.atTodaysPrices
    ? vscode.l10n.t("{0} (thread so far: {1}; at today's prices)", runCost, threadCost)
    : vscode.l10n.t('{0} (thread so far: {1})', runCost, threadCost);
}
