import * as vscode from 'vscode';
import type { Thread } from '../../core/domain';
import { messageText } from '../../core/domain';
import { editAndResend, forkThread } from '../../core/fork';
import type { ThreadRepository } from '../../core/backend';
import type { RunService } from '../../core/backend';
import type { ThreadPanels } from '../views/threadPanels';

export interface ForkCommandServices {
  threads: ThreadRepository;
  runs: RunService;
  panels: ThreadPanels;
}

/** "Fork Thread from Message": copies the history up to the message into a new thread and opens it. */
export async function forkFromMessage(s: ForkCommandServices, threadId: string, messageId: string): Promise<Thread> {
  if (typeof threadId !== 'string' || typeof messageId !== 'string')
    throw new Error('Fork Thread from Message needs a thread and a message: use "Fork from here" on a message in a thread.');
  const thread = await forkThread(s.threads, threadId, messageId);
  await s.panels.open(thread.id);
  return thread;
}

/**
 * "Edit and Resend": asks for the new text (prefilled with the old) unless given, forks before the message, appends
 * the edited message, opens the new thread and starts a run with the given agent (the one picked in the chat it
 * came from), else the thread's.
 */
export async function editAndResendMessage(
  s: ForkCommandServices,
  threadId: string,
  messageId: string,
  text?: string,
  agentId?: string,
): Promise<Thread | undefined> {
  if (typeof threadId !== 'string' || typeof messageId !== 'string')
    throw new Error('Edit and Resend needs a thread and one of your messages: use "Edit & resend" on a message in a thread.');
  const newText =
    text ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Edit and Resend'),
      prompt: vscode.l10n.t('The conversation continues in a new thread from this point; the original stays as it is.'),
      value: messageText(await s.threads.getMessage(threadId, messageId)),
      validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('Type the message to send.')),
    }));
  if (newText === undefined) return undefined;
  const { thread } = await editAndResend(s.threads, threadId, messageId, newText);
  await s.panels.open(thread.id);
  const agent = typeof agentId === 'string' ? agentId : thread.agent_id;
  if (agent) await s.runs.createRun(thread.id, agent);
  return thread;
}
