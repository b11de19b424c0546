// A run as a Markdown report for "Show Run Details": what ran, with which model, what it cost, each step with its
// tool calls (arguments, output, duration) and the error in full. It is read in an editor, copied into bug reports,
// so known secrets and key-shaped text are redacted like in exports.

import type { Run, RunStep } from '../domain/run';
import { UNTITLED_THREAD_TITLE, type Thread } from '../domain/thread';
import { redactSecrets } from '../util/secretRedaction';

const STATUS_WORDS: Record<Run['status'], string> = {
  queued: 'Queued',
  in_progress: 'Running',
  requires_action: 'Needs approval',
  cancelling: 'Cancelling',
  cancelled: 'Cancelled',
  failed: 'Failed',
  completed: 'Completed',
  incomplete: 'Incomplete',
  expired: 'Expired',
};

/** The report of one run of `thread`; `steps` are the run's steps in any order. */
export function runReportMarkdown(
  thread: Pick<Thread, 'id' | 'title'>,
  run: Run,
  steps: readonly RunStep[],
  knownSecrets: readonly string[] = [],
): string {
  const ended = run.completed_at ?? run.failed_at ?? run.cancelled_at;
  const rows: [string, string][] = [
    ['Status', `${STATUS_WORDS[run.status]} (\`${run.status}\`)`],
    ['Thread', `${thread.title || UNTITLED_THREAD_TITLE} (\`${thread.id}\`)`],
    ['Agent', `\`${run.assistant_id}\` version ${run.assistant_version}`],
    ['Model', `${run.model.profile} / ${run.model.name}`],
    ['Created', time(run.created_at)],
    ['Started', time(run.started_at)],
    ['Ended', time(ended)],
    ['Duration', run.started_at !== null && ended !== null ? seconds(ended - run.started_at) : '—'],
    [
      'Usage',
      run.usage ? `${run.usage.prompt_tokens} prompt + ${run.usage.completion_tokens} completion = ${run.usage.total_tokens} tokens` : '—',
    ],
    ['Last error', run.last_error ? `\`${run.last_error.code}\`: ${run.last_error.message}` : '—'],
  ];
  if (run.incomplete_details) rows.push(['Incomplete because', `\`${run.incomplete_details.reason}\``]);
  if (run.status === 'requires_action' && run.required_action) {
    rows.push([
      'Waiting for approval of',
      run.required_action.submit_tool_outputs.tool_calls.map((call) => `\`${call.function.name}\``).join(', '),
    ]);
  }

  const lines = [`# Run ${run.id}`, '', '| | |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${tableCell(value)} |`), ''];
  const ordered = [...steps].sort((a, b) => a.created_at - b.created_at);
  lines.push(`## Steps (${ordered.length})`, '');
  if (ordered.length === 0) lines.push('No steps were recorded.', '');
  ordered.forEach((step, index) => {
    const end = step.completed_at ?? step.failed_at ?? step.cancelled_at ?? step.expired_at;
    const duration = end !== null ? `, ${seconds(end - step.created_at)}` : '';
    if (step.type === 'message_creation') {
      lines.push(
        `### ${index + 1}. Message — ${step.status}${duration}`,
        '',
        `Wrote message \`${step.step_details.message_creation.message_id}\`.`,
        '',
      );
    } else {
      lines.push(`### ${index + 1}. Tool calls — ${step.status}${duration}`, '');
      for (const call of step.step_details.tool_calls) {
        lines.push(
          `#### \`${call.function.name}\` — ${call.status.replace('_', ' ')}`,
          '',
          'Arguments:',
          '',
          fenced(prettyJson(call.function.arguments), 'json'),
          '',
        );
        lines.push('Output:', '', call.function.output === null ? '*(none yet)*' : fenced(call.function.output, 'text'), '');
      }
    }
    if (step.last_error) lines.push(`Step error: \`${step.last_error.code}\`: ${step.last_error.message}`, '');
  });
  return redactSecrets(lines.join('\n'), knownSecrets);
}

function time(value: number | null): string {
  return value === null ? '—' : new Date(value * 1000).toISOString().replace('.000Z', 'Z');
}

// Timestamps are whole seconds (as in the Assistants API), so durations are too.
function seconds(value: number): string {
  return `${Math.max(0, value)} s`;
}

function tableCell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A code fence longer than any run of backticks inside, so tool output cannot end it early. */
function fenced(text: string, language: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
