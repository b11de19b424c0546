// Thread stores on this machine, found where VS Code keeps workspace storage: `<workspaceStorage>/<id>/` holds
// workspace.json (naming the folder or workspace file that id stands for) and one folder per extension, ours among
// them. This finds stores written before the registry existed, and stores of other profiles.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isValidId } from '../domain/ids';
import { readJsonFile } from '../store/atomicWrite';
import { ThreadIndex } from '../store/threadIndex';
import { mapWithConcurrency } from '../util/mapWithConcurrency';

/** A thread store found in a workspace storage folder. */
export interface ScannedStore {
  /** The store folder: `<workspace storage>/<id>/<extension folder>`. */
  path: string;
  /** The workspace's folder URI, from workspace.json (a folder opened alone). */
  folder?: string;
  /** The workspace file's URI, from workspace.json (a multi-root workspace). */
  workspace?: string;
  /** The name a VS Code server (remote, code-server) gives the workspace in meta.json, where there is no workspace.json. */
  name?: string;
  threadCount: number;
}

/** Folders read at once: enough to keep the thread pool busy, few enough to leave the event loop free. */
const CONCURRENCY = 16;

/**
 * Every store of the extension whose folder is `extensionFolder` (its id, as VS Code names storage folders) under the
 * given workspace storage folders. Reads, per workspace, one folder listing and workspace.json; never a thread log.
 */
export async function scanWorkspaceStorage(roots: readonly string[], extensionFolder: string): Promise<ScannedStore[]> {
  const workspaces: string[] = [];
  for (const root of roots) {
    const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isDirectory()) workspaces.push(join(root, entry.name));
  }
  const found = await mapWithConcurrency(workspaces, CONCURRENCY, (workspace) => scanOne(workspace, extensionFolder));
  return found.filter((store): store is ScannedStore => store !== undefined);
}

async function scanOne(workspace: string, extensionFolder: string): Promise<ScannedStore | undefined> {
  const path = join(workspace, extensionFolder);
  const threadCount = await countThreads(path);
  if (threadCount === undefined) return undefined;
  const store: ScannedStore = { path, threadCount };
  const named = await fs.readFile(join(workspace, 'workspace.json'), 'utf8').then(
    (text) => JSON.parse(text) as { folder?: unknown; workspace?: unknown },
    () => undefined,
  );
  if (typeof named?.folder === 'string') store.folder = named.folder;
  if (typeof named?.workspace === 'string') store.workspace = named.workspace;
  if (!named) {
    const meta = await fs.readFile(join(workspace, 'meta.json'), 'utf8').then(
      (text) => JSON.parse(text) as { name?: unknown },
      () => undefined,
    );
    if (typeof meta?.name === 'string') store.name = meta.name;
  }
  return store;
}

/** Threads in a store folder (by their folders; none read); undefined when the folder holds no store. */
export async function countThreads(storePath: string): Promise<number | undefined> {
  try {
    return (await fs.readdir(join(storePath, 'threads'))).filter((name) => isValidId('thread', name)).length;
  } catch {
    // A store with agents but no thread yet is still a store.
    return (await fs.stat(join(storePath, 'agents')).then(
      (stat) => stat.isDirectory(),
      () => false,
    ))
      ? 0
      : undefined;
  }
}

/** The ids of the threads in a store folder. */
export async function threadIdsIn(storePath: string): Promise<string[]> {
  const names = await fs.readdir(join(storePath, 'threads')).catch(() => [] as string[]);
  return names.filter((name) => isValidId('thread', name));
}

/** A thread of a store as a list shows it, read without touching the store (no lock, no index repair). */
export interface StoredThreadSummary {
  id: string;
  title: string;
  /** From the thread's index; undefined when it has none yet. */
  messageCount: number | undefined;
  lastActivityAt: number;
}

/** The threads of a store folder, most recent first, read only (another window may be using that store). */
export async function listStoredThreads(storePath: string): Promise<StoredThreadSummary[]> {
  const ids = await threadIdsIn(storePath);
  const threads = await mapWithConcurrency(ids, CONCURRENCY, async (id): Promise<StoredThreadSummary | undefined> => {
    const folder = join(storePath, 'threads', id);
    const meta = (await readJsonFile(join(folder, 'thread.json')).catch(() => undefined)) as
      { title?: unknown; created_at?: unknown } | undefined;
    if (!meta) return undefined;
    const header = await new ThreadIndex(join(folder, 'messages.idx'), join(folder, 'runs.idx')).readHeader().catch(() => undefined);
    const createdAt = typeof meta.created_at === 'number' ? meta.created_at : 0;
    return {
      id,
      title: typeof meta.title === 'string' ? meta.title : '',
      messageCount: header?.messageCount,
      lastActivityAt: Math.max(createdAt, header?.lastActivityAt ?? 0),
    };
  });
  return threads
    .filter((thread): thread is StoredThreadSummary => thread !== undefined)
    .sort((a, b) => b.lastActivityAt - a.lastActivityAt);
}
