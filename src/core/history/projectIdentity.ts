// What identifies a project across the identities VS Code gives a workspace: a folder opened alone and the same
// folder in a multi-root workspace get different storage folders (and so different thread stores), as does a folder
// that moved. Two stores belong to the same project when they share a workspace folder, the workspace file, or the
// git repository (its first commit, or its remote).

import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseJsonc } from 'jsonc-parser';

export interface ProjectIdentity {
  /** Workspace folder URIs (file:// or remote), as VS Code writes them. */
  folders: string[];
  /** The `.code-workspace` file's URI, for a multi-root workspace. */
  workspaceFile?: string;
  /** Remote URLs of the folders' git repositories, normalised (host/path, no scheme, user or `.git`). */
  gitRemotes: string[];
  /** The root commits of the folders' git repositories. */
  gitRootCommits: string[];
}

/** Whether two identities are the same project. */
export function sameProject(a: ProjectIdentity, b: ProjectIdentity): boolean {
  const shares = (x: readonly string[], y: readonly string[]) => x.some((value) => y.includes(value));
  return (
    shares(a.folders.map(folderKey), b.folders.map(folderKey)) ||
    (a.workspaceFile !== undefined && folderKey(a.workspaceFile) === folderKey(b.workspaceFile ?? '')) ||
    shares(a.gitRootCommits, b.gitRootCommits) ||
    shares(a.gitRemotes, b.gitRemotes)
  );
}

/**
 * A folder URI as compared: decoded (VS Code writes `c%3A`, Node `C:`), drive letter in lower case, no trailing slash.
 */
function folderKey(uri: string): string {
  let decoded = uri;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    // not percent-encoded as a URI would be: compare it as written
  }
  return decoded.replace(/^file:\/\/\/([A-Za-z]):/, (_, drive: string) => `file:///${drive.toLowerCase()}:`).replace(/\/+$/, '');
}

/** A git remote URL as `host/owner/repo`: https, ssh and scp-like forms of the same repository compare equal. */
export function normaliseRemote(url: string): string {
  let rest = url.trim();
  const scpLike = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(rest);
  if (scpLike) rest = `${scpLike[1]}/${scpLike[2]}`;
  else rest = rest.replace(/^[a-z+]+:\/\//i, '').replace(/^[^@/]+@/, '');
  return rest
    .replace(/:\d+\//, '/')
    .replace(/\.git\/?$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

/** The git folder of a working tree: `.git`, or where a `.git` file (worktree, submodule) points. */
async function gitDir(folder: string): Promise<string | undefined> {
  const dotGit = join(folder, '.git');
  const stat = await fs.stat(dotGit).catch(() => undefined);
  if (!stat) return undefined;
  if (stat.isDirectory()) return dotGit;
  const pointer = /^gitdir:\s*(.+)$/m.exec(await fs.readFile(dotGit, 'utf8').catch(() => ''));
  if (!pointer) return undefined;
  const dir = pointer[1].trim();
  return isAbsolute(dir) ? dir : resolve(folder, dir);
}

/** The remote URLs in a repository's config (read directly: no process to start), normalised. */
export async function gitRemotesOf(folder: string): Promise<string[]> {
  const dir = await gitDir(folder);
  if (!dir) return [];
  // A linked worktree keeps its config in the main repository (commondir).
  const common = (await fs.readFile(join(dir, 'commondir'), 'utf8').catch(() => '')).trim();
  const configDir = common ? resolve(dir, common) : dir;
  const config = await fs.readFile(join(configDir, 'config'), 'utf8').catch(() => '');
  const remotes: string[] = [];
  let inRemote = false;
  for (const line of config.split(/\r?\n/)) {
    const section = /^\s*\[([^\]]+)\]/.exec(line);
    if (section) inRemote = /^remote\s+"/.test(section[1]);
    const url = inRemote ? /^\s*url\s*=\s*(.+?)\s*$/.exec(line) : null;
    if (url) remotes.push(normaliseRemote(url[1]));
  }
  return [...new Set(remotes)];
}

/** The root commit(s) of the repository at `folder`, from `git` (bounded by `timeoutMs`); none when git is missing. */
export function gitRootCommitsOf(folder: string, timeoutMs = 3_000): Promise<string[]> {
  return new Promise((resolvePromise) => {
    execFile('git', ['rev-list', '--max-parents=0', 'HEAD'], { cwd: folder, timeout: timeoutMs, windowsHide: true }, (error, stdout) => {
      if (error) return resolvePromise([]);
      resolvePromise(
        String(stdout)
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => /^[0-9a-f]{40,64}$/.test(line))
          .sort(),
      );
    });
  });
}

/** The folder URIs a `.code-workspace` file lists (JSON with comments; relative paths are relative to the file). */
export async function workspaceFileFolders(workspaceFile: string): Promise<string[]> {
  const text = await fs.readFile(workspaceFile, 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  const parsed = parseJsonc(text) as { folders?: { path?: unknown; uri?: unknown }[] } | undefined;
  const folders: string[] = [];
  for (const folder of Array.isArray(parsed?.folders) ? parsed.folders : []) {
    if (typeof folder?.uri === 'string') folders.push(folder.uri);
    else if (typeof folder?.path === 'string') folders.push(pathToFileURL(resolve(dirname(workspaceFile), folder.path)).href);
  }
  return folders;
}
