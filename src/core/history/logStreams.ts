// Append-only logs (thread logs, change journals) read as byte streams, so that two of them can be compared and one
// continued from the other without holding either in memory: a merge of a 1,000-message thread reads it in chunks.

import { createReadStream, promises as fs } from 'node:fs';
import { decodeLine, encodeRecord } from '../store/threadLog';
import { errnoCode } from '../util/errors';

const CHUNK = 1 << 20;

/** The length of a log's complete records: up to and including its last newline (0 when missing or empty). */
export async function completeLength(path: string): Promise<number> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 0;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    // A torn last record (a crash mid-write) is rarely longer than one chunk; look back until a newline turns up.
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - 64 * 1024);
      const buffer = Buffer.alloc(end - start);
      await handle.read(buffer, 0, buffer.length, start);
      const newline = buffer.lastIndexOf(10);
      if (newline >= 0) return start + newline + 1;
      end = start;
    }
    return 0;
  } finally {
    await handle.close();
  }
}

/** The bytes of `path` in [start, end), a chunk at a time. */
export async function* fileChunks(path: string, start: number, end: number): AsyncGenerator<Buffer> {
  if (end <= start) return;
  for await (const chunk of createReadStream(path, { start, end: end - 1, highWaterMark: CHUNK })) yield chunk as Buffer;
}

/** Splits a byte stream into lines, each with its newline. A last line without one is dropped (a torn record). */
export async function* linesOf(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let pending = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const data = pending.length ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
    let start = 0;
    for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10, start)) {
      yield data.subarray(start, newline + 1);
      start = newline + 1;
    }
    pending = Buffer.from(data.subarray(start));
  }
}

/**
 * A thread log as it reads under another thread id: every record that names its thread (messages, message updates,
 * runs, steps) names `threadId`, so runs recovered or continued in a copy are written to the copy. Records of types
 * this version does not know, and damaged lines, pass unchanged (see decodeLine). Deterministic: the same log
 * rewritten for the same id gives the same bytes, which lets a second merge recognise a copy it made before.
 */
export async function* rewriteThreadLog(chunks: AsyncIterable<Uint8Array>, threadId: string): AsyncGenerator<Buffer> {
  let batch: Buffer[] = [];
  let size = 0;
  for await (const line of linesOf(chunks)) {
    const decoded = decodeLine(line.toString('utf8', 0, line.length - 1));
    let out = line;
    if (decoded.kind === 'record') {
      const record = decoded.record;
      if (record.t === 'message' || record.t === 'message_update') record.message.thread_id = threadId;
      else if (record.t === 'run') record.run.thread_id = threadId;
      else if (record.t === 'step') record.step.thread_id = threadId;
      out = encodeRecord(record);
    }
    batch.push(out);
    size += out.length;
    if (size >= CHUNK) {
      yield Buffer.concat(batch);
      batch = [];
      size = 0;
    }
  }
  if (batch.length) yield Buffer.concat(batch);
}

/** How a source log relates to a target log. */
export type LogRelation =
  /** Everything the source has, the target has too (the same log, or the target went on from it). */
  | { kind: 'covered' }
  /** The target is where the source was once: the source went on, and `tail` is what it has beyond the target. */
  | { kind: 'longer'; tail: AsyncIterable<Buffer> }
  /** Both went on differently from some point: neither contains the other. */
  | { kind: 'diverged' };

/**
 * Compares the first `targetLength` bytes of the log at `targetPath` with the source's bytes, streaming both. For
 * `longer`, `tail` carries on reading the same source stream from where the target ends: consume it once.
 */
export async function relateLogs(targetPath: string, targetLength: number, source: AsyncIterable<Uint8Array>): Promise<LogRelation> {
  const iterator = source[Symbol.asyncIterator]();
  const handle = targetLength > 0 ? await fs.open(targetPath, 'r') : undefined;
  let position = 0;
  let handedOver = false;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return { kind: 'covered' };
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      const shared = Math.min(chunk.length, targetLength - position);
      if (shared > 0) {
        const theirs = Buffer.alloc(shared);
        const { bytesRead } = await handle!.read(theirs, 0, shared, position);
        if (bytesRead !== shared || !theirs.equals(chunk.subarray(0, shared))) return { kind: 'diverged' };
        position += shared;
      }
      if (shared < chunk.length) {
        handedOver = true;
        return { kind: 'longer', tail: continueWith(chunk.subarray(Math.max(shared, 0)), iterator) };
      }
    }
  } finally {
    await handle?.close();
    if (!handedOver) await iterator.return?.(); // closes the source's file
  }
}

async function* continueWith(first: Buffer, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Buffer> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield Buffer.from(next.value);
}
