// Forking copies a thread's history up to a message into a new thread; nothing in the source is ever changed.
// The copy pages through the source from the start (listMessages, ascending) and appends in batches, so a fork
// of a 100,000-message thread holds at most one batch in memory and makes a handful of appends.

import { StoreError } from '../domain/errors';
import type { Message, MessageContent, MessageInput } from '../domain/message';
import { UNTITLED_THREAD_TITLE, type Thread } from '../domain/thread';
import type { ThreadRepository } from '../backend/backend';

/** Thread metadata key naming where a fork came from, as `<threadId>/<messageId>`. */
export const FORKED_FROM_KEY = 'forked_from';
/** Message metadata key on an edited message naming the message it replaces, as `<threadId>/<messageId>`. */
export const EDITED_FROM_KEY = 'edited_from';
/**
 * Thread metadata keys of a fork made by Retry or Edit and Resend, which holds another version of the message it was
 * forked from: which of the two made it, and the id (in the fork) of the last message copied into it ('' when none),
 * so the version it holds is the message after that one (see versions.ts).
 */
export const FORK_KIND_KEY = 'fork_kind';
export const FORK_BASE_KEY = 'fork_base';
export type VersionForkKind = 'retry' | 'edit';

const PAGE_SIZE = 100;
const DEFAULT_BATCH = 1_000;

export interface ForkOptions {
  /** Title of the new thread; default "<source title> (fork)". */
  title?: string;
  /** Messages appended per write; default 1,000. */
  batchSize?: number;
}

/** A new thread with a copy of `threadId`'s messages up to and including `messageId` (new ids, same content). */
export async function forkThread(store: ThreadRepository, threadId: string, messageId: string, options: ForkOptions = {}): Promise<Thread> {
  const source = await store.get(threadId);
  await store.getMessage(threadId, messageId); // fails with message_not_found before anything is created
  return copyInto(store, source, { upTo: messageId, forkPoint: messageId, title: options.title, batchSize: options.batchSize });
}

/** The result of Edit and Resend: the new thread and the edited user message at its end. */
export interface EditResult {
  thread: Thread;
  message: Message;
}

/**
 * A fork up to the message before `userMessageId`, then a new user message with `newText` (keeping the original's
 * images, file references and attachments). The caller starts a run on the new thread.
 */
export async function editAndResend(
  store: ThreadRepository,
  threadId: string,
  userMessageId: string,
  newText: string,
  options: ForkOptions = {},
): Promise<EditResult> {
  const source = await store.get(threadId);
  const original = await store.getMessage(threadId, userMessageId);
  if (original.role !== 'user')
    throw new StoreError(
      'invalid_message',
      `Only your own messages can be edited and resent; ${userMessageId} is an ${original.role} message. Use Fork from here instead.`,
    );
  if (!newText.trim()) throw new StoreError('invalid_message', 'The edited message is empty: type the text to send.');
  const previous = await store.listMessages(threadId, { order: 'desc', after: userMessageId, limit: 1 });
  const upTo = previous.data[0]?.id;
  const thread = await copyInto(store, source, {
    upTo,
    forkPoint: userMessageId,
    title: options.title,
    batchSize: options.batchSize,
    kind: 'edit',
  });
  const message = await store.appendMessage(thread.id, {
    role: 'user',
    content: editedContent(original.content, newText),
    attachments: original.attachments,
    metadata: { ...(original.metadata ?? {}), [EDITED_FROM_KEY]: `${threadId}/${userMessageId}` },
  });
  return { thread: await store.get(thread.id), message };
}

/** Creates the fork and copies messages up to `upTo` (none when undefined); removes the fork if copying fails. */
async function copyInto(
  store: ThreadRepository,
  source: Thread,
  plan: { upTo: string | undefined; forkPoint: string; title?: string; batchSize?: number; kind?: VersionForkKind },
): Promise<Thread> {
  const metadata = { [FORKED_FROM_KEY]: `${source.id}/${plan.forkPoint}` };
  const fork = await store.create({
    title: plan.title?.trim() || `${source.title || UNTITLED_THREAD_TITLE} (fork)`,
    agent_id: source.agent_id,
    metadata,
  });
  try {
    const last =
      plan.upTo === undefined ? undefined : await copyMessages(store, source.id, fork.id, plan.upTo, plan.batchSize ?? DEFAULT_BATCH);
    // Recorded once the copy is whole: a fork without it is not offered as a version (see versions.ts).
    if (plan.kind) await store.update(fork.id, { metadata: { ...metadata, [FORK_KIND_KEY]: plan.kind, [FORK_BASE_KEY]: last?.id ?? '' } });
  } catch (error) {
    await store.delete(fork.id).catch(() => undefined);
    throw error;
  }
  return store.get(fork.id);
}

