import type { MessageView } from '../../src/protocol/threadView';
import { renderMarkdown } from '../shared/markdown';
import { component, el } from './dom';
import { createToolCard } from './toolCards';
import * as l10n from '@vscode/l10n';
import { createReasoningPart } from './reasoningPart';
import { createSummaryPart } from './summaryPart';
import { messageActions } from './messageActions';
import { versionSwitcher } from './messageVersions';
import { imageOpener } from './imageViewer';

/** Builds the element of one message; `updateMessageElement` re-renders it in place when it changes. */
export function createMessageElement(message: MessageView, author: string): HTMLElement {
  const article = el('article', `message ${message.role}`);
  article.dataset.messageId = message.id;
  if (message.runId) article.dataset.runId = message.runId;
  updateMessageElement(article, message, author);
  return article;
}

/** `author` is who the header names: "You", or the name of the agent that wrote the answer. */
export function updateMessageElement(article: HTMLElement, message: MessageView, author: string): void {
  article.replaceChildren();
  if (message.summary) {
    // A summary is a marker in the thread, not an answer: no author line, no message actions.
    article.classList.add('summary');
    article.setAttribute('aria-label', l10n.t('Earlier conversation summarized'));
    article.append(createSummaryPart({ ...message, summary: message.summary }));
    return;
  }
  article.dataset.status = message.status;
  article.classList.toggle('tool-only', !message.text && message.toolCalls.length > 0 && message.images.length === 0);
  // A Foundry reasoning item is a message of its own, read back as it streamed: its "Thinking" part, above the answer.
  article.classList.toggle(
    'reasoning-only',
    !message.text && message.toolCalls.length === 0 && message.images.length === 0 && !!message.reasoning?.length,
  );
  article.setAttribute('aria-label', `${author}${message.status === 'in_progress' ? ', writing' : ''}`);
  const header = el('div', 'message-role');
  const authorLabel = el('span', 'message-author', author);
  authorLabel.title = authorTitle(message, author);
  header.append(authorLabel);
  // 0: the backend does not know when it was written (Foundry's conversation items carry no time); no time beats 1970.
  if (message.createdAt > 0) header.append(messageTime(message.createdAt));
  if (message.status !== 'in_progress') header.append(messageActions(message));
  if (message.status === 'in_progress')
    header.append(component('vscode-progress-ring', { class: 'inline-progress', 'aria-label': l10n.t('Writing') }));
  if (message.status === 'incomplete') header.append(el('span', 'message-incomplete', l10n.t(' · incomplete')));
  article.append(header);
  if (message.reasoning?.length) article.append(createReasoningPart(message));

  const body = el('div', 'message-body markdown');
  body.innerHTML = renderMarkdown(message.text);
  article.append(body);
  const versions = versionSwitcher(message.id);
  if (versions) article.append(versions);

  if (message.images.length > 0) {
    const images = el('div', 'message-images');
    for (const image of message.images) {
      images.append(imageOpener(image.src, image.alt));
    }
    article.append(images);
  }
  if (message.files.length > 0) {
    const files = el('div', 'message-files');
    for (const path of message.files) {
      const link = el('a', 'file-link', path);
      link.href = '#';
      link.dataset.file = path;
      files.append(link);
    }
    article.append(files);
  }
  if (message.toolCalls.length > 0) {
    const calls = el('div', 'tool-calls');
    calls.append(...message.toolCalls.map(createToolCard));
    article.append(calls);
  }
}

/** The author's tooltip: who, which version of the agent, and when (the time is hidden in a narrow sidebar). */
export function authorTitle(message: MessageView, author: string): string {
  const who = message.agentVersion === null ? author : `${author}, version ${message.agentVersion}`;
  return message.createdAt > 0 ? `${who} · ${fullDate.format(new Date(message.createdAt * 1000))}` : who;
}

// Made once: toLocaleString with options builds a new formatter on every call, a cost paid per message when a page
// of history goes in.
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

/** When a message was written: the time (with the date when not today), the full date and time on hover. */
function messageTime(createdAt: number): HTMLElement {
  const date = new Date(createdAt * 1000);
  const today = new Date().toDateString() === date.toDateString();
  const time = el('time', 'message-time', (today ? timeOfDay : dayAndTime).format(date));
  time.dateTime = date.toISOString();
  time.title = fullDate.format(date);
  return time;
}
