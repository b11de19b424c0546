// A compaction summary in the thread: one folded line, "Earlier conversation summarized (N messages)", where it
// happened. Open, it shows the summary (the model's part and the record built from the log), with a way to the
// original messages, which stay in the thread above it, and a way to write the summary again.

import type { MessageView } from '../../src/protocol/threadView';
import { renderMarkdown } from '../shared/markdown';
import * as l10n from '@vscode/l10n';
import { el } from './dom';
import { postToHost } from './host';

/** The reader's choice per summary (open or closed), kept while the list re-renders. */
const chosen = new Map<string, boolean>();

/** The element of a summary message; only called when `message.summary` is set. */
export function createSummaryPart(message: MessageView & { summary: NonNullable<MessageView['summary']> }): HTMLElement {
  const details = el('details', 'compaction-summary');
  details.open = chosen.get(message.id) ?? false;
  const line = el('summary', 'compaction-summary-line');
  line.append(el('span', 'compaction-summary-label', l10n.t('Earlier conversation summarized ({0} messages)', message.summary.count)));
  line.addEventListener('click', () => chosen.set(message.id, !details.open));
  const body = el('div', 'compaction-summary-body markdown');
  body.innerHTML = renderMarkdown(message.text);
  const actions = el('div', 'compaction-summary-actions');
  actions.append(
    link(l10n.t('Show the original messages'), 'show-originals', () =>
      postToHost({ type: 'revealMessage', messageId: message.summary.throughId }),
    ),
    link(l10n.t('Regenerate summary'), 'regenerate-summary', () => postToHost({ type: 'regenerateSummary', messageId: message.id })),
  );
  details.append(line, actions, body);
  return details;
}

function link(text: string, name: string, onClick: () => void): HTMLElement {
  const anchor = el('a', `compaction-summary-action ${name}`, text);
  anchor.setAttribute('href', '#');
  anchor.addEventListener('click', (event) => {
    event.preventDefault();
    onClick();
  });
  return anchor;
}
