// The first half of a restore: the archive is unpacked into a staging folder inside the store (never into the store
// itself), each entry hashed as it is written, and then checked against the manifest. Anything wrong, a path that
// would leave the store, a link, an entry missing or extra, a checksum that does not match, refuses the whole
// backup with the file named; the store has not been touched.

import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { BackupError } from './backupErrors';
import { type BackupManifest, MANIFEST_PATH, MAX_MANIFEST_BYTES, parseManifest } from './backupManifest';
import { refusedPath } from './storeFiles';
import { readArchive, readEntry, saveEntry } from './tarArchive';

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const NOTHING_RESTORED = 'Nothing was restored.';

/** Where a staged entry lies under `data` (a folder of the staging folder); `path` has passed refusedPath. */
export function stagedPath(data: string, path: string): string {
  return join(data, ...path.split('/'));
}

/** Unpacks `archive` into `data` and checks it against its manifest; returns the manifest, or throws BackupError. */
export async function unpackVerified(archive: string, data: string): Promise<BackupManifest> {
  const unpacked = new Map<string, { size: number; sha256: string }>();
  let manifestText: string | undefined;
  try {
    await readArchive(archive, async (entry) => {
      const shown = JSON.stringify(entry.path);
      if (!FILE_TYPES.has(entry.type))
        throw new BackupError(
          `The backup's entry ${shown} was refused: it is a ${entry.type}, and a backup holds only files. ${NOTHING_RESTORED}`,
          entry.path,
        );
      if (entry.path === MANIFEST_PATH) {
        manifestText = (await readEntry(entry, MAX_MANIFEST_BYTES)).toString('utf8');
        return;
      }
      const why = refusedPath(entry.path);
      if (why) throw new BackupError(`The backup's entry ${shown} was refused: ${why}. ${NOTHING_RESTORED}`, entry.path);
      if (unpacked.has(entry.path)) throw new BackupError(`The backup holds ${entry.path} twice. ${NOTHING_RESTORED}`, entry.path);
      const destination = stagedPath(data, entry.path);
      await fs.mkdir(dirname(destination), { recursive: true });
      unpacked.set(entry.path, await saveEntry(entry, destination));
    });
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(
      `Could not read the backup ${archive}: ${error instanceof Error ? error.message : String(error)}. ${NOTHING_RESTORED}`,
    );
  }
  if (manifestText === undefined)
    throw new BackupError(
      `The file has no ${MANIFEST_PATH}: it is not an Agent Threads backup, or it was cut short. ${NOTHING_RESTORED}`,
      MANIFEST_PATH,
    );
  const manifest = parseManifest(manifestText);
  for (const entry of manifest.entries) {
    const why = refusedPath(entry.path);
    if (why)
      throw new BackupError(
        `The backup's manifest lists ${JSON.stringify(entry.path)}, which was refused: ${why}. ${NOTHING_RESTORED}`,
        entry.path,
      );
    const found = unpacked.get(entry.path);
    if (!found)
      throw new BackupError(
        `${entry.path} is listed in the backup's manifest but missing from the backup. ${NOTHING_RESTORED}`,
        entry.path,
      );
    if (found.size !== entry.size || found.sha256 !== entry.sha256)
      throw new BackupError(`${entry.path} failed its checksum: the backup is damaged or was changed. ${NOTHING_RESTORED}`, entry.path);
    unpacked.delete(entry.path);
  }
  const [extra] = unpacked.keys();
  if (extra !== undefined) throw new BackupError(`${extra} is in the backup but not in its manifest. ${NOTHING_RESTORED}`, extra);
  return manifest;
}
