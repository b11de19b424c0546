// The "Thinking" part of an answer: the model's reasoning summary, folded above the answer. It is open while the
// model thinks and nothing of the answer is there yet, and folds once the answer starts; a reader who opens or
// closes it keeps it so while the message keeps re-rendering (every streamed word re-renders the message).

import type { MessageView } from '../../src/protocol/threadView';
import { renderMarkdown } from '../shared/markdown';
import * as l10n from '@vscode/l10n';
import { el } from './dom';

/** The reader's own choice per message (open or closed), which wins over the automatic one. */
const chosen = new Map<string, boolean>();

/** The reasoning part of `message`; only called when it has a summary. */
export function createReasoningPart(message: MessageView): HTMLElement {
  const paragraphs = message.reasoning ?? [];
  const thinking = message.status === 'in_progress' && message.text === '' && message.toolCalls.length === 0;
  const details = el('details', 'reasoning');
  details.open = chosen.get(message.id) ?? thinking;
  const summary = el('summary', 'reasoning-summary');
  const label = el('span', 'reasoning-label', thinking ? l10n.t('Thinking…') : l10n.t('Thinking'));
  const gist = headline(paragraphs);
  summary.append(label);
  if (gist) summary.append(el('span', 'reasoning-gist', gist));
  // A click (or Enter/Space on the focused summary) is the reader's choice; the toggle event would also fire for
  // the automatic state set above.
  summary.addEventListener('click', () => chosen.set(message.id, !details.open));
  const body = el('div', 'reasoning-body markdown');
  body.innerHTML = renderMarkdown(paragraphs.join('\n\n'));
  details.append(summary, body);
  return details;
}

/** The summary with `text` added to paragraph `index` (paragraphs stream one after another). */
export function withReasoningDelta(reasoning: string[] | undefined, index: number, text: string): string[] {
  const next = [...(reasoning ?? [])];
  while (next.length <= index) next.push('');
  next[index] += text;
  return next;
}

/**
 * A short line for the folded part: the newest paragraph's heading (reasoning models open each paragraph with a
 * bold title), else its first line, without Markdown marks.
 */
function headline(paragraphs: string[]): string {
  const latest = [...paragraphs].reverse().find((paragraph) => paragraph.trim()) ?? '';
  const bold = /^\s*\*\*(.+?)\*\*/.exec(latest);
  const line = bold ? bold[1] : (latest.trim().split('\n')[0] ?? '');
  return line.replace(/[*_`#>]/g, '').trim();
}
