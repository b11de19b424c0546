// One thread's change journal: an append-only JSON-lines file. A change is recorded before the file is written
// ("change"), and its outcome after ("done", "failed"); a change with no outcome was interrupted (the editor was
// killed in between), which the next start finds and settles ("interrupted", saying whether it landed).

import { closeSync, fstatSync, openSync, promises as fs, readSync, writeSync } from 'node:fs';
import type { ContentHash } from './contentStore';

/** A file's content at one side of a change: its address and size, or null when the file does not exist. */
export type FileState = { hash: ContentHash; size: number } | null;

/** Why a change is recorded but cannot be put back. */
/** `unknown_before`: a shell command changed the file and its content before is not known (no git, ignored). */
export type Unrestorable = 'binary' | 'too_large' | 'unknown_before';

/** A change to one file, recorded before it is made. */
export interface ChangeRecord {
  t: 'change';
  at: number;
  id: string;
  runId: string;
  /** Absolute path as the tool resolved it, and the same relative to its workspace folder (for people). */
  path: string;
  relative: string;
  before: FileState;
  after: FileState;
  /** Set when the content on one side was not kept (binary, over the size cap): changed, cannot restore. */
  unrestorable?: Unrestorable;
  /** What made the change: a tool name, or 'restore'. */
  source: string;
  /** For a restore's change set: the run whose changes it put back. */
  restoreOf?: string;
  /** The process that made the change; an open change of a live process is not interrupted, only unfinished. */
  pid: number;
}

export type JournalRecord =
  | ChangeRecord
  /** `after`: what the file really holds after the write, when that differs from what was recorded (the editor added a BOM, normalised line ends). */
  | { t: 'done'; at: number; id: string; after?: FileState }
  | { t: 'failed'; at: number; id: string; error: string }
  | { t: 'interrupted'; at: number; id: string; applied: InterruptedOutcome };

/** What the next start found for a change the editor was killed in the middle of. */
export type InterruptedOutcome = 'applied' | 'not_applied' | 'unknown';

/** Parses one journal line; undefined for damage or a record type this version does not read. */
export function decodeJournalLine(line: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Partial<Record<string, unknown>>;
  if (typeof record.id !== 'string' || typeof record.at !== 'number') return undefined;
  switch (record.t) {
    case 'change':
      return typeof record.runId === 'string' && typeof record.path === 'string' && 'before' in record && 'after' in record
        ? (value as ChangeRecord)
        : undefined;
    case 'done':
    case 'failed':
    case 'interrupted':
      return value as JournalRecord;
    default:
      return undefined;
  }
}

/** Every record of a journal, in order; a missing journal has none, a damaged line is skipped. */
export async function readJournal(path: string): Promise<JournalRecord[]> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .map(decodeJournalLine)
    .filter((record): record is JournalRecord => record !== undefined);
}

/**
 * Appends records with one write. A line torn by a crash (no final newline) is closed first, so the new records
 * start on a line of their own instead of being glued to the damage. Synchronous on purpose, like the content store's
 * writes: a record is a few hundred bytes, and three thread-pool round trips before and after every edit cost more
 * than the edit on a busy machine.
 */
export function appendToJournal(path: string, records: JournalRecord[], checkTail: boolean): void {
  const fd = openSync(path, 'a+');
  try {
    let prefix = '';
    if (checkTail) {
      const { size } = fstatSync(fd);
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 10) prefix = '\n';
      }
    }
    const data = Buffer.from(prefix + records.map((record) => JSON.stringify(record) + '\n').join(''), 'utf8');
    const bytesWritten = writeSync(fd, data);
    if (bytesWritten !== data.length) throw Object.assign(new Error(`short write to ${path}`), { code: 'ENOSPC' });
  } finally {
    closeSync(fd);
  }
}
