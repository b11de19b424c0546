// Scheduled backups: when one is due, what the archives of one store are called, and which old ones to delete so
// the newest N stay. The schedule keeps no state of its own: the newest archive's name says when the last one ran.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../util/errors';
import { type BackupSummary, writeBackup } from './backupArchive';

export type BackupSchedule = 'off' | 'daily' | 'weekly';

const INTERVAL_MS: Record<Exclude<BackupSchedule, 'off'>, number> = { daily: 24 * 3600_000, weekly: 7 * 24 * 3600_000 };

/** The start of every archive name of the store at `root`: the workspace's name and a tag of the store's path. */
export function archivePrefix(workspaceName: string, root: string): string {
  const slug =
    workspaceName
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'workspace';
  const tag = createHash('sha256').update(root).digest('hex').slice(0, 8);
  return `agent-threads-${slug}-${tag}-`;
}

/** An archive name for a backup made at `at`: the prefix, then the UTC time, so names sort by age. */
export function archiveName(prefix: string, at: Date): string {
  return `${prefix}${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.tar`;
}

const STAMP = /^(\d{8}T\d{6}Z)\.tar$/;

/** The archives in `names` that start with `prefix`, newest first. */
export function archivesOf(names: readonly string[], prefix: string): string[] {
  return names
    .filter((name) => name.startsWith(prefix) && STAMP.test(name.slice(prefix.length)))
    .sort()
    .reverse();
}

/** When the archive was made, from its name. */
function madeAt(name: string, prefix: string): number {
  const stamp = STAMP.exec(name.slice(prefix.length))![1];
  return Date.parse(`${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`);
}

/** Whether a backup is due at `now`, given the archive names in the backup folder. */
export function isBackupDue(schedule: BackupSchedule, names: readonly string[], prefix: string, now: Date): boolean {
  if (schedule === 'off') return false;
  const [newest] = archivesOf(names, prefix);
  return newest === undefined || now.getTime() - madeAt(newest, prefix) >= INTERVAL_MS[schedule];
}

/** The archives to delete so that the newest `keep` (at least one) remain. */
export function archivesBeyond(names: readonly string[], prefix: string, keep: number): string[] {
  return archivesOf(names, prefix).slice(Math.max(1, Math.floor(keep)));
}

export interface ScheduledBackupOptions {
  root: string;
  folder: string;
  prefix: string;
  schedule: BackupSchedule;
  keep: number;
  extensionVersion: string;
  now?: () => Date;
}

/** Writes a backup if one is due, then deletes the archives beyond the newest `keep`; undefined when none was due. */
export async function runScheduledBackup(options: ScheduledBackupOptions): Promise<{ summary?: BackupSummary; deleted: string[] }> {
  const now = options.now?.() ?? new Date();
  const names = await fs.readdir(options.folder).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return [] as string[];
    throw error;
  });
  if (!isBackupDue(options.schedule, names, options.prefix, now)) return { deleted: [] };
  const name = archiveName(options.prefix, now);
  const summary = await writeBackup({
    root: options.root,
    destination: join(options.folder, name),
    extensionVersion: options.extensionVersion,
    now: () => now,
  });
  const deleted = archivesBeyond([...names.filter((n) => n !== name), name], options.prefix, options.keep);
  for (const old of deleted) await fs.rm(join(options.folder, old), { force: true });
  return { summary, deleted };
}
