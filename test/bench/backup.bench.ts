// Backups: writing the archive of a store of 100 threads × 1,000 messages, against a plain copy of the same files
// in the same run (the archive should cost about what copying the data costs: bound by the disk, not by hashing or
// the format), and restoring it into an empty store.

import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { restoreBackup, writeBackup } from '../../src/core/history';
import { listStoreFiles } from '../../src/core/history/storeFiles';
import { ThreadStore } from '../../src/core/store/threadStore';
import { type Bench, type BenchReport } from './harness';

const THREADS = 100;
const MESSAGES = 1_000;
const ROUNDS = 3;

function message(t: number, i: number) {
  return {
    role: i % 2 ? ('assistant' as const) : ('user' as const),
    content: [{ type: 'text' as const, text: { value: `Thread ${t}, message ${i}: ${'a chat turn of ordinary length. '.repeat(12)}` } }],
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** A plain copy of the store's files, each flushed to disk (as the archive is). */
async function plainCopy(files: { path: string; absolute: string }[], to: string): Promise<void> {
  for (const file of files) {
    const destination = join(to, ...file.path.split('/'));
    await fs.mkdir(dirname(destination), { recursive: true });
    await fs.copyFile(file.absolute, destination);
  }
  for (const file of files) {
    const handle = await fs.open(join(to, ...file.path.split('/')), 'r+');
    await handle.sync();
    await handle.close();
  }
}

export const backupBench: Bench = {
  name: 'backup',
  run: async (report: BenchReport) => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'agent-threads-bench-backup-'));
    try {
      const root = join(dir, 'store');
      const store = new ThreadStore({ root });
      for (let t = 0; t < THREADS; t++) {
        const thread = await store.create({ title: `Bench ${t}` });
        await store.appendMessages(
          thread.id,
          Array.from({ length: MESSAGES }, (_, i) => message(t, i)),
        );
      }
      store.dispose();
      const files = await listStoreFiles(root);
      let bytes = 0;
      for (const file of files) bytes += (await fs.stat(file.absolute)).size;
      const mb = bytes / (1024 * 1024);
      console.log(`  store: ${THREADS} threads × ${MESSAGES} messages, ${files.length} files, ${mb.toFixed(1)} MiB`);

      const copyMs: number[] = [];
      const backupMs: number[] = [];
      let peakRssGrowth = 0;
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate, so a busy moment of the shared machine does not land on one side only.
        copyMs.push(await timed(() => plainCopy(files, join(dir, `copy-${round}`))));
        const rssBefore = process.memoryUsage().rss;
        let peak = rssBefore;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
        backupMs.push(await timed(() => writeBackup({ root, destination: join(dir, `backup-${round}.tar`), extensionVersion: 'bench' })));
        clearInterval(sampler);
        peakRssGrowth = Math.max(peakRssGrowth, peak - rssBefore);
        await fs.rm(join(dir, `copy-${round}`), { recursive: true, force: true });
      }
      const restoreMs = await timed(() => restoreBackup({ root: join(dir, 'restored'), archive: join(dir, 'backup-0.tar') }));

      const copy = median(copyMs);
      const backup = median(backupMs);
      report.add({ metric: `plain file copy of the same ${mb.toFixed(0)} MiB`, value: mb / (copy / 1000), unit: 'MiB/s' });
      report.add({ metric: 'backup (tar with SHA-256 manifest)', value: mb / (backup / 1000), unit: 'MiB/s' });
      report.add({ metric: 'backup time / plain copy time', value: backup / copy, unit: 'x', target: '<= 2', pass: backup / copy <= 2 });
      report.add({
        metric: 'memory growth while backing up',
        value: peakRssGrowth / (1024 * 1024),
        unit: 'MiB',
        target: '<= 64',
        pass: peakRssGrowth <= 64 * 1024 * 1024,
      });
      report.add({ metric: 'restore into an empty store (verify, stage, move in)', value: mb / (restoreMs / 1000), unit: 'MiB/s' });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
};
