// One restore at a time per checkpoint store. Two windows can reach the same store (the same workspace opened
// twice through a multi-root file, or a restore started while another is still writing); both would check the files,
// find them as the run left them, and write over each other's restore. The first takes a lock file, created
// exclusively; the other is told, and changes nothing. A lock left by a window that died is taken over.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errnoCode } from '../util/errors';

/** Another restore holds the store; nothing was changed. */
export class RestoreInProgressError extends Error {
  constructor(
    /** When the other restore started (milliseconds since the epoch), if known. */
    readonly since: number | undefined,
  ) {
    super('Another window is restoring checkpoint changes of this workspace. Nothing was changed: try again once it has finished.');
    this.name = 'RestoreInProgressError';
  }
}

interface LockHolder {
  pid: number;
  host: string;
  at: number;
  token: string;
}

const LOCK_FILE = 'restore.lock';
/** No restore takes this long: an older lock is a leftover, whoever wrote it (a process id can be reused). */
const STALE_AFTER_MS = 10 * 60_000;

/** Runs `work` holding the store's restore lock; throws RestoreInProgressError while another restore holds it. */
export async function withRestoreLock<T>(folder: string, work: () => Promise<T>): Promise<T> {
  await fs.mkdir(folder, { recursive: true });
  const path = join(folder, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, host: hostname(), at: Date.now(), token: randomBytes(8).toString('hex') };
  await acquire(path, mine);
  try {
    return await work();
  } finally {
    // Only our own lock: one taken over as stale meanwhile belongs to someone else now.
    const holder = await readHolder(path);
    if (holder?.token === mine.token) await fs.rm(path, { force: true });
  }
}

async function acquire(path: string, mine: LockHolder): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.writeFile(path, JSON.stringify(mine), { flag: 'wx' });
      return;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
    const holder = await readHolder(path);
    if (attempt > 0 || !(await isStale(path, holder))) throw new RestoreInProgressError(holder?.at);
    await fs.rm(path, { force: true });
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const holder = JSON.parse(await fs.readFile(path, 'utf8')) as Partial<LockHolder>;
    if (
      typeof holder.pid === 'number' &&
      typeof holder.host === 'string' &&
      typeof holder.at === 'number' &&
      typeof holder.token === 'string'
    )
      return holder as LockHolder;
  } catch {
    // missing or unreadable: judged by its age below
  }
  return undefined;
}

async function isStale(path: string, holder: LockHolder | undefined): Promise<boolean> {
  if (holder && holder.host === hostname() && !isAlive(holder.pid)) return true;
  const at =
    holder?.at ??
    (await fs.stat(path).then(
      (stat) => stat.mtimeMs,
      () => 0,
    ));
  return Date.now() - at > STALE_AFTER_MS;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM'; // it exists, under another user
  }
}
