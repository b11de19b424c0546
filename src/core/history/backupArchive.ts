// Writing a backup: every file of the store (see storeFiles.ts) into one tar archive, then the manifest with each
// entry's size and SHA-256, streamed a chunk at a time. The archive is written under a temporary name and renamed
// into place once complete and flushed, so a crash never leaves a half archive under the name asked for.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { syncFolder } from '../store/atomicWrite';
import { errnoCode } from '../util/errors';
import { BackupError } from './backupErrors';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, type BackupManifest, MANIFEST_PATH, type ManifestEntry } from './backupManifest';
import { listStoreFiles } from './storeFiles';
import { TarWriter } from './tarArchive';

export interface BackupOptions {
  /** The store's folder (ExtensionContext.storageUri's path). */
  root: string;
  /** The archive to write; an existing file there is replaced only once the new archive is complete. */
  destination: string;
  extensionVersion: string;
  now?: () => Date;
}

export interface BackupSummary {
  destination: string;
  threads: number;
  agents: number;
  files: number;
  /** Bytes of store data in the archive (without headers and the manifest). */
  bytes: number;
}

/** Writes a backup of the store at `root` to `destination`. */
export async function writeBackup(options: BackupOptions): Promise<BackupSummary> {
  const files = await listStoreFiles(options.root);
  const temp = `${options.destination}.${randomBytes(4).toString('hex')}.partial`;
  const entries: ManifestEntry[] = [];
  try {
    await fs.mkdir(dirname(options.destination), { recursive: true });
    const handle = await fs.open(temp, 'wx');
    try {
      const writer = new TarWriter(handle);
      for (const file of files) {
        try {
          entries.push(await writer.addFile(file.path, file.absolute));
        } catch (error) {
          // Deleted between listing and reading (a thread deleted in another window): it is simply not in this backup.
          if (errnoCode(error) !== 'ENOENT') throw error;
        }
      }
      const manifest: BackupManifest = {
        format: BACKUP_FORMAT,
        formatVersion: BACKUP_FORMAT_VERSION,
        extensionVersion: options.extensionVersion,
        createdAt: (options.now?.() ?? new Date()).toISOString(),
        entries,
      };
      await writer.addBuffer(MANIFEST_PATH, Buffer.from(JSON.stringify(manifest, null, 1), 'utf8'));
      await writer.finish();
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, options.destination);
    await syncFolder(dirname(options.destination));
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    if (error instanceof BackupError) throw error;
    throw new BackupError(
      `Could not write the backup to ${options.destination}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return {
    destination: options.destination,
    threads: entries.filter((entry) => entry.path.endsWith('/thread.json')).length,
    agents: new Set(entries.filter((entry) => entry.path.startsWith('agents/')).map((entry) => entry.path.split('/')[1])).size,
    files: entries.length,
    bytes: entries.reduce((sum, entry) => sum + entry.size, 0),
  };
}
