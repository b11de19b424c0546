// What every workspace tool shares: the open folders as confinement roots, the protected-path options (the
// extension's storage folder), and reading a file's current text (the editor's copy when it is open, since that is
// what the user sees and what an edit will change).

import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import {
  confinePath,
  type ConfinedPath,
  isCaseInsensitiveFileSystem,
  resolveLexically,
  type WorkspaceRoots,
} from '../../core/tools/pathConfinement';
import { describeProtection, forcedApprovalForPath, type ProtectedPathOptions } from '../../core/tools/protectedPaths';
import type { ForcedApproval } from '../../core/tools/toolRegistry';
import { errnoCode } from '../../core/util/errors';

/** Reads beyond this size are refused: the model would only get a truncated slice of it anyway. */
export const MAX_READ_BYTES = 2 * 1024 * 1024;

/** The workspace as tools see it; one instance per window, built in the composition root. */
export class WorkspaceAccess {
  private readonly caseInsensitive = new Map<string, Promise<boolean>>();

  constructor(private readonly protection: ProtectedPathOptions) {}

  /** Absolute paths of the local workspace folders (remote or virtual folders are not tool targets). */
  folders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  /** The confinement roots, detecting each folder's case sensitivity once. */
  async roots(): Promise<WorkspaceRoots> {
    const folders = this.folders();
    const flags = await Promise.all(folders.map((folder) => this.isCaseInsensitive(folder)));
    return { folders, caseInsensitive: flags.some(Boolean) };
  }

  /** Resolves a tool's path argument inside the workspace; throws PathConfinementError otherwise. */
  async confine(raw: string): Promise<ConfinedPath> {
    return confinePath(raw, await this.roots());
  }

  /** The approval a change to `raw` needs whatever the policy (protected paths). */
  async forcedApproval(raw: string): Promise<ForcedApproval | undefined> {
    return forcedApprovalForPath(raw, await this.roots(), this.protection);
  }

  /** For the approval card: why the path as written is protected (the symlink-aware check is `forcedApproval`). */
  protectionNote(raw: string): string | undefined {
    try {
      const file = resolveLexically(raw, { folders: this.folders(), caseInsensitive: true });
      return describeProtection(file.absolute, file.root, this.protection);
    } catch {
      return undefined;
    }
  }

  /** The file's text as the editor holds it, or from disk; undefined when it does not exist. */
  async currentText(absolute: string): Promise<string | undefined> {
    const open = vscode.workspace.textDocuments.find((doc) => doc.uri.scheme === 'file' && doc.uri.fsPath === absolute);
    if (open) return open.getText();
    try {
      const stat = await fs.stat(absolute);
      if (!stat.isFile()) throw new Error(`${absolute} is a folder, not a file.`);
      if (stat.size > MAX_READ_BYTES)
        throw new Error(`${absolute} is ${stat.size} bytes, more than the ${MAX_READ_BYTES}-byte limit for tools.`);
      return await fs.readFile(absolute, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  private isCaseInsensitive(folder: string): Promise<boolean> {
    let known = this.caseInsensitive.get(folder);
    if (!known) {
      known = isCaseInsensitiveFileSystem(folder);
      this.caseInsensitive.set(folder, known);
    }
    return known;
  }
}

/** A path argument as the model should see it in outputs: relative to its folder. */
export function shown(path: ConfinedPath): string {
  return path.relative || '.';
}
