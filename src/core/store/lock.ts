import * as nodeFs from 'node:fs';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type * as Lockfile from 'proper-lockfile';
import { StoreError } from '../domain/errors';
import type { Logger } from '../util/logger';
import { errnoCode } from '../util/errors';

export interface FileLockOptions {
  /** A lock not refreshed for this long is taken over (proper-lockfile's mtime rule; at least 2000 ms). */
  staleMs: number;
  /** How long to wait for another holder before failing with `thread_locked`. */
  timeoutMs: number;
  logger: Logger;
}

const OWNER_TEXT = `${hostname()}\n${process.pid}\n`;

// proper-lockfile creates its lock folder with mkdir: write our owner file straight after, in the same callback
// chain, so the window in which a killed holder leaves a lock without an owner is as short as possible. It removes
// the folder with rmdir; ours holds the owner file, so remove recursively.
const lockFs = {
  ...nodeFs,
  mkdir: (path: string, callback: (err: NodeJS.ErrnoException | null) => void) =>
    nodeFs.mkdir(path, (err) => (err ? callback(err) : nodeFs.writeFile(join(path, 'owner'), OWNER_TEXT, () => callback(null)))),
  rmdir: (path: string, callback: (err: NodeJS.ErrnoException | null) => void) =>
    nodeFs.rm(path, { recursive: true, force: true }, callback),
};

let lockfilePackage: typeof Lockfile | undefined;

/**
 * proper-lockfile, required on the first lock (the first write), not when the extension activates: it and graceful-fs,
 * which patches a copy of `fs` as it loads, are about a dozen modules to evaluate.
 */
function lockfile(): typeof Lockfile {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; `import()` would add a tick to every lock
  return (lockfilePackage ??= require('proper-lockfile') as typeof Lockfile);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Whether the lock's owner file names a process on this machine that no longer exists. Lets us take over at once
 * the lock of a window that was killed, instead of waiting for proper-lockfile's mtime staleness.
 */
async function ownerIsDead(lockFolder: string): Promise<boolean> {
  let text: string;
  try {
    text = await fs.readFile(join(lockFolder, 'owner'), 'utf8');
  } catch {
    return false; // no owner yet (being created) or already released: let the mtime rule decide
  }
  const [host, pidText] = text.split('\n');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return errnoCode(err) === 'ESRCH';
  }
}

/** Runs `fn` while holding the cross-process lock on `target` (a folder `target.lock` beside it). */
export async function withFileLock<T>(target: string, options: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const lockFolder = `${target}.lock`;
  const deadline = Date.now() + options.timeoutMs;
  let backoffMs = 1;
  for (;;) {
    let release: () => Promise<void>;
    try {
      release = await lockfile().lock(target, {
        stale: options.staleMs,
        realpath: false,
        retries: 0,
        fs: lockFs,
        onCompromised: (err) => options.logger.warn(`Lost the lock on ${target}: ${err.message}`),
      });
    } catch (err) {
      if (errnoCode(err) !== 'ELOCKED') throw err;
      if (await ownerIsDead(lockFolder)) {
        options.logger.warn(`Took over the lock on ${target} left by a process that no longer runs.`);
        await fs.rm(lockFolder, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new StoreError('thread_locked', `${target} is locked by another window or process; try again in a moment.`);
      }
      await sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, 25);
      continue;
    }
    try {
      return await fn();
    } finally {
      await release().catch((err: unknown) => options.logger.warn(`Could not release the lock on ${target}: ${String(err)}`));
    }
  }
}
