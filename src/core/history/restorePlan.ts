// The merge a restore makes, decided before anything moves: nothing in the store is overwritten or deleted. A thread
// the store lacks is added; one it holds with the same log, or a longer log that starts with the same bytes (the
// thread went on after the backup), is left alone; one it holds with a different log is kept both ways, the backup's
// copy under a new id, titled so the user can tell, and marked in its metadata so a second restore finds it.
// Agents follow the same rule by version; stored contents are content-addressed, so one with the same name is the same.

import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { newId } from '../domain/ids';
import { errnoCode } from '../util/errors';
import type { BackupManifest, ManifestEntry } from './backupManifest';
import { copyStagedAgent, copyStagedThread, RESTORED_FROM, RESTORED_SHA256 } from './restoredCopy';

/** One rename from the staging folder's `data` into the store (both forward-slash paths, relative). */
export interface Move {
  from: string;
  to: string;
}

/** What a restore did, for the message the user sees. */
export interface RestoreResult {
  /** Threads the store did not have, added with their ids. */
  threadsAdded: string[];
  /** Threads the store had with another history: the backup's copy was added under `id`. */
  threadCopies: { from: string; id: string }[];
  /** Threads the store already had (the same log, or one that went on from it), or had restored before. */
  threadsPresent: string[];
  agentsAdded: number;
  agentCopies: number;
  /** Files of change sets (journals and stored contents) added. */
  changeFilesAdded: number;
}

export interface RestorePlan {
  moves: Move[];
  result: RestoreResult;
}

/** Decides the moves that merge the staged backup (`data`) into the store at `root`; stages copies under new ids. */
export async function planRestore(root: string, data: string, manifest: BackupManifest): Promise<RestorePlan> {
  const entries = new Map(manifest.entries.map((entry) => [entry.path, entry]));
  const moves: Move[] = [];
  const result: RestoreResult = {
    threadsAdded: [],
    threadCopies: [],
    threadsPresent: [],
    agentsAdded: 0,
    agentCopies: 0,
    changeFilesAdded: 0,
  };
  const marks = new RestoredMarks(root);
  const label = manifest.createdAt.slice(0, 10);
  const movedJournals = new Set<string>();
  const moveJournal = async (from: string, to: string) => {
    movedJournals.add(from);
    if (!entries.has(`checkpoints/${from}.jsonl`) || (await exists(join(root, 'checkpoints', `${to}.jsonl`)))) return;
    moves.push({ from: `checkpoints/${from}.jsonl`, to: `checkpoints/${to}.jsonl` });
    result.changeFilesAdded++;
  };

  for (const id of idsUnder(manifest, 'threads', 'thread.json')) {
    const log = entries.get(`threads/${id}/messages.jsonl`);
    const current = join(root, 'threads', id);
    if (!(await exists(current))) {
      moves.push({ from: `threads/${id}`, to: `threads/${id}` });
      result.threadsAdded.push(id);
      await moveJournal(id, id);
    } else if (log && (await startsWith(join(current, 'messages.jsonl'), log))) {
      result.threadsPresent.push(id);
      await moveJournal(id, id); // only where the store has none
    } else if (await marks.has('thread', id, log?.sha256 ?? '')) {
      result.threadsPresent.push(id); // restored before as a copy, with its journal
      movedJournals.add(id);
    } else {
      const copy = newId('thread');
      await copyStagedThread(data, id, copy, { sha256: log?.sha256 ?? '', label });
      moves.push({ from: `threads/${copy}`, to: `threads/${copy}` });
      result.threadCopies.push({ from: id, id: copy });
      await moveJournal(id, copy);
    }
  }

  for (const id of idsUnder(manifest, 'agents')) {
    const versions = manifest.entries.filter((entry) => entry.path.startsWith(`agents/${id}/`));
    const folder = join(root, 'agents', id);
    if (!(await exists(folder))) {
      moves.push({ from: `agents/${id}`, to: `agents/${id}` });
      result.agentsAdded++;
      continue;
    }
    const differing = await someAsync(versions, async (version) => {
      const name = version.path.split('/')[2];
      return (await exists(join(folder, name))) && !(await startsWith(join(folder, name), version, true));
    });
    if (!differing) {
      for (const version of versions)
        if (!(await exists(join(root, ...version.path.split('/'))))) moves.push({ from: version.path, to: version.path });
      continue;
    }
    const sha256 = combinedHash(versions);
    if (await marks.has('agent', id, sha256)) continue;
    const copy = newId('asst');
    await copyStagedAgent(data, id, copy, versions, { sha256, label });
    moves.push({ from: `agents/${copy}`, to: `agents/${copy}` });
    result.agentCopies++;
  }

  // Journals of threads not in the backup, and the stored contents every change set names.
  for (const entry of manifest.entries) {
    const journal = /^checkpoints\/([^/]+)\.jsonl$/.exec(entry.path);
    if (journal && !movedJournals.has(journal[1])) await moveJournal(journal[1], journal[1]);
    if (entry.path.startsWith('checkpoints/contents/') && !(await exists(join(root, ...entry.path.split('/'))))) {
      moves.push({ from: entry.path, to: entry.path });
      result.changeFilesAdded++;
    }
  }
  return { moves, result };
}

