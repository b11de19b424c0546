import * as vscode from 'vscode';
import { rankPaths } from '../../core/util/pathMatch';

/** How many files the `#` mention looks through, and how long a listing serves the keystrokes that follow. */
const MAX_FILES = 5_000;
const LISTING_TTL_MS = 3_000;
const RESULTS = 12;

let listing: { at: number; paths: Promise<string[]> } | undefined;

/**
 * Workspace files matching what the user typed after `#`, best first. The workspace is listed once for a burst of
 * keystrokes (each one asks again), without dependency and VCS folders, which nobody mentions and which can be huge.
 */
export async function findWorkspaceFiles(query: string): Promise<string[]> {
  const fresh = !listing || Date.now() - listing.at > LISTING_TTL_MS;
  const found = rankPaths(await listFiles(fresh), query.trim(), RESULTS);
  // Nothing matched in a listing made earlier: the file may have been created since (a person who just saved it
  // mentions it next), so look once more before saying there is none.
  return found.length > 0 || fresh ? found : rankPaths(await listFiles(true), query.trim(), RESULTS);
}

function listFiles(anew: boolean): Promise<string[]> {
  if (anew || !listing) {
    const paths = vscode.workspace
      .findFiles('**/*', '**/{node_modules,.git}/**', MAX_FILES)
      .then((uris) => uris.map((uri) => vscode.workspace.asRelativePath(uri, false)));
    listing = { at: Date.now(), paths: Promise.resolve(paths) };
    // A failed listing is not kept: the next keystroke tries again.
    paths.then(undefined, () => (listing = undefined));
  }
  return listing.paths;
}
