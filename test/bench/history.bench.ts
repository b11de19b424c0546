// History found again: finding thread stores among 200 workspace storage folders (against a plain walk of the same
// folders), and merging a store of 100 threads × 1,000 messages (against a plain copy of its files), with the heap
// watched while the merge runs: logs are streamed, so it must not grow with what is merged.

import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findStores, mergeStore, StoreRegistry } from '../../src/core/history';
import { newId } from '../../src/core/domain/ids';
import { AgentStore } from '../../src/core/store/agentStore';
import { ThreadStore } from '../../src/core/store/threadStore';
import { type Bench, type BenchReport, medianMs } from './harness';

const EXTENSION = 'agent-threads.agent-threads';
const WORKSPACES = 200;
const THREADS = 100;
const MESSAGES = 1_000;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** The highest heap use seen while `fn` runs, above what it was when it started (sampled every 10 ms). */
async function heapGrowth<T>(fn: () => Promise<T>): Promise<{ bytes: number; value: T }> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { bytes: peak - base, value };
  } finally {
    clearInterval(timer);
  }
}

/** 200 workspace storage folders as VS Code leaves them; half hold a store of ours with a few threads. */
async function workspaceStorageTree(root: string): Promise<void> {
  for (let i = 0; i < WORKSPACES; i++) {
    const folder = join(root, `ws${String(i).padStart(4, '0')}`);
    await fs.mkdir(folder, { recursive: true });
    await fs.writeFile(join(folder, 'workspace.json'), JSON.stringify({ folder: `file:///home/me/project-${i}` }));
    await fs.mkdir(join(folder, 'vscode.git'), { recursive: true });
    if (i % 2 === 0) for (let t = 0; t < 5; t++) await fs.mkdir(join(folder, EXTENSION, 'threads', newId('thread')), { recursive: true });
  }
}

async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(folder, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) total += (await fs.stat(join(entry.parentPath, entry.name))).size;
  return total;
}

export const historyBench: Bench = {
  name: 'history',
  run: async (report: BenchReport) => {
    const root = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'agent-threads-bench-history-')));
    try {
      // Finding stores.
      const storage = join(root, 'User', 'workspaceStorage');
      await workspaceStorageTree(storage);
      const registry = new StoreRegistry(join(root, 'User', 'globalStorage', EXTENSION, 'stores.json'));
      const walkMs = await medianMs(11, async () => {
        for (const name of await fs.readdir(storage)) await fs.readdir(join(storage, name));
      });
      let found = 0;
      const findMs = await medianMs(11, async () => {
        found = (await findStores({ workspaceStorageRoots: [storage], extensionFolder: EXTENSION, registry })).length;
      });
      if (found !== WORKSPACES / 2) throw new Error(`found ${found} stores, expected ${WORKSPACES / 2}`);
      report.add({ metric: `plain walk of ${WORKSPACES} workspace storage folders (median)`, value: walkMs, unit: 'ms' });
      report.add({
        metric: `finding stores among ${WORKSPACES} workspace storage folders (median)`,
        value: findMs,
        unit: 'ms',
        target: '<= 200',
        pass: findMs <= 200,
      });
      report.add({ metric: 'finding stores / plain walk', value: findMs / walkMs, unit: 'x' });

      // A source store of 100 threads × 1,000 messages; the "extend" target has the first half of each thread.
      const source = join(root, 'source');
      const sourceThreads = new ThreadStore({ root: source });
      const agent = await new AgentStore(source, new Set()).create({
        name: 'Bench',
        model: { profile: 'p', name: 'm' },
        instructions: 'x',
      });
      const text = (i: number) => ({
        role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant',
        content: [{ type: 'text' as const, text: { value: `message ${i}: ${'lorem ipsum dolor sit amet '.repeat(6)}`, annotations: [] } }],
      });
      const ids: string[] = [];
      for (let t = 0; t < THREADS; t++) {
        const thread = await sourceThreads.create({ title: `Thread ${t}`, agent_id: agent.id });
        await sourceThreads.appendMessages(
          thread.id,
          Array.from({ length: MESSAGES / 2 }, (_, i) => text(i)),
        );
        ids.push(thread.id);
      }
      const half = join(root, 'half');
      await fs.cp(source, half, { recursive: true });
      for (const id of ids)
        await sourceThreads.appendMessages(
          id,
          Array.from({ length: MESSAGES / 2 }, (_, i) => text(MESSAGES / 2 + i)),
        );
      const bytes = await folderBytes(join(source, 'threads'));
      report.add({ metric: `size of ${THREADS} threads × ${MESSAGES} messages`, value: bytes / 2 ** 20, unit: 'MB' });

      const copy = await timed(() => fs.cp(source, join(root, 'plain-copy'), { recursive: true }));
      report.add({ metric: 'plain copy of the same store (baseline)', value: copy.ms, unit: 'ms' });

      const target = () => {
        const at = join(root, 'target');
        return { threads: new ThreadStore({ root: at }), agents: new AgentStore(at, new Set()) };
      };
      const into = target();
      const merged = await heapGrowth(() => timed(() => mergeStore(source, into)));
      if (merged.value.value.threads.added.length !== THREADS) throw new Error('not every thread was added');
      report.add({
        metric: `merge of ${THREADS} threads × ${MESSAGES} messages into an empty store`,
        value: merged.value.ms,
        unit: 'ms',
        target: '<= 10000',
        pass: merged.value.ms <= 10_000,
      });
      report.add({ metric: 'merge / plain copy', value: merged.value.ms / copy.ms, unit: 'x' });
      report.add({
        metric: 'heap growth during that merge / bytes merged',
        value: merged.bytes / bytes,
        unit: 'x',
        target: '< 0.25 (streamed, not loaded whole)',
        pass: merged.bytes / bytes < 0.25,
      });

      const extendTarget = { threads: new ThreadStore({ root: half }), agents: new AgentStore(half, new Set()) };
      const extended = await heapGrowth(() => timed(() => mergeStore(source, extendTarget)));
      if (extended.value.value.threads.extended.length !== THREADS) throw new Error('not every thread was continued');
      report.add({
        metric: `merge continuing ${THREADS} threads from 500 to ${MESSAGES} messages (compare, then append)`,
        value: extended.value.ms,
        unit: 'ms',
        target: '<= 10000',
        pass: extended.value.ms <= 10_000,
      });
      report.add({ metric: 'heap growth during that merge / bytes merged', value: extended.bytes / bytes, unit: 'x' });

      const again = await timed(() => mergeStore(source, into));
      if (again.value.threads.unchanged.length !== THREADS) throw new Error('a second merge changed something');
      report.add({ metric: 'the same merge again (every log compared, nothing written)', value: again.ms, unit: 'ms' });
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  },
};