/** The ids of the folders under `top` in the manifest (those holding `file`, when given), in manifest order. */
function idsUnder(manifest: BackupManifest, top: string, file?: string): string[] {
  const ids = new Set<string>();
  for (const { path } of manifest.entries) {
    const parts = path.split('/');
    if (parts[0] === top && parts.length === 3 && (file === undefined || parts[2] === file)) ids.add(parts[1]);
  }
  return [...ids];
}

/** Whether the file at `path` starts with the entry's bytes (is exactly them, with `exact`), by size and SHA-256. */
async function startsWith(path: string, entry: ManifestEntry, exact = false): Promise<boolean> {
  let size: number;
  try {
    size = (await fs.stat(path)).size;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
  if (size < entry.size || (exact && size !== entry.size)) return false;
  if (entry.size === 0) return true;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { start: 0, end: entry.size - 1, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex') === entry.sha256;
}

function combinedHash(entries: ManifestEntry[]): string {
  const hash = createHash('sha256');
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : 1))) hash.update(`${entry.path}\0${entry.sha256}\n`);
  return hash.digest('hex');
}

async function someAsync<T>(items: T[], test: (item: T) => Promise<boolean>): Promise<boolean> {
  for (const item of items) if (await test(item)) return true;
  return false;
}

async function exists(path: string): Promise<boolean> {
  return fs.stat(path).then(
    () => true,
    () => false,
  );
}

/** The copies earlier restores added, by what they were copied from (read from the store's metadata on first use). */
class RestoredMarks {
  private marks: Set<string> | undefined;
  constructor(private readonly root: string) {}

  async has(kind: 'thread' | 'agent', id: string, sha256: string): Promise<boolean> {
    this.marks ??= await this.read();
    return this.marks.has(`${kind} ${id} ${sha256}`);
  }

  private async read(): Promise<Set<string>> {
    const marks = new Set<string>();
    const add = async (kind: 'thread' | 'agent', file: string) => {
      try {
        const metadata = (JSON.parse(await fs.readFile(file, 'utf8')) as { metadata?: Record<string, unknown> }).metadata;
        if (typeof metadata?.[RESTORED_FROM] === 'string')
          marks.add(`${kind} ${metadata[RESTORED_FROM]} ${String(metadata[RESTORED_SHA256])}`);
      } catch {
        // Unreadable or half-written: not a mark; the store reports such files itself.
      }
    };
    for (const id of await fs.readdir(join(this.root, 'threads')).catch(() => [] as string[]))
      await add('thread', join(this.root, 'threads', id, 'thread.json'));
    for (const id of await fs.readdir(join(this.root, 'agents')).catch(() => [] as string[])) {
      const versions = (await fs.readdir(join(this.root, 'agents', id)).catch(() => [] as string[])).filter((name) =>
        name.endsWith('.json'),
      );
      for (const version of versions) await add('agent', join(this.root, 'agents', id, version));
    }
    return marks;
  }
}
