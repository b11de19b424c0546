import { promises as fs } from 'node:fs';
import type { Message } from '../domain/message';
import type { Run, RunStep } from '../domain/run';

/**
 * One line of a thread's append-only log. `at` is when the record was written (Unix seconds).
 * A message update carries the whole latest message and the ordinal of the message it replaces, so readers find
 * the latest version through the index without replaying history.
 */
export type LogRecord =
  | { t: 'message'; at: number; message: Message }
  | { t: 'message_update'; at: number; ord: number; message: Message }
  | { t: 'run'; at: number; run: Run }
  | { t: 'step'; at: number; step: RunStep }
  /**
   * A tombstone: message `id` (at ordinal `ord`) is deleted from the thread's history as readers see it. The log is
   * append-only, so the message's own records stay; the index points the message's slot at this record instead.
   * Older builds do not know the type and skip it (they go on showing the message).
   */
  | { t: 'message_hidden'; at: number; ord: number; id: string };

/** A record as serialised on disk: JSON and a newline, written with one write call. */
export function encodeRecord(record: LogRecord): Buffer {
  return Buffer.from(JSON.stringify(record) + '\n', 'utf8');
}

function hasId(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}

const KNOWN_TYPES: ReadonlySet<string> = new Set<LogRecord['t']>(['message', 'message_update', 'message_hidden', 'run', 'step']);

/** What one log line holds: a record this version reads, a record of a type it does not know, or damage. */
export type DecodedLine = { kind: 'record'; record: LogRecord } | { kind: 'unknown'; type: string } | { kind: 'corrupt' };

/**
 * Parses one log line.
 *
 * Forward compatibility: later versions add record types, and an older build (or an older second window on the
 * same folder) must keep working on their logs. A JSON object whose `t` is a string this version does not know is
 * a record of an unknown type, whatever other fields it has (even `at` or a `message` with an id): readers skip it
 * and the store warns once per type, but it is never indexed, rewritten or dropped, so it stays in the log byte for
 * byte for the version that wrote it. Anything else this version cannot read is corrupt and is skipped with a
 * warning per line.
 */
export function decodeLine(line: string): DecodedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'corrupt' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'corrupt' };
  const record = value as Partial<Record<string, unknown>>;
  if (typeof record.t === 'string' && !KNOWN_TYPES.has(record.t)) return { kind: 'unknown', type: record.t };
  return isWellFormed(record) ? { kind: 'record', record: value as LogRecord } : { kind: 'corrupt' };
}

function isWellFormed(record: Partial<Record<string, unknown>>): boolean {
  if (typeof record.at !== 'number') return false;
  switch (record.t) {
    case 'message':
      return hasId(record.message);
    case 'message_update':
      return hasId(record.message) && Number.isInteger(record.ord);
    case 'message_hidden':
      return typeof record.id === 'string' && Number.isInteger(record.ord);
    case 'run':
      return hasId(record.run);
    case 'step':
      return hasId(record.step);
    default:
      return false;
  }
}

/** Parses one log line; undefined when it is not a record this version reads (see decodeLine). */
export function decodeRecord(line: string): LogRecord | undefined {
  const decoded = decodeLine(line);
  return decoded.kind === 'record' ? decoded.record : undefined;
}

/** One complete line found by a scan, decoded or not. */
export interface ScannedLine {
  offset: number;
  length: number;
  /** 1-based line number, known only when the scan started at the beginning of the file. */
  lineNumber: number | undefined;
  decoded: DecodedLine;
}

export interface ScanResult {
  lines: ScannedLine[];
  /** Bytes after the last newline: a record torn by a crash while it was being written. */
  torn: { offset: number; length: number } | undefined;
  /** End of the last complete line. */
  end: number;
}

const CHUNK = 1 << 20;

/** Reads the log from byte `from` to its end and splits it into records, without loading the file at once. */
export async function scanLog(path: string, from: number): Promise<ScanResult> {
  const handle = await fs.open(path, 'r');
  const lines: ScannedLine[] = [];
  let lineNumber: number | undefined = from === 0 ? 0 : undefined;
  let position = from;
  let pending = Buffer.alloc(0);
  let pendingOffset = from;
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const data = pending.length ? Buffer.concat([pending, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        if (lineNumber !== undefined) lineNumber++;
        const length = nl + 1 - start;
        lines.push({ offset: pendingOffset + start, length, lineNumber, decoded: decodeLine(data.toString('utf8', start, nl)) });
        start = nl + 1;
      }
      pending = Buffer.from(data.subarray(start));
      pendingOffset += start;
    }
  } finally {
    await handle.close();
  }
  return {
    lines,
    torn: pending.length ? { offset: pendingOffset, length: pending.length } : undefined,
    end: pendingOffset,
  };
}

/** Reads byte ranges of the log and decodes each as one record; ranges next to each other are read together. */
export async function readRecords(path: string, ranges: { offset: number; length: number }[]): Promise<(LogRecord | undefined)[]> {
  const out = new Array<LogRecord | undefined>(ranges.length);
  if (ranges.length === 0) return out;
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a].offset - ranges[b].offset);
  const handle = await fs.open(path, 'r');
  try {
    for (let i = 0; i < order.length;) {
      // Group runs of adjacent records into one read: a page written in sequence is one contiguous slice.
      let j = i + 1;
      let end = ranges[order[i]].offset + ranges[order[i]].length;
      while (j < order.length && ranges[order[j]].offset === end) {
        end += ranges[order[j]].length;
        j++;
      }
      const start = ranges[order[i]].offset;
      const buffer = Buffer.allocUnsafe(end - start);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      for (let k = i; k < j; k++) {
        const range = ranges[order[k]];
        const from = range.offset - start;
        out[order[k]] = from + range.length <= bytesRead ? decodeRecord(buffer.toString('utf8', from, from + range.length - 1)) : undefined;
      }
      i = j;
    }
  } finally {
    await handle.close();
  }
  return out;
}
