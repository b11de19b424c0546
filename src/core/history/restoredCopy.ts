// A thread or agent from a backup that the store holds with another history is restored beside it under a new id.
// Its records name their thread, so the log is rewritten line by line (streamed) with the new id; its title says it
// was restored; its metadata says from what, so restoring the same backup again finds the copy instead of adding
// another.

import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { ManifestEntry } from './backupManifest';

/** Metadata keys a restored copy carries: the id it was copied from and the SHA-256 of what was copied. */
export const RESTORED_FROM = 'restored_from';
export const RESTORED_SHA256 = 'restored_sha256';

interface CopyMark {
  sha256: string;
  /** The backup's date (YYYY-MM-DD), for the title. */
  label: string;
}

/** Stages thread `id` of the backup (under `data`) again as thread `copy`. */
export async function copyStagedThread(data: string, id: string, copy: string, mark: CopyMark): Promise<void> {
  const from = join(data, 'threads', id);
  const to = join(data, 'threads', copy);
  await fs.mkdir(to);
  const meta = JSON.parse(await fs.readFile(join(from, 'thread.json'), 'utf8')) as { title?: string; metadata?: Record<string, string> };
  const title = `${meta.title ?? 'Thread'} (restored from backup ${mark.label})`;
  const metadata = { ...meta.metadata, [RESTORED_FROM]: id, [RESTORED_SHA256]: mark.sha256 };
  await fs.writeFile(join(to, 'thread.json'), JSON.stringify({ ...meta, id: copy, title, metadata }));
  await rewriteLog(join(from, 'messages.jsonl'), join(to, 'messages.jsonl'), id, copy).catch(async (error: unknown) => {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    await fs.writeFile(join(to, 'messages.jsonl'), '');
  });
}

/** Stages agent `id` of the backup again as agent `copy`, every version renamed. */
export async function copyStagedAgent(data: string, id: string, copy: string, versions: ManifestEntry[], mark: CopyMark): Promise<void> {
  const to = join(data, 'agents', copy);
  await fs.mkdir(to);
  for (const version of versions) {
    const name = version.path.split('/')[2];
    const agent = JSON.parse(await fs.readFile(join(data, 'agents', id, name), 'utf8')) as {
      name?: string;
      metadata?: Record<string, string>;
    };
    const renamed = {
      ...agent,
      id: copy,
      name: `${agent.name ?? 'Agent'} (restored from backup ${mark.label})`,
      metadata: { ...agent.metadata, [RESTORED_FROM]: id, [RESTORED_SHA256]: mark.sha256 },
    };
    await fs.writeFile(join(to, name), JSON.stringify(renamed, null, 2));
  }
}

/**
 * Copies a log, naming thread `to` where its records named thread `from`. Lines that are not JSON objects (a torn
 * last line, damage) are copied as they are: the store skips them on reading, as it did in the original.
 */
async function rewriteLog(source: string, destination: string, from: string, to: string): Promise<void> {
  const out = createWriteStream(destination, { flags: 'wx' });
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  let rest = '';
  for await (const chunk of createReadStream(source, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop() ?? '';
    await write(lines.map((line) => renamed(line, from, to) + '\n').join(''));
  }
  if (rest) await write(renamed(rest, from, to));
  out.end();
  await once(out, 'finish');
}

function renamed(line: string, from: string, to: string): string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof record !== 'object' || record === null) return line;
  for (const key of ['message', 'run', 'step']) {
    const inner = (record as Record<string, { thread_id?: unknown } | undefined>)[key];
    if (inner && typeof inner === 'object' && inner.thread_id === from) inner.thread_id = to;
  }
  return JSON.stringify(record);
}
