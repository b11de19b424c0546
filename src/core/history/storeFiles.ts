// What a backup carries of a thread store, and the only paths a restore accepts: every agent version, every thread's
// log and metadata, every change journal and stored content. Indexes (messages.idx, runs.idx, search/) are left out:
// the store rebuilds them from the logs. Locks, trash and staging folders are never part of a store's data.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isValidId } from '../domain/ids';
import { errnoCode } from '../util/errors';

/** One file of a store: its path inside the store (forward slashes) and where it is on disk. */
export interface StoreFile {
  path: string;
  absolute: string;
}

const JOURNAL = /^[A-Za-z0-9_-]{1,128}\.jsonl$/;
const AGENT_VERSION = /^v\d{6,}\.json$/;
const SHARD = /^[0-9a-f]{2}$/;
const CONTENT = /^[0-9a-f]{64}$/;
const THREAD_FILES = ['thread.json', 'messages.jsonl'] as const;

/** Every file a backup of the store at `root` holds, agents first, in a stable order. */
export async function listStoreFiles(root: string): Promise<StoreFile[]> {
  const files: StoreFile[] = [];
  const add = (path: string) => files.push({ path, absolute: join(root, ...path.split('/')) });
  for (const agent of await names(join(root, 'agents'))) {
    if (!isValidId('asst', agent)) continue;
    for (const version of await names(join(root, 'agents', agent))) if (AGENT_VERSION.test(version)) add(`agents/${agent}/${version}`);
  }
  for (const thread of await names(join(root, 'threads'))) {
    if (!isValidId('thread', thread)) continue;
    const present = new Set(await names(join(root, 'threads', thread)));
    // A folder without thread.json is a thread being created or deleted: not a thread yet (see ThreadStore.create).
    if (!present.has('thread.json')) continue;
    for (const file of THREAD_FILES) if (present.has(file)) add(`threads/${thread}/${file}`);
  }
  for (const journal of await names(join(root, 'checkpoints'))) if (JOURNAL.test(journal)) add(`checkpoints/${journal}`);
  for (const shard of await names(join(root, 'checkpoints', 'contents'))) {
    if (!SHARD.test(shard)) continue;
    for (const object of await names(join(root, 'checkpoints', 'contents', shard)))
      if (CONTENT.test(object) && object.startsWith(shard)) add(`checkpoints/contents/${shard}/${object}`);
  }
  return files;
}

/**
 * Why an archive entry's path may not be restored, or undefined when it names a file a store holds. A path that
 * would leave the store (absolute, a drive, `..`, a backslash) is refused before anything else is looked at.
 */
export function refusedPath(path: string): string | undefined {
  if (
    path.length === 0 ||
    path.includes('\\') ||
    path.includes('\0') ||
    path.startsWith('/') ||
    /^[A-Za-z]:/.test(path) ||
    path.split('/').some((part) => part === '..' || part === '.' || part === '')
  ) {
    return 'its path would leave the store';
  }
  return isStorePath(path) ? undefined : 'it is not a file a thread store holds';
}

function isStorePath(path: string): boolean {
  const parts = path.split('/');
  switch (parts[0]) {
    case 'agents':
      return parts.length === 3 && isValidId('asst', parts[1]) && AGENT_VERSION.test(parts[2]);
    case 'threads':
      return parts.length === 3 && isValidId('thread', parts[1]) && (THREAD_FILES as readonly string[]).includes(parts[2]);
    case 'checkpoints':
      if (parts.length === 2) return JOURNAL.test(parts[1]);
      return (
        parts.length === 4 && parts[1] === 'contents' && SHARD.test(parts[2]) && CONTENT.test(parts[3]) && parts[3].startsWith(parts[2])
      );
    default:
      return false;
  }
}

/** The names in a folder; none when it does not exist. */
async function names(folder: string): Promise<string[]> {
  try {
    return (await fs.readdir(folder)).sort();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}
