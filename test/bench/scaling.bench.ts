import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageInput } from '../../src/core/domain/message';
import { buildContext } from '../../src/core/runs/contextBuilder';
import { ThreadStore } from '../../src/core/store/threadStore';
import { type Bench, medianMs } from './harness';

const SIZES = [100, 1_000, 10_000, 100_000];

function message(i: number): MessageInput {
  return {
    role: i % 2 ? 'assistant' : 'user',
    content: [{ type: 'text', text: { value: `Message ${i}: ${'lorem ipsum dolor sit amet '.repeat(8)}` } }],
  };
}

/**
 * How costs grow with thread size, for the report's charts: our append next to the whole-file-rewrite baseline,
 * opening the newest page with a cold store, and building a run's context. Each point is a median.
 */
export const scalingBench: Bench = {
  name: 'scaling',
  async run(report) {
    const root = await fs.mkdtemp(join(tmpdir(), 'agent-threads-scaling-'));
    try {
      const store = new ThreadStore({ root, maxMessagesPerThread: 200_000 });
      const thread = await store.create({ title: 'scaling' });
      const append: { x: number; y: number }[] = [];
      const rewrite: { x: number; y: number }[] = [];
      const open: { x: number; y: number }[] = [];
      const context: { x: number; y: number }[] = [];
      const history: (MessageInput & { id: string })[] = [];
      let size = 0;
      for (const target of SIZES) {
        // Grow the thread (and the baseline's in-memory history) to the target size.
        for (; size < target; size += 10_000) {
          const batch = Array.from({ length: Math.min(10_000, target - size) }, (_, i) => message(size + i));
          await store.appendMessages(thread.id, batch);
          history.push(...batch.map((m, i) => ({ id: `msg_${size + i}`, ...m })));
        }
        size = target;
        let n = target;
        append.push({ x: target, y: await medianMs(50, () => store.appendMessage(thread.id, message(n++))) });
        const file = join(root, `history-${target}.json`);
        const samples = target >= 100_000 ? 5 : target >= 10_000 ? 15 : 50;
        rewrite.push({ x: target, y: await medianMs(samples, () => fs.writeFile(file, JSON.stringify(history))) });
        open.push({
          x: target,
          y: await medianMs(9, async () => {
            const cold = new ThreadStore({ root });
            await cold.listMessages(thread.id, { limit: 50, order: 'desc' });
            cold.dispose();
          }),
        });
        context.push({
          x: target,
          y: await medianMs(9, () =>
            buildContext(store, {
              threadId: thread.id,
              instructions: 'You are a helpful assistant.',
              truncation: { type: 'auto' },
              maxPromptTokens: null,
              maxCompletionTokens: null,
              profile: { contextWindow: 16_000 },
              tools: [],
            }),
          ),
        });
      }
      store.dispose();
      report.series({
        chart: 'Append one message',
        name: 'Agent Threads (append-only log + index)',
        xLabel: 'messages in thread',
        yUnit: 'ms',
        points: append,
      });
      report.series({
        chart: 'Append one message',
        name: 'Baseline: rewrite the whole JSON history',
        xLabel: 'messages in thread',
        yUnit: 'ms',
        points: rewrite,
      });
      report.series({
        chart: 'Open a thread: newest page of 50 (cold)',
        name: 'Agent Threads',
        xLabel: 'messages in thread',
        yUnit: 'ms',
        points: open,
      });
      report.series({
        chart: 'Build a run context (16k-token window)',
        name: 'Agent Threads',
        xLabel: 'messages in thread',
        yUnit: 'ms',
        points: context,
      });
      const last = (points: { y: number }[]) => points[points.length - 1].y;
      const ratio = (points: { y: number }[]) => last(points) / points[0].y;
      report.add({
        metric: 'append 100,000 vs 100 messages',
        value: ratio(append),
        unit: '×',
        target: '<= 1.5',
        pass: ratio(append) <= 1.5,
      });
      report.add({
        metric: 'rewrite baseline / our append at 100,000 messages',
        value: last(rewrite) / last(append),
        unit: '×',
        target: '>= 100',
        pass: last(rewrite) / last(append) >= 100,
      });
      report.add({
        metric: 'open newest page 100,000 vs 100 messages',
        value: ratio(open),
        unit: '×',
        target: '<= 2',
        pass: ratio(open) <= 2,
      });
      report.add({
        metric: 'context build 100,000 vs 100 messages',
        value: ratio(context),
        unit: '×',
        target: '<= 2',
        pass: ratio(context) <= 2,
      });
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  },
};
