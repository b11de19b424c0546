import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { errnoCode } from '../util/errors';

/**
 * Writes `data` to `path` so that readers see either the old or the new content, never a mix, even after a crash:
 * write a temp file beside it, fsync, then rename (or link, when `exclusive`) into place and fsync the folder.
 * With `exclusive`, fails with EEXIST instead of replacing an existing file. With `sync: false` the write is still
 * atomic and survives the process being killed, but not a power cut (no fsync): for data whose loss is reported.
 */
export async function atomicWrite(
  path: string,
  data: string | Buffer,
  options: { exclusive?: boolean; sync?: boolean } = {},
): Promise<void> {
  const sync = options.sync ?? true;
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await fs.open(temp, 'wx');
    try {
      await handle.writeFile(data);
      if (sync) await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) {
      // link() refuses to replace an existing file, which rename() would silently do.
      await fs.link(temp, path);
    } else {
      await fs.rename(temp, path);
    }
  } finally {
    await fs.rm(temp, { force: true }).catch(() => undefined);
  }
  if (sync) await syncFolder(dirname(path));
}

/** Flushes a folder's entries (a rename) to disk; a no-op where the platform cannot fsync folders (Windows). */
export async function syncFolder(folder: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(folder, 'r');
    await handle.sync();
  } catch (err) {
    const code = errnoCode(err);
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw err;
  } finally {
    await handle?.close();
  }
}

/** Reads and parses a JSON file; undefined when it does not exist. */
export async function readJsonFile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(path, 'utf8')) as unknown;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}
