import { promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageInput } from '../../src/core/domain/message';
import { ThreadStore } from '../../src/core/store/threadStore';
import { type Bench, type BenchReport, medianMs } from './harness';

const BIG = 100_000;
const SAMPLES = 200;

function message(i: number): MessageInput {
  // About the size of a short chat turn.
  return {
    role: i % 2 ? 'assistant' : 'user',
    content: [{ type: 'text', text: { value: `Message ${i}: ${'lorem ipsum dolor sit amet '.repeat(8)}` } }],
  };
}

function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return gc !== undefined;
}

/**
 * The approach of popular chat extensions: the whole history in one JSON document, rewritten on every message.
 * Returns the median cost of one append once the history holds `size` messages.
 */
async function wholeFileAppendMs(dir: string, size: number, samples: number): Promise<number> {
  const file = join(dir, `history-${size}.json`);
  const history = Array.from({ length: size }, (_, i) => ({ id: `msg_${i}`, ...message(i) }));
  let i = size;
  return medianMs(samples, async () => {
    history.push({ id: `msg_${i}`, ...message(i++) });
    await fs.writeFile(file, JSON.stringify(history));
  });
}

export const storeBench: Bench = {
  name: 'store',
  run: async (report: BenchReport) => {
    const root = await fs.mkdtemp(join(tmpdir(), 'agent-threads-bench-'));
    try {
      const store = new ThreadStore({ root, maxMessagesPerThread: BIG + 2 * SAMPLES });
      // Warm the JIT and the file system path first so the small-thread figure is not inflated by start-up.
      const warmup = await store.create({ title: 'warm-up' });
      for (let i = 0; i < 100; i++) await store.appendMessage(warmup.id, message(i));
      const thread = await store.create({ title: 'bench' });
      await store.appendMessages(
        thread.id,
        Array.from({ length: 100 }, (_, i) => message(i)),
      );
      let n = 100;
      const smallMs = await medianMs(SAMPLES, () => store.appendMessage(thread.id, message(n++)));
      for (let size = n; size < BIG; size += 10_000) {
        await store.appendMessages(
          thread.id,
          Array.from({ length: Math.min(10_000, BIG - size) }, (_, i) => message(size + i)),
        );
      }
      n = BIG;
      const bigMs = await medianMs(SAMPLES, () => store.appendMessage(thread.id, message(n++)));
      report.add({ metric: 'append median at ~100 messages', value: smallMs, unit: 'ms' });
      report.add({ metric: 'append median at ~100,000 messages', value: bigMs, unit: 'ms' });
      report.add({
        metric: 'append latency ratio 100,000 / 100',
        value: bigMs / smallMs,
        unit: 'x',
        target: '<= 1.5',
        pass: bigMs / smallMs <= 1.5,
      });

      // Cold open of the big thread and its newest page, against parsing the whole log.
      const hasGc = collectGarbage();
      const heapBefore = process.memoryUsage().heapUsed;
      const openStart = process.hrtime.bigint();
      const cold = new ThreadStore({ root });
      const page = await cold.listMessages(thread.id, { limit: 50 });
      const openMs = Number(process.hrtime.bigint() - openStart) / 1e6;
      collectGarbage();
      const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
      if (page.data.length !== 50) throw new Error(`expected a page of 50, got ${page.data.length}`);
      const logPath = join(root, 'threads', thread.id, 'messages.jsonl');
      const parseStart = process.hrtime.bigint();
      let parsed = 0;
      for (const line of readFileSync(logPath, 'utf8').split('\n')) if (line) parsed += JSON.parse(line) ? 1 : 0;
      const parseMs = Number(process.hrtime.bigint() - parseStart) / 1e6;
      report.add({ metric: `cold open + newest page of 50 (of ${parsed} records)`, value: openMs, unit: 'ms' });
      report.add({ metric: 'full-log parse baseline', value: parseMs, unit: 'ms' });
      report.add({ metric: 'full parse / our open', value: parseMs / openMs, unit: 'x', target: '>= 10', pass: parseMs / openMs >= 10 });
      report.add({
        metric: `heap above baseline after open + page${hasGc ? '' : ' (no --expose-gc: approximate)'}`,
        value: heapMb,
        unit: 'MB',
        target: '< 50',
        pass: heapMb < 50,
      });

      // Baseline: rewrite the whole history file per message.
      const baseline1k = await wholeFileAppendMs(root, 1_000, 20);
      const baseline10k = await wholeFileAppendMs(root, 10_000, 10);
      const baseline100k = baseline10k * (BIG / 10_000); // linear per append (quadratic in total), extrapolated
      report.add({ metric: 'whole-file rewrite append at 1,000 messages', value: baseline1k, unit: 'ms' });
      report.add({ metric: 'whole-file rewrite append at 10,000 messages', value: baseline10k, unit: 'ms' });
      report.add({ metric: 'whole-file rewrite append at 100,000 (extrapolated)', value: baseline100k, unit: 'ms' });
      report.add({ metric: 'speed-up of our append at 10,000 (our cost is flat)', value: baseline10k / bigMs, unit: 'x' });
      report.add({
        metric: 'speed-up of our append at 100,000',
        value: baseline100k / bigMs,
        unit: 'x',
        target: '>= 100',
        pass: baseline100k / bigMs >= 100,
      });

      for (let i = 0; i < 99; i++) await store.create({ title: `t${i}`, messages: [message(i)] });
      const listColdStart = process.hrtime.bigint();
      const threads = await new ThreadStore({ root }).list();
      const listMs = Number(process.hrtime.bigint() - listColdStart) / 1e6;
      report.add({ metric: `list ${threads.length} threads (cold)`, value: listMs, unit: 'ms', target: '< 100', pass: listMs < 100 });
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  },
};
