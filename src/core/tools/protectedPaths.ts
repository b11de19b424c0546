// Paths that a changing tool may never touch without the user's explicit approval, whatever the agent's policy or
// the thread's "always allow" says. They configure the editor, tasks, debugging, the repository, containers or this
// extension, or hold secrets: a silent write there can run code on the next folder open, commit or build.
//
// The list (matched on any platform case-insensitively, since overprotecting costs one click and a case trick on
// macOS or Windows must not slip through; trailing dots and spaces and NTFS ':stream' suffixes are ignored because
// Windows ignores them too):
//   .vscode/ at any depth          settings.json, tasks.json (tasks can run on folder open), launch.json, extensions
//   .git/ at any depth, .git file, .gitmodules, .gitattributes   hooks and config execute code; filters run on checkout
//   .husky/ at any depth           git hooks managed by husky
//   *.code-workspace               multi-root workspace settings, tasks and launch configurations
//   .env, .env.*, .envrc           secrets; direnv executes .envrc
//   .devcontainer/, .devcontainer.json   container definitions run commands on build
//   .agents/ at any depth          this extension's per-workspace agent definitions
//   .editorconfig                  editor configuration
//   the extension's storage folder (given by the host), wherever it lies
// Not on the list: package.json and other build files. Editing them is routine work; running them needs run_command,
// which asks by default.

import * as path from 'node:path';
import { fullyDecoded, isInside, PathConfinementError, realLocation, resolveLexically, type WorkspaceRoots } from './pathConfinement';
import type { ForcedApproval } from './toolRegistry';

/** Protected folder names: anything below one of these, at any depth, is protected. */
const PROTECTED_FOLDERS: Record<string, string> = {
  '.vscode': 'it configures VS Code (settings, tasks, launch configurations)',
  '.git': 'it is the Git repository itself (hooks and config run code)',
  '.husky': 'it holds Git hooks that run code',
  '.devcontainer': 'it defines a dev container whose build runs commands',
  '.agents': "it holds this extension's agent definitions",
};

/** Protected file names, at any depth. */
const PROTECTED_FILES: Record<string, string> = {
  '.git': 'it points Git at a repository',
  '.gitmodules': 'it tells Git which submodules to fetch',
  '.gitattributes': 'it configures Git filters that run on checkout',
  '.devcontainer.json': 'it defines a dev container whose build runs commands',
  '.editorconfig': 'it configures the editor',
};

/** Options for `protectionReason`: absolute folders that are protected as a whole (such as the extension's storage). */
export interface ProtectedPathOptions {
  protectedFolders?: readonly string[];
}

/** Why a change to `absolutePath` must always be approved by the user, or undefined when it is an ordinary path. */
export function protectionReason(absolutePath: string, options: ProtectedPathOptions = {}): string | undefined {
  for (const folder of options.protectedFolders ?? []) {
    if (isInside(absolutePath, folder, true)) return "it is inside this extension's storage folder";
  }
  const segments = absolutePath
    .split(/[\\/]+/)
    .filter(Boolean)
    .map(normalizedSegment);
  const last = segments.at(-1) ?? '';
  for (const segment of segments.slice(0, -1)) {
    if (PROTECTED_FOLDERS[segment]) return PROTECTED_FOLDERS[segment];
  }
  // The last segment may itself be a protected folder (deleting or creating it).
  if (PROTECTED_FOLDERS[last]) return PROTECTED_FOLDERS[last];
  if (PROTECTED_FILES[last]) return PROTECTED_FILES[last];
  if (last.endsWith('.code-workspace')) return 'it is a VS Code workspace file (settings, tasks, launch configurations)';
  if (last === '.env' || last.startsWith('.env.') || last === '.envrc') return 'it holds environment variables, often secrets';
  return undefined;
}

/** Why the path is protected, as a sentence naming it relative to `root`, or undefined. */
export function describeProtection(absolutePath: string, root: string, options: ProtectedPathOptions = {}): string | undefined {
  const reason = protectionReason(absolutePath, options);
  if (!reason) return undefined;
  const shown = path.relative(root, absolutePath).split(path.sep).join('/') || absolutePath;
  return `${shown} is a protected path: ${reason}.`;
}

function normalizedSegment(segment: string): string {
  // Windows opens "settings.json::$DATA" and ".vscode. " as "settings.json" and ".vscode".
  const withoutStream = segment.includes(':') && !/^[a-zA-Z]:$/.test(segment) ? segment.slice(0, segment.indexOf(':')) : segment;
  return withoutStream.replace(/[. ]+$/, (tail) => (tail === withoutStream ? tail : '')).toLowerCase();
}

/**
 * The forced approval for a change to the tool path argument `raw`: checks the path as written and where symlinks
 * really lead (a link named "cfg" pointing at .vscode is still .vscode). A path outside the workspace forces nothing,
 * because the tool refuses it anyway.
 */
export async function forcedApprovalForPath(
  raw: string,
  roots: WorkspaceRoots,
  options: ProtectedPathOptions = {},
): Promise<ForcedApproval | undefined> {
  // The decoded spelling counts too: if anything downstream decodes, it must not reach .vscode unasked.
  for (const spelling of new Set([raw, decodedOrRaw(raw)])) {
    let lexical;
    try {
      lexical = resolveLexically(spelling, roots);
    } catch (error) {
      if (error instanceof PathConfinementError) continue;
      throw error;
    }
    const real = await realLocation(lexical.absolute).catch(() => lexical.absolute);
    for (const candidate of new Set([lexical.absolute, real])) {
      const reason = describeProtection(candidate, lexical.root, options);
      if (reason) return { forced: true, reason };
    }
  }
  return undefined;
}

function decodedOrRaw(raw: string): string {
  try {
    return fullyDecoded(raw);
  } catch {
    return raw;
  }
}
