// Read-only documents of the contents checkpoints keep, for the diff editors of "Review Run Changes":
// `agent-threads-checkpoint:/<relative path>?<content hash>`; an empty hash is an absent file (created or deleted).

import * as vscode from 'vscode';
import type { ContentStore, FileState } from '../../core/checkpoints';

export const CHECKPOINT_SCHEME = 'agent-threads-checkpoint';

/** The document showing `state` of the file at `relative` (empty for an absent file or content that was not kept). */
export function checkpointUri(relative: string, state: FileState, side: 'before' | 'after' | 'now'): vscode.Uri {
  // The side is part of the path so that the sides of an absent file are separate documents, not one.
  return vscode.Uri.from({ scheme: CHECKPOINT_SCHEME, path: `/${side}/${relative}`, query: state?.hash ?? '' });
}

/** Serves the kept contents by hash. */
export class CheckpointContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly contents: ContentStore) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    if (!uri.query) return '';
    return (await this.contents.get(uri.query)).toString('utf8');
  }
}
