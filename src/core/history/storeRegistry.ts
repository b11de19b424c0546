// The registry of thread stores, in the extension's global storage: each window records its own store with what
// identifies its project, so another window (a different workspace identity of the same project) can find it, even
// after the folder moved and workspace.json no longer names a folder that exists.

import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { atomicWrite, readJsonFile } from '../store/atomicWrite';
import { withFileLock } from '../store/lock';
import { type Logger, silentLogger } from '../util/logger';
import type { ProjectIdentity } from './projectIdentity';

/** A store as its window recorded it. */
export interface RegisteredStore {
  /** The store folder. */
  path: string;
  identity: ProjectIdentity;
  /** How people name the workspace (its folder or workspace file name). */
  label: string;
  threadCount: number;
  /** When the window recorded it (ms since the epoch). */
  seenAt: number;
}

interface RegistryFile {
  version: 1;
  stores: RegisteredStore[];
}

/** The registry file; windows write it one at a time (a lock), each replacing only its own entry. */
export class StoreRegistry {
  constructor(
    readonly file: string,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** Every recorded store; none when the file is missing or unreadable (it is rebuilt as windows start). */
  async list(): Promise<RegisteredStore[]> {
    try {
      const file = (await readJsonFile(this.file)) as Partial<RegistryFile> | undefined;
      return Array.isArray(file?.stores) ? file.stores.filter(isRegisteredStore) : [];
    } catch (err) {
      this.logger.warn(`The store registry ${this.file} is unreadable; it is written again from scratch: ${String(err)}`);
      return [];
    }
  }

  /** Records (or updates) one store's entry. */
  async record(entry: RegisteredStore): Promise<void> {
    await fs.mkdir(dirname(this.file), { recursive: true });
    await withFileLock(this.file, { staleMs: 10_000, timeoutMs: 15_000, logger: this.logger }, async () => {
      const stores = (await this.list()).filter((store) => store.path !== entry.path);
      stores.push(entry);
      const file: RegistryFile = { version: 1, stores };
      await atomicWrite(this.file, JSON.stringify(file, null, 1));
    });
  }
}

function isRegisteredStore(value: unknown): value is RegisteredStore {
  const store = value as Partial<RegisteredStore> | null;
  return (
    typeof store?.path === 'string' &&
    typeof store.label === 'string' &&
    typeof store.threadCount === 'number' &&
    Array.isArray(store.identity?.folders) &&
    Array.isArray(store.identity.gitRemotes) &&
    Array.isArray(store.identity.gitRootCommits)
  );
}
