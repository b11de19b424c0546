// Backups are POSIX tar files: any tar tool (and the file managers of every desktop) can list and unpack them, and
// tar has no per-entry CRC to compute, so writing one costs little more than copying the files. Headers are encoded
// and parsed by the `tar` package; the data is streamed here, a chunk at a time, hashed as it passes.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import type { ReadEntry } from 'tar';
import { BackupError } from './backupErrors';
import type { ManifestEntry } from './backupManifest';
import { tarPackage } from './tarPackage';

const BLOCK = 512;
/** Reads and writes go through one buffer of this size: whole logs are never held in memory. */
const CHUNK = 1 << 20;

/** Writes a tar file entry by entry through one open handle, batching small entries into large writes. */
export class TarWriter {
  private readonly buffer = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private position = 0;

  constructor(private readonly handle: fs.FileHandle) {}

  /** Appends the file at `absolute` as `path`; returns its manifest entry. Reads the size it had when opened. */
  async addFile(path: string, absolute: string): Promise<ManifestEntry> {
    const input = await fs.open(absolute, 'r');
    try {
      const stat = await input.stat();
      await this.append(header(path, stat.size, stat.mtime));
      const hash = createHash('sha256');
      for (let left = stat.size; left > 0;) {
        if (this.used === CHUNK) await this.flush();
        const { bytesRead } = await input.read(this.buffer, this.used, Math.min(left, CHUNK - this.used), null);
        // Logs only grow; a file that shrank under us was rewritten mid-backup: the copy would be torn.
        if (bytesRead === 0) throw new BackupError(`${path} changed while it was being backed up; back up again.`, path);
        hash.update(this.buffer.subarray(this.used, this.used + bytesRead));
        this.used += bytesRead;
        left -= bytesRead;
      }
      await this.append(padding(stat.size));
      return { path, size: stat.size, sha256: hash.digest('hex') };
    } finally {
      await input.close();
    }
  }

  /** Appends `data` as `path`. */
  async addBuffer(path: string, data: Buffer, mtime = new Date()): Promise<void> {
    await this.append(header(path, data.length, mtime));
    await this.append(data);
    await this.append(padding(data.length));
  }

  /** Writes the end-of-archive marker and everything still buffered. */
  async finish(): Promise<void> {
    await this.append(Buffer.alloc(2 * BLOCK));
    await this.flush();
  }

  private async append(data: Buffer): Promise<void> {
    for (let offset = 0; offset < data.length;) {
      if (this.used === CHUNK) await this.flush();
      const copied = data.copy(this.buffer, this.used, offset);
      this.used += copied;
      offset += copied;
    }
  }

  private async flush(): Promise<void> {
    if (this.used === 0) return;
    const { bytesWritten } = await this.handle.write(this.buffer, 0, this.used, this.position);
    if (bytesWritten !== this.used)
      throw Object.assign(new Error(`short write (${bytesWritten} of ${this.used} bytes)`), { code: 'ENOSPC' });
    this.position += this.used;
    this.used = 0;
  }
}

function header(path: string, size: number, mtime: Date): Buffer {
  const { Header } = tarPackage();
  const block = Buffer.alloc(BLOCK);
  const needsPax = new Header({ path, size, mtime, mode: 0o644, uid: 0, gid: 0, type: 'File' }).encode(block, 0);
  // Every path a store holds fits a plain ustar header (see storeFiles.ts); anything longer is a bug, not data.
  if (needsPax) throw new Error(`The archive path ${path} does not fit a tar header.`);
  return block;
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** One file entry of an archive being read: consume `stream` (or the archive stalls). */
export interface ArchiveEntry {
  path: string;
  /** The tar entry type: 'File' for a file; anything else (a link, a folder, a device) is never restored. */
  type: string;
  size: number;
  stream: ReadEntry;
}

/**
 * Reads the tar file at `archive` entry by entry, in order, calling `onEntry` for each and waiting for it before the
 * next one is parsed. Rejects with the first error, from the archive (a damaged header) or from `onEntry`.
 */
export async function readArchive(archive: string, onEntry: (entry: ArchiveEntry) => Promise<void>): Promise<void> {
  const source = createReadStream(archive, { highWaterMark: CHUNK });
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    let chain = Promise.resolve();
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      source.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const parser = new (tarPackage().Parser)({
      strict: true,
      // Each entry waits, paused, until onEntry reads it (the parser queues the next ones behind it).
      noResume: true,
      onReadEntry: (entry: ReadEntry) => {
        if (failed) return void entry.resume();
        chain = chain
          .then(() => (failed ? void entry.resume() : onEntry({ path: entry.path, type: entry.type, size: entry.size, stream: entry })))
          .catch(fail);
      },
    });
    parser.on('error', (error: unknown) =>
      fail(new BackupError(`The backup is damaged: ${error instanceof Error ? error.message : String(error)}.`)),
    );
    parser.on('end', () => void chain.then(() => (failed ? undefined : resolve()), fail));
    source.on('error', fail);
    source.pipe(parser as unknown as NodeJS.WritableStream);
  });
}

/** Writes an entry's data to `destination` (a new file) and returns its size and SHA-256. */
export async function saveEntry(entry: ArchiveEntry, destination: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const out = createWriteStream(destination, { flags: 'wx' });
  await new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.on('finish', resolve);
    entry.stream.on('error', reject);
    entry.stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      if (!out.write(chunk)) entry.stream.pause();
    });
    out.on('drain', () => entry.stream.resume());
    entry.stream.on('end', () => out.end());
    entry.stream.resume();
  });
  return { size, sha256: hash.digest('hex') };
}

/** Reads an entry's data whole (for the manifest); refuses more than `limit` bytes. */
export async function readEntry(entry: ArchiveEntry, limit: number): Promise<Buffer> {
  if (entry.size > limit) throw new BackupError(`${entry.path} is larger than a backup's ${entry.path} can be.`, entry.path);
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    entry.stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    entry.stream.on('end', resolve);
    entry.stream.on('error', reject);
    entry.stream.resume();
  });
  return Buffer.concat(chunks);
}
