// File contents kept for checkpoints, addressed by the SHA-256 of the whole content: the same content is stored once
// however many runs, threads or restores name it, and every read is checked against its address, so a damaged or
// tampered object can never be written back into the workspace.
//
// Addressing says what an object is; how it is kept on disk is a separate choice. A new version of a file is kept as
// a delta against the version it replaced (the "before" of the same change), the way git packs objects: an agent's
// edit_file changes a few lines of a large file, so a hundred edits of a 100 KB file cost a few hundred bytes each
// instead of 100 KB each (measured in test/bench/checkpoints.bench.ts). Chains stop at MAX_CHAIN: the next version is
// kept whole (gzipped), so reading any version applies at most MAX_CHAIN small deltas.

import { createHash } from 'node:crypto';
import { existsSync, promises as fs, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { errnoCode } from '../util/errors';

/** The address of a content: its SHA-256 in lowercase hex. */
export type ContentHash = string;

/** The address of `content`. */
export function hashOf(content: Uint8Array): ContentHash {
  return createHash('sha256').update(content).digest('hex');
}

const HASH = /^[0-9a-f]{64}$/;
/** Longest chain of deltas behind one object. */
export const MAX_CHAIN = 32;
/** Objects remembered as stored (about 100 bytes each). */
const MAX_KNOWN = 20_000;

// On disk: one byte of kind, then for a delta the base's hash (64 ASCII bytes) and the chain depth (one byte),
// then gzip of the payload. A delta's payload: 4-byte prefix length, 4-byte suffix length, then the middle bytes.
const FULL = 0x46; // 'F'
const DELTA = 0x44; // 'D'

/** The object with this address is missing or does not match it. */
export class ContentUnavailableError extends Error {
  constructor(
    readonly hash: ContentHash,
    why: string,
  ) {
    super(`The stored content ${hash.slice(0, 12)} ${why}.`);
    this.name = 'ContentUnavailableError';
  }
}

/** Content-addressed objects under one folder (`<folder>/<first two hex digits>/<hash>`). */
export class ContentStore {
  /**
   * Objects this window stored or found, with their chain depth. A recorded edit stores the file's "before", which
   * is the "after" of the edit before it, and deltas against it: remembering spares the disk round trips (exists,
   * header read, folder creation) that otherwise cost an edit more than the edit itself.
   */
  private readonly known = new Map<ContentHash, number>();
  private readonly shards = new Set<string>();

  constructor(readonly folder: string) {}

  /**
   * Stores `content` (as a delta against `base` when that is stored and the chain is short); returns its address.
   * `baseContent`, the bytes of `base` when the caller holds them, spares rebuilding them from the delta chain.
   */
  async put(content: Uint8Array, base?: ContentHash, baseContent?: Uint8Array): Promise<ContentHash> {
    const hash = hashOf(content);
    if (this.known.has(hash)) return hash;
    const path = this.pathOf(hash);
    if (existsSync(path)) return hash;
    const encoded = (base && base !== hash && (await this.encodeDelta(content, base, baseContent))) || encodeFull(content);
    const shard = hash.slice(0, 2);
    if (!this.shards.has(shard)) {
      mkdirSync(join(this.folder, shard), { recursive: true });
      this.shards.add(shard);
    }
    try {
      // No fsync: it cost an edit more than the edit itself, the journal that points here is not synced either, and
      // a content lost to a power cut is reported by a restore ("is missing"), never written over anything.
      writeNewFileSync(path, encoded);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error; // another writer stored the same content first: same bytes
      return hash;
    }
    this.remember(hash, encoded[0] === DELTA ? encoded[65] : 0);
    return hash;
  }

  /** Whether an object with this address is stored. */
  has(hash: ContentHash): Promise<boolean> {
    return HASH.test(hash) ? exists(this.pathOf(hash)) : Promise.resolve(false);
  }

  /** The content with this address; throws ContentUnavailableError when it is missing or damaged. */
  async get(hash: ContentHash): Promise<Buffer> {
    const content = await this.read(hash, 0);
    if (hashOf(content) !== hash) throw new ContentUnavailableError(hash, 'is damaged (its content no longer matches its hash)');
    return content;
  }

  /** Bytes the store takes on disk (for measurements and the storage note). */
  async sizeOnDisk(): Promise<number> {
    let total = 0;
    for (const shard of await fs.readdir(this.folder).catch(() => [] as string[])) {
      for (const name of await fs.readdir(join(this.folder, shard)).catch(() => [] as string[])) {
        total += (await fs.stat(join(this.folder, shard, name))).size;
      }
    }
    return total;
  }

  private async read(hash: ContentHash, depth: number): Promise<Buffer> {
    if (!HASH.test(hash)) throw new ContentUnavailableError(hash, 'has an invalid address');
    if (depth > MAX_CHAIN + 1) throw new ContentUnavailableError(hash, 'has a delta chain that is too long');
    let raw: Buffer;
    try {
      raw = await fs.readFile(this.pathOf(hash));
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') throw new ContentUnavailableError(hash, 'is missing');
      throw error;
    }
    try {
      if (raw[0] === FULL) return gunzipSync(raw.subarray(1));
      if (raw[0] === DELTA) {
        const base = await this.read(raw.subarray(1, 65).toString('ascii'), depth + 1);
        return applyDelta(base, gunzipSync(raw.subarray(66)));
      }
    } catch (error) {
      if (error instanceof ContentUnavailableError) throw error;
    }
    throw new ContentUnavailableError(hash, 'is damaged');
  }

  private async encodeDelta(content: Uint8Array, base: ContentHash, held?: Uint8Array): Promise<Buffer | undefined> {
    const depth = await this.depthOf(base);
    if (depth === undefined || depth >= MAX_CHAIN) return undefined;
    // Bytes handed in are trusted only when they are the base's.
    const baseContent = held && hashOf(held) === base ? held : await this.get(base).catch(() => undefined);
    if (!baseContent) return undefined;
    const raw = makeDelta(baseContent, content);
    const delta = gzipSync(raw);
    // A small edit's delta is a sliver of the file: compressing the whole file only to compare would cost more than
    // the rest of the recording. Only a large delta (a rewrite) is weighed against the file compressed.
    if (raw.length > content.length / 4 && delta.length >= gzipSync(content).length) return undefined;
    return Buffer.concat([Buffer.from([DELTA]), Buffer.from(base, 'ascii'), Buffer.from([depth + 1]), delta]);
  }

  private async depthOf(hash: ContentHash): Promise<number | undefined> {
    if (!HASH.test(hash)) return undefined;
    const known = this.known.get(hash);
    if (known !== undefined) return known;
    const handle = await fs.open(this.pathOf(hash), 'r').catch(() => undefined);
    if (!handle) return undefined;
    try {
      const header = Buffer.alloc(66);
      const { bytesRead } = await handle.read(header, 0, 66, 0);
      const depth = bytesRead >= 1 && header[0] === FULL ? 0 : bytesRead === 66 && header[0] === DELTA ? header[65] : undefined;
      if (depth !== undefined) this.remember(hash, depth);
      return depth;
    } finally {
      await handle.close();
    }
  }

  private remember(hash: ContentHash, depth: number): void {
    if (this.known.size >= MAX_KNOWN) this.known.clear(); // a bound on memory; forgetting costs only round trips
    this.known.set(hash, depth);
  }

  private pathOf(hash: ContentHash): string {
    return join(this.folder, hash.slice(0, 2), hash);
  }
}

/**
 * Writes a new object whole or not at all: a temp file linked into place (link, unlike rename, never replaces an
 * object another window stored meanwhile; EEXIST then). Synchronous on purpose: recording runs before every edit an
 * agent makes, an object is a few hundred bytes to a few dozen KB, and writing that to the page cache takes
 * microseconds, while each of the five thread-pool round trips of the asynchronous calls cost more than the edit itself
 * on a busy machine (test/bench/checkpoints.bench.ts).
 */
function writeNewFileSync(path: string, data: Buffer): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, data, { flag: 'wx' });
    linkSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

function encodeFull(content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([FULL]), gzipSync(content)]);
}

/** What `next` shares with `base` at both ends, and the bytes in between. */
function makeDelta(base: Uint8Array, next: Uint8Array): Buffer {
  const limit = Math.min(base.length, next.length);
  let prefix = 0;
  while (prefix < limit && base[prefix] === next[prefix]) prefix++;
  let suffix = 0;
  while (suffix < limit - prefix && base[base.length - 1 - suffix] === next[next.length - 1 - suffix]) suffix++;
  const header = Buffer.alloc(8);
  header.writeUInt32BE(prefix, 0);
  header.writeUInt32BE(suffix, 4);
  return Buffer.concat([header, next.subarray(prefix, next.length - suffix)]);
}

function applyDelta(base: Buffer, delta: Buffer): Buffer {
  const prefix = delta.readUInt32BE(0);
  const suffix = delta.readUInt32BE(4);
  if (prefix + suffix > base.length) throw new Error('delta does not fit its base');
  return Buffer.concat([base.subarray(0, prefix), delta.subarray(8), base.subarray(base.length - suffix)]);
}

async function exists(path: string): Promise<boolean> {
  return fs.access(path).then(
    () => true,
    () => false,
  );
}
