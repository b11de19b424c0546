import type { MessageView } from '../../src/protocol/threadView';
import { renderMarkdown } from '../shared/markdown';
import { component, el } from './dom';
import { createToolCard } from './toolCards';
import { t } from '../shared/l10n';

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
  article.dataset.status = message.status;
  article.classList.toggle('tool-only', !message.text && message.toolCalls.length > 0 && message.images.length === 0);
  article.setAttribute('aria-label', `${author}${message.status === 'in_progress' ? ', writing' : ''}`);
  const header = el('div', 'message-role');
  const authorLabel = el('span', 'message-author', author);
  authorLabel.title = authorTitle(message, author);
  header.append(authorLabel, messageTime(message.createdAt));
  if (message.status !== 'in_progress') header.append(messageActions(message));
  if (message.status === 'in_progress')
    header.append(component('vscode-progress-ring', { class: 'inline-progress', 'aria-label': t('Writing') }));
  if (message.status === 'incomplete') header.append(el('span', 'message-incomplete', t(' · incomplete')));
  article.append(header);

  const body = el('div', 'message-body markdown');
  body.innerHTML = renderMarkdown(message.text);
  article.append(body);

  if (message.images.length > 0) {
    const images = el('div', 'message-images');
    for (const image of message.images) {
      const img = el('img');
      img.src = image.src;
      img.alt = image.alt;
      images.append(img);
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

/** The author's hover text: which version of the agent wrote an answer (every save of an agent is a version). */
export function authorTitle(message: MessageView, author: string): string {
  return message.agentVersion === null ? author : `${author}, version ${message.agentVersion}`;
}

/** When a message was written: the time (with the date when not today), the full date and time on hover. */
function messageTime(createdAt: number): HTMLElement {
  const date = new Date(createdAt * 1000);
  const today = new Date().toDateString() === date.toDateString();
  const time = el(
    'time',
    'message-time',
    today
      ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
      : date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
  );
  time.dateTime = date.toISOString();
  time.title = date.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'medium' });
  return time;
}

/** Hover actions of a finished message: copy it, fork the thread from it, and for the user's own messages, edit and resend. */
function messageActions(message: MessageView): HTMLElement {
  const actions = el('span', 'message-actions');
  actions.append(actionButton('copy', 'copy', 'Copy message'));
  actions.append(actionButton('repo-forked', 'fork', 'Fork from here: a new thread with the history up to this message'));
  if (message.role === 'user') actions.append(actionButton('edit', 'edit', 'Edit and resend as a new thread (this one stays as it is)'));
  return actions;
}

/** An icon button whose `data-message-action` the click handler in main.ts turns into an intent. */
function actionButton(icon: string, action: 'copy' | 'fork' | 'edit', title: string): HTMLButtonElement {
  const button = el('button', `message-action codicon codicon-${icon}`);
  button.type = 'button';
  button.title = title;
  button.setAttribute('aria-label', title);
  button.dataset.messageAction = action;
  return button;
}
