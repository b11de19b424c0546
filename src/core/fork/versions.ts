// Versions of a message: Retry and Edit and Resend never change the thread they start from; they continue in a fork
// that holds another version of the answer (or of the user's message). The chat shows "‹ 2 / 3 ›" on each version and
// moves between the threads that hold them, as Copilot Chat does between the versions of an answer in place.
//
// A version fork's metadata names the message it is another version of (forked_from), how it was made (fork_kind)
// and the last message copied into it (fork_base); the version it holds is the message after that one. A retry of a
// retry joins the versions of the first answer, so the versions of one message are one list however they were made.

import type { Thread } from '../domain/thread';
import type { ThreadRepository } from '../backend/backend';
import { FORKED_FROM_KEY, FORK_BASE_KEY, FORK_KIND_KEY } from './forkThread';

/** Where one version is: a thread, and the message in it (null while a retried answer has not been written yet). */
export interface VersionRef {
  threadId: string;
  messageId: string | null;
}

/** The versions of the message `messageId` of a thread, oldest first, and which of them it is. */
export interface MessageVersions {
  messageId: string;
  index: number;
  versions: VersionRef[];
}

interface VersionFork {
  thread: Thread;
  /** `<threadId>/<messageId>` of the message this fork holds another version of. */
  of: string;
  base: string;
}

/** The version forks among `threads`: forks made by Retry or Edit and Resend whose copy completed. */
function versionForks(threads: readonly Thread[]): VersionFork[] {
  const forks: VersionFork[] = [];
  for (const thread of threads) {
    const metadata = thread.metadata ?? {};
    const of = metadata[FORKED_FROM_KEY];
    const kind = metadata[FORK_KIND_KEY];
    const base = metadata[FORK_BASE_KEY];
    if (of && (kind === 'retry' || kind === 'edit') && base !== undefined) forks.push({ thread, of, base });
  }
  return forks;
}

/**
 * The versions of every message of `threadId` that has more than one: the messages other threads hold versions of,
 * and the version this thread holds if it is a version fork. Reads the thread list once and one message per fork
 * concerned.
 */
export async function messageVersions(store: ThreadRepository, threadId: string): Promise<MessageVersions[]> {
  const forks = versionForks(await store.list());
  if (forks.length === 0) return [];
  const byThread = new Map(forks.map((fork) => [fork.thread.id, fork]));
  const heldMessage = new Map<string, Promise<string | null>>();
  /** The message a version fork holds: the first after its copied history. */
  const held = (fork: VersionFork): Promise<string | null> => {
    let found = heldMessage.get(fork.thread.id);
    if (!found) {
      found = store
        .listMessages(fork.thread.id, { order: 'asc', limit: 1, ...(fork.base ? { after: fork.base } : {}) })
        .then((page) => page.data[0]?.id ?? null)
        .catch(() => null); // a fork deleted meanwhile, or its base message gone: offered without a message
      heldMessage.set(fork.thread.id, found);
    }
    return found;
  };
  /** The original a `<thread>/<message>` is a version of: itself, unless that message is what a version fork holds. */
  const rootOf = async (key: string, seen = new Set<string>()): Promise<string> => {
    const [thread, message] = splitKey(key);
    const fork = byThread.get(thread);
    if (!fork || seen.has(key) || (await held(fork)) !== message) return key;
    seen.add(key);
    return rootOf(fork.of, seen);
  };

  // Every version fork grouped under the original message it is a version of, in the order they were made (a retry
  // of a retry after its parent, though both may carry the same second).
  const groups = new Map<string, { fork: VersionFork; depth: number }[]>();
  for (const fork of forks) {
    const seen = new Set<string>();
    const root = await rootOf(fork.of, seen);
    groups.set(root, [...(groups.get(root) ?? []), { fork, depth: seen.size }]);
  }

  const result: MessageVersions[] = [];
  for (const [root, members] of groups) {
    const [rootThread, rootMessage] = splitKey(root);
    if (rootThread !== threadId && !members.some(({ fork }) => fork.thread.id === threadId)) continue;
    members.sort((a, b) => a.fork.thread.created_at - b.fork.thread.created_at || a.depth - b.depth);
    const versions: VersionRef[] = [{ threadId: rootThread, messageId: rootMessage }];
    for (const { fork } of members) versions.push({ threadId: fork.thread.id, messageId: await held(fork) });
    const index = versions.findIndex((version) => version.threadId === threadId && version.messageId !== null);
    if (index >= 0) result.push({ messageId: versions[index].messageId!, index, versions });
  }
  return result;
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? [key, ''] : [key.slice(0, slash), key.slice(slash + 1)];
}
