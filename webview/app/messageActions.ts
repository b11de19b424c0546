import type { MessageView } from '../../src/protocol/threadView';
import { postToHost } from './host';
import { el } from './dom';
import * as l10n from '@vscode/l10n';

type MessageAction = 'copy' | 'retry' | 'edit' | 'fork';

/**
 * The actions of a finished message, shown on hover and on keyboard focus, as in Copilot Chat: Copy; Retry on an
 * answer; Edit and Resend on your own message; Fork from here. Retry and Edit and Resend continue in a new thread
 * (a fork), so the thread they started from keeps every message: nothing is lost without asking.
 */
export function messageActions(message: MessageView): HTMLElement {
  const actions = el('span', 'message-actions');
  actions.setAttribute('role', 'group');
  actions.setAttribute('aria-label', l10n.t('Message actions'));
  actions.append(actionButton('copy', 'copy', l10n.t('Copy'), l10n.t('Copy the message as Markdown')));
  if (message.role === 'assistant')
    actions.append(
      actionButton('refresh', 'retry', l10n.t('Retry'), l10n.t('Retry: answer again in a new thread; this one keeps this answer')),
    );
  else
    actions.append(
      actionButton(
        'edit',
        'edit',
        l10n.t('Edit and Resend'),
        l10n.t('Edit and Resend: edit in the composer, then send to a new thread from here'),
      ),
    );
  actions.append(
    actionButton(
      'repo-forked',
      'fork',
      l10n.t('Fork from here'),
      l10n.t('Fork from here: a new thread with the history up to this message'),
    ),
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
