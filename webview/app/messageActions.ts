import type { MessageView } from '../../src/protocol/threadView';
import { postToHost } from './host';
import { el } from './dom';
import { t } from '../shared/l10n';

type MessageAction = 'copy' | 'retry' | 'edit' | 'fork';

/**
 * The actions of a finished message, shown on hover and on keyboard focus, as in Copilot Chat: Copy; Retry on an
 * answer; Edit and Resend on your own message; Fork from here. Retry and Edit and Resend continue in a new thread
 * (a fork), so the thread they started from keeps every message: nothing is lost without asking.
 */
export function messageActions(message: MessageView): HTMLElement {
  const actions = el('span', 'message-actions');
  actions.setAttribute('role', 'group');
  actions.setAttribute('aria-label', t('Message actions'));
  actions.append(actionButton('copy', 'copy', t('Copy'), t('Copy the message as Markdown')));
  if (message.role === 'assistant')
    actions.append(actionButton('refresh', 'retry', t('Retry'), t('Retry: answer again in a new thread; this one keeps this answer')));
  else
    actions.append(
      actionButton('edit', 'edit', t('Edit and Resend'), t('Edit and Resend: edit in the composer, then send to a new thread from here')),
    );
  actions.append(
    actionButton('repo-forked', 'fork', t('Fork from here'), t('Fork from here: a new thread with the history up to this message')),
  );
  return actions;
}

function actionButton(icon: string, action: MessageAction, label: string, tooltip: string): HTMLButtonElement {
  const button = el('button', `message-action codicon codicon-${icon}`);
  button.type = 'button';
  button.title = tooltip;
  button.setAttribute('aria-label', label);
  button.dataset.messageAction = action;
  return button;
}

/** What the actions need from the rest of the view. */
export interface MessageActionContext {
  /** The message's Markdown, from the list's window. */
  textOf(messageId: string): string | undefined;
  /** Puts the user's message into the composer to edit; sending it then resends it. */
  editInComposer(messageId: string, text: string): void;
}

/** Runs the action of a clicked `[data-message-action]` button; false when the click was not on one. */
export function runMessageAction(target: HTMLElement, context: MessageActionContext): boolean {
  const button = target.closest<HTMLElement>('[data-message-action]');
  if (!button) return false;
  const messageId = button.closest<HTMLElement>('[data-message-id]')?.dataset.messageId;
  if (!messageId) return true;
  switch (button.dataset.messageAction as MessageAction) {
    case 'copy':
      postToHost({ type: 'copyText', text: context.textOf(messageId) ?? '' });
      break;
    case 'retry':
      postToHost({ type: 'retryFromMessage', messageId });
      break;
    case 'edit':
      context.editInComposer(messageId, context.textOf(messageId) ?? '');
      break;
    case 'fork':
      postToHost({ type: 'forkFromMessage', messageId });
      break;
  }
  return true;
}
