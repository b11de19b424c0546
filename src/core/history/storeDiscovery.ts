// Every thread store on this machine, with what identifies its project: the stores windows recorded in the registry,
// and the stores found by scanning workspace storage (older ones, other profiles), one entry per store folder.

import { promises as fs } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mapWithConcurrency } from '../util/mapWithConcurrency';
import { gitRemotesOf, type ProjectIdentity, sameProject, workspaceFileFolders } from './projectIdentity';
import { countThreads, type ScannedStore, scanWorkspaceStorage, threadIdsIn } from './storeScan';
import type { RegisteredStore, StoreRegistry } from './storeRegistry';

/** A thread store and its project. */
export interface KnownStore {
  path: string;
  label: string;
  identity: ProjectIdentity;
  threadCount: number;
}

export interface FindStoresOptions {
  /** Folders holding one folder per workspace (VS Code's `workspaceStorage`, of each profile). */
  workspaceStorageRoots: readonly string[];
  /** Our extension's folder name inside each workspace's folder. */
  extensionFolder: string;
  registry?: StoreRegistry;
}

/** Every store found, by registry and by scan. Reads no thread log. */
export async function findStores(options: FindStoresOptions): Promise<KnownStore[]> {
  const [scanned, registered] = await Promise.all([
    scanWorkspaceStorage(options.workspaceStorageRoots, options.extensionFolder),
    options.registry?.list() ?? Promise.resolve([] as RegisteredStore[]),
  ]);
  const byPath = new Map(registered.map((store) => [resolve(store.path), store]));
  const stores = await mapWithConcurrency(scanned, 16, async (found): Promise<KnownStore> => {
    const entry = byPath.get(resolve(found.path));
    byPath.delete(resolve(found.path));
    if (entry) return { path: found.path, label: entry.label, identity: entry.identity, threadCount: found.threadCount };
    return { path: found.path, label: labelOf(found), identity: await identityOf(found), threadCount: found.threadCount };
  });
  // Registered stores outside the scanned folders (global storage, a profile not scanned), if they are still there.
  const others = await mapWithConcurrency([...byPath.values()], 16, async (entry) => {
    const threadCount = await countThreads(entry.path);
    return threadCount === undefined ? undefined : { path: entry.path, label: entry.label, identity: entry.identity, threadCount };
  });
  return [...stores, ...others.filter((store): store is KnownStore => store !== undefined)];
}

/** Stores of the same project as `current`, other than its own, most threads first. */
export function storesOfProject(current: { path: string; identity: ProjectIdentity }, stores: readonly KnownStore[]): KnownStore[] {
  return stores
    .filter((store) => resolve(store.path) !== resolve(current.path) && sameProject(current.identity, store.identity))
    .sort((a, b) => b.threadCount - a.threadCount);
}

/** The threads of `other` that `current` does not have (by id). */
export async function threadsMissingFrom(currentPath: string, otherPath: string): Promise<string[]> {
  const [mine, theirs] = await Promise.all([threadIdsIn(currentPath), threadIdsIn(otherPath)]);
  const have = new Set(mine);
  return theirs.filter((id) => !have.has(id));
}

function labelOf(store: ScannedStore): string {
  const uri = store.folder ?? store.workspace;
  if (!uri) return store.name ?? basename(resolve(store.path, '..'));
  const name = decodeURIComponent(uri.replace(/\/+$/, '').split('/').pop() ?? uri);
  return name.replace(/\.code-workspace$/, '');
}

/** What workspace.json tells of a store's project, plus the git remotes of its folders where they still exist. */
async function identityOf(store: ScannedStore): Promise<ProjectIdentity> {
  const folders = store.folder ? [store.folder] : [];
  const workspacePath = store.workspace ? localPath(store.workspace) : undefined;
  if (workspacePath) folders.push(...(await workspaceFileFolders(workspacePath)));
  const remotes: string[] = [];
  for (const folder of folders) {
    const path = localPath(folder);
    if (
      path &&
      (await fs.stat(path).then(
        (stat) => stat.isDirectory(),
        () => false,
      ))
    )
      remotes.push(...(await gitRemotesOf(path)));
  }
  return { folders, ...(store.workspace ? { workspaceFile: store.workspace } : {}), gitRemotes: [...new Set(remotes)], gitRootCommits: [] };
}

function localPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
