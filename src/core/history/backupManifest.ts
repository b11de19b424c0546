// The manifest a backup archive ends with: what wrote it and, per entry, its path, size and SHA-256. A restore
// checks every entry against it before anything reaches the store.

import { BackupError } from './backupErrors';

export const BACKUP_FORMAT = 'agent-threads-backup';
export const BACKUP_FORMAT_VERSION = 1;
/** The manifest's name in the archive; it is the last entry. */
export const MANIFEST_PATH = 'manifest.json';
/** A manifest larger than this is not ours (a million entries take about 150 MB; stores are far smaller). */
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  extensionVersion: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  entries: ManifestEntry[];
}

/** Reads a manifest; throws BackupError when it is not one this version can restore. */
export function parseManifest(text: string): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BackupError(`The backup's ${MANIFEST_PATH} is not valid JSON.`, MANIFEST_PATH);
  }
  const manifest = value as Partial<BackupManifest> | null;
  if (manifest?.format !== BACKUP_FORMAT || !Array.isArray(manifest.entries))
    throw new BackupError(`The file is not an Agent Threads backup (its ${MANIFEST_PATH} says otherwise).`, MANIFEST_PATH);
  if (typeof manifest.formatVersion !== 'number' || manifest.formatVersion > BACKUP_FORMAT_VERSION)
    throw new BackupError(
      `The backup was written in format ${String(manifest.formatVersion)} by Agent Threads ${String(manifest.extensionVersion)}; this version reads format ${BACKUP_FORMAT_VERSION}. Update the extension to restore it.`,
      MANIFEST_PATH,
    );
  for (const entry of manifest.entries as unknown[]) {
    const e = entry as Partial<ManifestEntry> | null;
    if (typeof e?.path !== 'string' || !Number.isSafeInteger(e.size) || typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256))
      throw new BackupError(`The backup's ${MANIFEST_PATH} has a malformed entry: ${JSON.stringify(entry).slice(0, 200)}.`, MANIFEST_PATH);
  }
  return manifest as BackupManifest;
}
