// Checkpoints: what recording a change costs an edit, how long an undo of a big run takes, and what a hundred small
// edits of one file cost in storage (content addressing with deltas as the representation; see contentStore.ts).

import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeSetStore, nodeFileAccess, restoreChanges } from '../../src/core/checkpoints';
import type { Bench, BenchReport } from './harness';

const FILE_BYTES = 100 * 1024;
const SAMPLES = 100;

/** About 100 KB of this repository's own TypeScript: what an agent edits, and how well it compresses. */
function sourceText(): Buffer {
  const root = join(__dirname, '..', '..', '..', 'src');
  const parts: Buffer[] = [];
  let size = 0;
  for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .sort()) {
    const content = readFileSync(join(root, file));
    parts.push(content);
    size += content.length;
    if (size >= FILE_BYTES) break;
  }
  return Buffer.concat(parts).subarray(0, FILE_BYTES);
}

/** The text with a small edit at a spot that moves through the file: one line changed, as edit_file does. */
function edited(text: Buffer, i: number): Buffer {
  const at = Math.floor((((i * 7919) % 97) / 97) * (text.length - 100));
  return Buffer.concat([text.subarray(0, at), Buffer.from(`// edit ${i}\n`), text.subarray(at)]);
}

/** Medians of `a` and `b`, each timed `samples` times, taking turns. */
async function interleavedMedians(
  samples: number,
  a: () => Promise<void>,
  b: () => Promise<void>,
): Promise<{ plainMs: number; recordedMs: number }> {
  const times: [number[], number[]] = [[], []];
  for (let n = 0; n < samples; n++) {
    for (const [k, fn] of [a, b].entries()) {
      const start = process.hrtime.bigint();
      await fn();
      times[k].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  const median = (values: number[]): number => values.sort((x, y) => x - y)[Math.floor(values.length / 2)];
  return { plainMs: median(times[0]), recordedMs: median(times[1]) };
}

export const checkpointsBench: Bench = {
  name: 'checkpoints',
  run: async (report: BenchReport) => {
    const root = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'agent-threads-bench-checkpoints-')));
    try {
      const ws = join(root, 'ws');
      await fs.mkdir(ws);
      const file = join(ws, 'big.ts');
      const base = sourceText();
      await fs.writeFile(file, base);
      const store = new ChangeSetStore({ root: join(root, 'storage'), maxFileBytes: () => 2 << 20 });

      // An edit without recording (read, write) against the same edit recorded first, alternately, so that a change
      // in the machine's load (the disk's latency above all) falls on both alike. Each on a file of its own: the
      // recorded one is edited by nothing else, as when an agent edits a file several times in a run.
      const plainFile = join(ws, 'plain.ts');
      await fs.writeFile(plainFile, base);
      let plainCurrent = base;
      let current = base;
      let i = 0;
      const plainEdit = async (): Promise<void> => {
        await fs.readFile(plainFile);
        plainCurrent = edited(plainCurrent, i);
        await fs.writeFile(plainFile, plainCurrent);
      };
      const recordedEdit = async (): Promise<void> => {
        const before = await fs.readFile(file);
        current = edited(current, i++);
        const after = current;
        await store.recorded(
          { threadId: 'bench', runId: 'run_edits', source: 'edit_file' },
          { absolute: file, relative: 'big.ts' },
          before,
          after,
          () => fs.writeFile(file, after),
        );
      };
      const { plainMs, recordedMs } = await interleavedMedians(SAMPLES, plainEdit, recordedEdit);
      report.add({ metric: 'edit of a 100 KB file, without recording (median)', value: plainMs, unit: 'ms' });
      report.add({ metric: 'edit of a 100 KB file, recorded (median)', value: recordedMs, unit: 'ms' });
      report.add({
        metric: 'recording overhead per edit',
        value: recordedMs - plainMs,
        unit: 'ms',
        target: '<= 5',
        pass: recordedMs - plainMs <= 5,
      });

      // Storage of 100 small edits of one 100 KB file, in a store of its own.
      const sizeStore = new ChangeSetStore({ root: join(root, 'size'), maxFileBytes: () => 2 << 20 });
      await fs.writeFile(file, base);
      current = base;
      for (let n = 0; n < 100; n++) {
        const before = current;
        current = edited(current, n);
        const after = current;
        await sizeStore.recorded(
          { threadId: 'bench', runId: `run_${n}`, source: 'edit_file' },
          { absolute: file, relative: 'big.ts' },
          before,
          after,
          () => fs.writeFile(file, after),
        );
      }
      const stored = await sizeStore.contents.sizeOnDisk();
      report.add({ metric: 'storage for 100 small edits of a 100 KB file', value: stored / 1024, unit: 'KB' });
      report.add({
        metric: 'storage / file size',
        value: stored / base.length,
        unit: 'x',
        target: '<= 2',
        pass: stored / base.length <= 2,
      });

      // Undo of a run that changed 100 files.
      const undoStore = new ChangeSetStore({ root: join(root, 'undo'), maxFileBytes: () => 2 << 20 });
      await fs.mkdir(join(ws, 'many'));
      for (let n = 0; n < 100; n++) {
        const path = join(ws, 'many', `f${n}.ts`);
        const before = edited(base.subarray(0, 4096), n);
        await fs.writeFile(path, before);
        const after = edited(before, n + 1);
        await undoStore.recorded(
          { threadId: 'bench', runId: 'run_many', source: 'edit_file' },
          { absolute: path, relative: `many/f${n}.ts` },
          before,
          after,
          () => fs.writeFile(path, after),
        );
      }
      const set = await undoStore.changeSet('bench', 'run_many');
      const start = process.hrtime.bigint();
      const undo = await restoreChanges(
        undoStore,
        nodeFileAccess,
        { folders: [ws], caseInsensitive: false },
        { threadId: 'bench', files: set!.files, restoreOf: 'run_many' },
      );
      const undoMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (undo.files.some((f) => f.outcome !== 'restored')) throw new Error('not every file was restored');
      report.add({ metric: 'undo of a run that changed 100 files', value: undoMs, unit: 'ms', target: '< 1000', pass: undoMs < 1000 });
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  },
};
