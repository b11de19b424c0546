// The record a merge keeps while it runs, so that a crash half-way is finished or rolled back at the next start.
//
// `<store>/merging/<merge id>/` holds journal.json (which source, written before anything else), appends.jsonl (each
// append to an existing log, noted before it starts and again when it is done) and staging/ (copies being prepared;
// a thread or agent moves into the store from there with one rename, so it is never seen half-copied). A merge that
// finishes removes its folder; a folder left behind is an interrupted merge.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite, readJsonFile } from '../store/atomicWrite';
import { errnoCode } from '../util/errors';

/** The folder of a store where merges keep their journals. */
export const MERGING_FOLDER = 'merging';

/** An append to an existing log: the thread's log or a thread's change journal, from byte `from` to byte `to`. */
export interface NotedAppend {
  kind: 'thread' | 'changeJournal';
  id: string;
  from: number;
  to: number;
}

interface JournalFile {
  version: 1;
  source: string;
  copyLabel: string;
  startedAt: number;
}

type AppendLine = ({ t: 'append' } & NotedAppend) | { t: 'appended'; kind: NotedAppend['kind']; id: string };

/** One merge's journal and staging folder. */
export class MergeJournal {
  private constructor(
    readonly folder: string,
    readonly source: string,
    readonly copyLabel: string,
  ) {}

  get staging(): string {
    return join(this.folder, 'staging');
  }

  /** Starts the journal of a new merge (before it touches the store). */
  static async begin(storeRoot: string, source: string, copyLabel: string): Promise<MergeJournal> {
    const folder = join(storeRoot, MERGING_FOLDER, `merge-${Date.now()}-${randomBytes(4).toString('hex')}`);
    await fs.mkdir(join(folder, 'staging'), { recursive: true });
    const file: JournalFile = { version: 1, source, copyLabel, startedAt: Date.now() };
    await atomicWrite(join(folder, 'journal.json'), JSON.stringify(file));
    return new MergeJournal(folder, source, copyLabel);
  }

  /** The journals of merges that did not finish, oldest first; one whose journal.json never got written has no source. */
  static async unfinished(storeRoot: string): Promise<{ folder: string; journal: MergeJournal | undefined }[]> {
    const base = join(storeRoot, MERGING_FOLDER);
    const names = (await fs.readdir(base).catch(() => [] as string[])).filter((name) => name.startsWith('merge-')).sort();
    return Promise.all(
      names.map(async (name) => {
        const folder = join(base, name);
        const file = (await readJsonFile(join(folder, 'journal.json')).catch(() => undefined)) as Partial<JournalFile> | undefined;
        const journal = typeof file?.source === 'string' ? new MergeJournal(folder, file.source, String(file.copyLabel ?? '')) : undefined;
        return { folder, journal };
      }),
    );
  }

  /** Empties the staging folder (what a crash left there is incomplete; a resumed merge stages again). */
  async clearStaging(): Promise<void> {
    await fs.rm(this.staging, { recursive: true, force: true });
    await fs.mkdir(this.staging, { recursive: true });
  }

  /** Notes an append before its first byte is written. */
  noteAppend(append: NotedAppend): Promise<void> {
    return this.write({ t: 'append', ...append });
  }

  /** Notes that an append is complete. */
  noteAppended(kind: NotedAppend['kind'], id: string): Promise<void> {
    return this.write({ t: 'appended', kind, id });
  }

  /** Appends that were noted but not completed. */
  async unfinishedAppends(): Promise<NotedAppend[]> {
    let text: string;
    try {
      text = await fs.readFile(join(this.folder, 'appends.jsonl'), 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
    const open = new Map<string, NotedAppend>();
    for (const line of text.split('\n')) {
      let entry: AppendLine;
      try {
        entry = JSON.parse(line) as AppendLine;
      } catch {
        continue; // a line torn by the crash: its append never started
      }
      const key = `${entry.kind}:${entry.id}`;
      if (entry.t === 'append') open.set(key, { kind: entry.kind, id: entry.id, from: entry.from, to: entry.to });
      else open.delete(key);
    }
    return [...open.values()];
  }

  /** Removes the journal: the merge is complete (or rolled back). */
  async finish(): Promise<void> {
    await fs.rm(this.folder, { recursive: true, force: true });
  }

  /**
   * Written before the append it describes, without an fsync (which cost a merge of 100 threads seconds): the note
   * survives the process being killed, as the append does. After a power cut without it, a thread may be left
   * continued by some whole records of the source, which is a valid thread; a torn last record is dropped on open.
   */
  private async write(line: AppendLine): Promise<void> {
    const handle = await fs.open(join(this.folder, 'appends.jsonl'), 'a');
    try {
      await handle.write(JSON.stringify(line) + '\n');
    } finally {
      await handle.close();
    }
  }
}
