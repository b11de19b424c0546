import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The workspace storage folder every window on a workspace shares.
 *
 * VS Code gives the extension host of a second window on the same workspace (a second browser tab on code-server,
 * a second remote window) a sibling storage folder `<workspace id>-1` next to `<workspace id>`, so that extensions
 * that cannot share files do not clash. A person expects the same agents and threads in both windows, and our
 * stores are built for several processes (file locks that name their owner's pid), so we use the first folder when
 * it is the same workspace's (its meta.json names the same id). Pure Node, so it is unit-testable.
 */
export function sharedWorkspaceStorage(extensionStoragePath: string): string {
  const workspaceFolder = path.dirname(extensionStoragePath);
  const suffixed = /^(.+)-\d+$/.exec(path.basename(workspaceFolder));
  if (!suffixed) return extensionStoragePath;
  const firstFolder = path.join(path.dirname(workspaceFolder), suffixed[1]);
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(firstFolder, 'meta.json'), 'utf8')) as { id?: unknown };
    if (meta.id !== suffixed[1]) return extensionStoragePath;
  } catch {
    return extensionStoragePath;
  }
  return path.join(firstFolder, path.basename(extensionStoragePath));
}
