// What a shell command (run_command) changed, for checkpoints. A command writes files outside our tools, so its
// changes cannot be recorded before they happen; instead, before it runs, git says which files already differ from
// HEAD and their bytes are kept, and after it ran, each file it touched (the editor's file watcher tells which) gets
// an earlier content from the most exact source there is:
//   - the bytes kept before the command (a file that already had uncommitted changes, or was untracked);
//   - git's HEAD (a tracked file that had none);
//   - absent (a file git did not know before and did not list as untracked, that is, one the command created);
//   - unknown otherwise (no git, an ignored file, more dirty files than are kept): changed, cannot be restored.

import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/** Where a file's earlier content came from; "unknown" files are listed as changed but cannot be restored. */
export type EarlierSource = 'kept' | 'git' | 'created' | 'unknown';

export interface EarlierContent {
  source: EarlierSource;
  /** The bytes before the command; undefined when the file did not exist (created) or is unknown. */
  content?: Uint8Array;
}

/** The workspace as git saw it just before a command. */
export interface CommandSnapshot {
  /** The repository's top folder; undefined outside a git repository (or when git did not answer in time). */
  gitRoot?: string;
  /** Files that differed from HEAD (modified, added, untracked): their bytes, or null when they were too large or too many to keep, or absent. */
  dirty: Map<string, Uint8Array | null>;
}

export interface SnapshotLimits {
  /** How long each git call may take before the snapshot goes without git. */
  timeoutMs: number;
  /** The most dirty files whose bytes are kept, and the most bytes in all. */
  maxFiles: number;
  maxBytes: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = { timeoutMs: 3_000, maxFiles: 500, maxBytes: 32 * 1024 * 1024 };

/** Runs git in `cwd`; its stdout as bytes, or undefined when git is missing, fails or runs too long. */
function git(cwd: string, args: string[], timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      { cwd, timeout: timeoutMs, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, windowsHide: true },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
  });
}

/** What git knows of `folder` just before a command runs. */
export async function snapshotBeforeCommand(folder: string, limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS): Promise<CommandSnapshot> {
  const top = await git(folder, ['rev-parse', '--show-toplevel'], limits.timeoutMs);
  const gitRoot = top && (await fs.realpath(top.toString('utf8').trim()).catch(() => undefined));
  const listed = gitRoot && (await dirtyFiles(gitRoot, limits));
  if (!gitRoot || !listed) return { dirty: new Map() };
  const dirty = new Map<string, Uint8Array | null>();
  let kept = 0;
  let bytes = 0;
  for (const absolute of listed) {
    let content: Uint8Array | null = null;
    if (kept < limits.maxFiles) {
      const read = await fs.readFile(absolute).catch(() => null);
      if (read && bytes + read.length <= limits.maxBytes) {
        content = read;
        kept++;
        bytes += read.length;
      }
    }
    dirty.set(absolute, content);
  }
  return { gitRoot, dirty };
}

/** The files of the repository that differ from HEAD (modified, added, deleted, untracked), or undefined when git failed. */
async function dirtyFiles(gitRoot: string, limits: SnapshotLimits): Promise<string[] | undefined> {
  const status = await git(gitRoot, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], limits.timeoutMs);
  // Entries are "XY path\0"; with --no-renames there is no second path.
  return status
    ?.toString('utf8')
    .split('\0')
    .filter((entry) => entry.length >= 4)
    .map((entry) => join(gitRoot, entry.slice(3)));
}

/**
 * The files a command changed, as git tells after it: those that differ from HEAD now and did not before, those
 * that did before and do not now, and those that did both times with other bytes now than were kept. Exact and
 * immediate, where the file watcher's events trail the writes; files git ignores only the watcher sees.
 */
export async function changedSinceSnapshot(snapshot: CommandSnapshot, limits = DEFAULT_SNAPSHOT_LIMITS): Promise<string[]> {
  if (!snapshot.gitRoot) return [];
  const now = await dirtyFiles(snapshot.gitRoot, limits);
  if (!now) return [];
  const changed = new Set<string>();
  for (const absolute of now) {
    if (!snapshot.dirty.has(absolute)) changed.add(absolute);
    else {
      const kept = snapshot.dirty.get(absolute);
      const current = await fs.readFile(absolute).catch(() => undefined);
      if (kept && (!current || !Buffer.from(kept).equals(current))) changed.add(absolute);
    }
  }
  for (const absolute of snapshot.dirty.keys()) if (!now.includes(absolute)) changed.add(absolute);
  return [...changed];
}

/** Where `absolute` (a file the command changed, created or deleted) was before the command, and its bytes. */
export async function earlierContent(
  snapshot: CommandSnapshot,
  absolute: string,
  limits = DEFAULT_SNAPSHOT_LIMITS,
): Promise<EarlierContent> {
  const { gitRoot } = snapshot;
  // Dirty before and not kept (over the limits, or already deleted in the work tree): nothing exact to put back.
  if (snapshot.dirty.has(absolute)) {
    const content = snapshot.dirty.get(absolute);
    return content ? { source: 'kept', content } : { source: 'unknown' };
  }
  if (!gitRoot) return { source: 'unknown' };
  const path = relative(gitRoot, absolute);
  if (!path || path.startsWith('..') || isAbsolute(path)) return { source: 'unknown' };
  const gitPath = path.split(sep).join('/');
  // Clean before the command: a file HEAD holds is as HEAD has it; one git did not list is new, unless ignored.
  const entry = (await git(gitRoot, ['ls-tree', '-z', 'HEAD', '--', gitPath], limits.timeoutMs))?.toString('utf8');
  const blob = /^\d+ blob ([0-9a-f]+)\t/.exec(entry ?? '');
  if (blob) {
    const content = await git(gitRoot, ['cat-file', 'blob', blob[1]], limits.timeoutMs);
    return content ? { source: 'git', content } : { source: 'unknown' };
  }
  if (entry === undefined || entry.length > 0) return { source: 'unknown' }; // git failed, or a folder or link in HEAD
  const ignored = await git(gitRoot, ['check-ignore', '-q', '--', gitPath], limits.timeoutMs);
  return ignored ? { source: 'unknown' } : { source: 'created' };
}
