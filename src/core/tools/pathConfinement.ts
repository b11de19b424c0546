// Keeps every path a tool receives inside the workspace folders. The model's path argument is hostile input: it may
// climb out with '..', name an absolute or home path, hide '..' behind URL encoding (once or twice), smuggle a NUL
// byte, use Windows separators, follow a symlink that points outside, play with letter case, or name what Windows
// treats specially (device names such as CON, alternate data streams, trailing dots that Windows drops, so that
// ".env." is ".env"). Each of those is refused here, before any tool touches the file system.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { PathErrorCode } from '../domain/errors';

/** The workspace a tool may touch: absolute folder paths, and whether their file system ignores letter case. */
export interface WorkspaceRoots {
  folders: readonly string[];
  /** Compare paths case-folded (macOS and Windows defaults). Detect with `isCaseInsensitiveFileSystem`. */
  caseInsensitive: boolean;
}

/** A path proven to lie inside a workspace folder. */
export interface ConfinedPath {
  /** Absolute path as the tool should use it (lexically resolved; symlinks inside the workspace are kept). */
  absolute: string;
  /** The workspace folder that holds it. */
  root: string;
  /** Path relative to `root` with '/' separators ('' for the folder itself). */
  relative: string;
}

/** A refused path; the message says what to send instead, because the model reads it. */
export class PathConfinementError extends Error {
  constructor(
    readonly code: PathErrorCode,
    message: string,
  ) {
    super(`${message} [${code}]`);
    this.name = 'PathConfinementError';
  }
}

// Decoding stops after this many rounds; a path still changing by then is refused as deliberately obfuscated.
const MAX_DECODE_ROUNDS = 4;
// Linux's PATH_MAX and NAME_MAX: a longer path cannot be opened anyway, so refuse it with a clear message.
const MAX_PATH_CHARS = 4096;
const MAX_NAME_BYTES = 255;
// Windows device names, with or without an extension ("nul.txt" is the NUL device too).
const RESERVED_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;

/** Resolves a tool's path argument inside the workspace, or throws PathConfinementError saying why not. */
export async function confinePath(raw: string, roots: WorkspaceRoots): Promise<ConfinedPath> {
  const lexical = resolveLexically(raw, roots);
  await assertRealPathInside(lexical, roots);
  return lexical;
}

/** The lexical half of `confinePath` (no file system access): decoding, separators, '..', absolute paths. */
export function resolveLexically(raw: string, roots: WorkspaceRoots): ConfinedPath {
  if (roots.folders.length === 0)
    throw new PathConfinementError(
      'no_workspace',
      'No workspace folder is open, so workspace tools cannot touch files. Ask the user to open a folder.',
    );
  if (typeof raw !== 'string' || raw.trim() === '')
    throw new PathConfinementError(
      'path_invalid',
      'The path is empty. Give a path relative to the workspace folder, such as "src/index.ts".',
    );
  if (raw.includes('\0'))
    throw new PathConfinementError('path_invalid', 'The path contains a NUL byte. Give a plain path relative to the workspace folder.');
  if (raw.length > MAX_PATH_CHARS)
    throw new PathConfinementError(
      'path_invalid',
      `The path is ${raw.length} characters long, more than the ${MAX_PATH_CHARS} a file system accepts. Give a shorter path relative to the workspace folder.`,
    );
  const decoded = fullyDecoded(raw);
  // Both forms are checked: this tool takes the path literally, but some layer further down might decode it.
  const literal = resolveOne(raw, raw, roots);
  if (decoded !== raw) resolveOne(decoded, raw, roots);
  return literal;
}

function resolveOne(candidate: string, raw: string, roots: WorkspaceRoots): ConfinedPath {
  if (candidate.includes('\0'))
    throw new PathConfinementError(
      'path_invalid',
      `The path ${JSON.stringify(raw)} hides a NUL byte in its encoding. Give a plain path relative to the workspace folder.`,
    );
  // Backslashes are separators on Windows and a '..\\..' on any platform means the same climb.
  const slashed = candidate.replace(/\\/g, '/');
  if (slashed === '~' || slashed.startsWith('~/') || /^~[^/]*\//.test(slashed) || /^~[^/]*$/.test(slashed)) {
    throw outside(raw, 'it names a home directory');
  }
  if (/^[a-zA-Z]:/.test(slashed) && !path.isAbsolute(candidate)) throw outside(raw, 'it names a drive');
  const absolute =
    path.isAbsolute(slashed) || /^[a-zA-Z]:\//.test(slashed) ? path.resolve(slashed) : path.resolve(baseFolder(slashed, roots), slashed);
  const root = roots.folders.find((folder) => isInside(absolute, folder, roots.caseInsensitive));
  if (!root) throw outside(raw, 'it resolves outside every workspace folder');
  // On a case-folding file system the folder part may be spelled differently; keep the folder's own spelling.
  const relative = roots.caseInsensitive ? absolute.slice(path.resolve(root).length).replace(/^[\\/]+/, '') : path.relative(root, absolute);
  const segments = relative.split(path.sep).filter(Boolean);
  for (const segment of segments) assertPortableName(segment, raw);
  return { absolute: path.join(root, relative), root, relative: segments.join('/') };
}