/** Copies the messages of `from` up to `upTo` into `to`; returns the last copy. */
async function copyMessages(store: ThreadRepository, from: string, to: string, upTo: string, batchSize: number): Promise<Message> {
  let batch: MessageInput[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.listMessages(from, { order: 'asc', limit: PAGE_SIZE, after });
    for (const message of page.data) {
      batch.push(copyOf(message));
      if (message.id === upTo) return (await store.appendMessages(to, batch)).at(-1)!;
    }
    if (batch.length >= batchSize) {
      await store.appendMessages(to, batch);
      batch = [];
    }
    if (!page.has_more || !page.last_id)
      throw new StoreError('message_not_found', `Message ${upTo} is no longer in thread ${from}; nothing was forked.`);
    after = page.last_id;
  }
}

/** The same message for another thread: new id, no run (runs are not copied), a half-streamed answer marked incomplete. */
function copyOf(message: Message): MessageInput {
  const streaming = message.status === 'in_progress';
  const input: MessageInput = {
    role: message.role,
    content: message.content,
    assistant_id: message.assistant_id,
    run_id: null,
    status: streaming ? 'incomplete' : message.status,
    incomplete_details: streaming ? { reason: 'run_cancelled' } : message.incomplete_details,
    attachments: message.attachments,
    metadata: message.metadata,
    created_at: message.created_at,
    completed_at: message.completed_at,
    incomplete_at: streaming ? message.created_at : message.incomplete_at,
  };
  if (message.tool_calls) input.tool_calls = message.tool_calls;
  if (message.assistant_version !== undefined) input.assistant_version = message.assistant_version;
  return input;
}

function editedContent(original: MessageContent[], text: string): MessageContent[] {
  return [{ type: 'text', text: { value: text } }, ...original.filter((part) => part.type !== 'text')];
}

/** The result of Retry: the new thread, which ends with the user message the retried answer replied to. */
export interface RetryResult {
  thread: Thread;
  /** The user message the new run answers. */
  question: Message;
}

/**
 * Retry an answer without touching the thread it is in: a fork up to and including the nearest user message before
 * `answerId`, so a run started there answers that message again, and the earlier answer stays where it was.
 */
export async function retryFromAnswer(
  store: ThreadRepository,
  threadId: string,
  answerId: string,
  options: ForkOptions = {},
): Promise<RetryResult> {
  const source = await store.get(threadId);
  const answer = await store.getMessage(threadId, answerId);
  if (answer.role !== 'assistant')
    throw new StoreError('invalid_message', `Only an answer can be retried; ${answerId} is your own message. Use Edit and Resend instead.`);
  const question = await previousUserMessage(store, threadId, answerId);
  if (!question) throw new StoreError('message_not_found', 'There is no message of yours before this answer to answer again.');
  const title = options.title ?? `${source.title || UNTITLED_THREAD_TITLE} (retry)`;
  const thread = await copyInto(store, source, {
    upTo: question.id,
    forkPoint: answerId,
    title,
    batchSize: options.batchSize,
    kind: 'retry',
  });
  return { thread, question };
}

/** The nearest user message before `messageId`, reading back a page at a time (answers may be many tool rounds long). */
async function previousUserMessage(store: ThreadRepository, threadId: string, messageId: string): Promise<Message | undefined> {
  let after = messageId;
  for (;;) {
    const page = await store.listMessages(threadId, { order: 'desc', after, limit: PAGE_SIZE });
    const found = page.data.find((message) => message.role === 'user');
    if (found) return found;
    if (!page.has_more || !page.last_id) return undefined;
    after = page.last_id;
  }
}