/** Refuses a file name that Windows would read as something else, or that no file system accepts. */
function assertPortableName(segment: string, raw: string): void {
  const invalid = (why: string) =>
    new PathConfinementError(
      'path_invalid',
      `The path ${JSON.stringify(raw.slice(0, 200))} ${why}. Give a plain path relative to the workspace folder.`,
    );
  if (Buffer.byteLength(segment) > MAX_NAME_BYTES) throw invalid(`has a name longer than ${MAX_NAME_BYTES} bytes`);
  if (RESERVED_NAME.test(segment)) throw invalid(`uses "${segment}", a reserved device name on Windows`);
  if (segment.includes(':')) throw invalid(`has a ':' in "${segment}" (a drive, URL or Windows alternate data stream)`);
  if (/[. ]$/.test(segment)) throw invalid(`has a name ending in a dot or space ("${segment}"), which Windows silently drops`);
}

// In a multi-root workspace "folderName/src/a.ts" names a file in that folder (VS Code's own convention).
function baseFolder(relative: string, roots: WorkspaceRoots): string {
  const first = relative.split('/')[0];
  if (roots.folders.length > 1) {
    const named = roots.folders.find((folder) => sameName(path.basename(folder), first, roots.caseInsensitive));
    if (named) return path.dirname(named);
  }
  return roots.folders[0];
}

/** Throws when the real location of `confined.absolute` (symlinks followed, dangling ones too) lies outside the workspace. */
async function assertRealPathInside(confined: ConfinedPath, roots: WorkspaceRoots): Promise<void> {
  const real = await realLocation(confined.absolute);
  const realRoots = await Promise.all(roots.folders.map((folder) => fs.realpath(folder).catch(() => folder)));
  if (!realRoots.some((folder) => isInside(real, folder, roots.caseInsensitive))) {
    throw outside(confined.relative || confined.absolute, `a symbolic link leads to ${real}`);
  }
}

// Links deeper than this are refused like the operating system refuses them (ELOOP).
const MAX_LINK_HOPS = 40;

/**
 * Where `absolute` really leads: the real path of its longest existing prefix with the rest appended. A dangling
 * link is followed to its target, because writing through it would create the target.
 */
export async function realLocation(absolute: string, hops = 0): Promise<string> {
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(await fs.realpath(existing), ...rest);
    } catch {
      const link = await fs.readlink(existing).catch(() => undefined);
      if (link !== undefined) {
        if (hops >= MAX_LINK_HOPS)
          throw new PathConfinementError('path_invalid', `Too many symbolic links lead from ${absolute}. Give a path to an ordinary file.`);
        return realLocation(path.join(path.resolve(path.dirname(existing), link), ...rest), hops + 1);
      }
      const parent = path.dirname(existing);
      if (parent === existing) return absolute;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

/** Whether `candidate` is `folder` or lies below it (both absolute). */
export function isInside(candidate: string, folder: string, caseInsensitive: boolean): boolean {
  const fold = (p: string) => (caseInsensitive ? p.toLowerCase() : p);
  const relative = path.relative(fold(path.resolve(folder)), fold(path.resolve(candidate)));
  // '..foo' is a name inside the folder; only '..' itself or '../…' climbs out.
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

function sameName(a: string, b: string, caseInsensitive: boolean): boolean {
  return caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** `raw` with URL encoding undone until it stops changing; throws when it is encoded suspiciously many times. */
export function fullyDecoded(raw: string): string {
  let current = raw;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current; // a lone '%' is an ordinary character in a file name
    }
    if (next === current) return current;
    current = next;
  }
  throw new PathConfinementError(
    'path_invalid',
    `The path ${JSON.stringify(raw)} is URL-encoded many times over. Give a plain path relative to the workspace folder.`,
  );
}

function outside(raw: string, why: string): PathConfinementError {
  return new PathConfinementError(
    'path_outside_workspace',
    `The path ${JSON.stringify(raw)} is outside the workspace (${why}); nothing was read or written. Use a path relative to the workspace folder, such as "src/index.ts".`,
  );
}

/** Whether the file system holding `folder` ignores letter case (probes the folder's own name in another case). */
export async function isCaseInsensitiveFileSystem(folder: string): Promise<boolean> {
  const name = path.basename(folder);
  const swapped = [...name].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
  if (swapped === name) return process.platform === 'win32' || process.platform === 'darwin';
  try {
    const [a, b] = await Promise.all([fs.stat(folder), fs.stat(path.join(path.dirname(folder), swapped))]);
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}
