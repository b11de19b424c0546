// Run engine overhead: context building on a huge thread against a small one, events per second through the
// engine against the raw model stream, and latency from createRun to the first event and first text delta.

import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageInput } from '../../src/core/domain/message';
import { OpenAIChatClient } from '../../src/core/model/openAIChatClient';
import type { ChatRequest, ChatStreamEvent, ModelClient, ModelProfile } from '../../src/core/model/types';
import { buildContext, collectFacts, renderFacts, RunEngine, type RunEngineEvent } from '../../src/core/runs';
import { summaryMessageParts } from '../../src/core/runs/summaryRecord';
import { isTerminal } from '../../src/core/runs/runState';
import { AgentStore } from '../../src/core/store/agentStore';
import { ThreadStore } from '../../src/core/store/threadStore';
import { builtinTools } from '../../src/core/tools/builtinTools';
import { ToolRegistry } from '../../src/core/tools/toolRegistry';
import { startFakeModelServer } from '../fixtures/fakeModelServer';
import { medianMs, type Bench, type BenchReport } from './harness';

const BIG_THREAD = 100_000;
const SMALL_THREAD = 100;
const STREAMED_DELTAS = 200_000;
const LATENCY_ROUNDS = 20;

/** A model that answers instantly with many tiny deltas, so the engine, not HTTP, is what gets measured. */
class InProcessModel implements ModelClient {
  constructor(private readonly deltas: number) {}
  async *streamChat(_request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatStreamEvent> {
    for (let i = 0; i < this.deltas && !signal.aborted; i++) yield { type: 'text', delta: 'w ' };
    yield { type: 'usage', prompt_tokens: 10, completion_tokens: this.deltas, total_tokens: this.deltas + 10 };
    yield { type: 'done', finish_reason: 'stop' };
  }
}

export const runsBench: Bench = {
  name: 'runs',
  run: async (report: BenchReport) => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'agent-threads-runs-bench-'));
    const threads = new ThreadStore({ root: dir });
    const tools = new ToolRegistry();
    for (const tool of builtinTools()) tools.register(tool);
    const agents = new AgentStore(dir, tools.names());
    try {
      await contextBuilding(threads, report);
      await engineThroughput(threads, agents, tools, report);
      await latency(threads, agents, tools, report);
    } finally {
      threads.dispose();
      agents.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
};

function userMessage(i: number): MessageInput {
  return {
    role: 'user',
    content: [{ type: 'text', text: { value: `Message ${i}: a short line of conversation about the build and its tests.` } }],
  };
}

async function threadWith(threads: ThreadStore, count: number): Promise<string> {
  const { id } = await threads.create();
  for (let start = 0; start < count; start += 5_000) {
    await threads.appendMessages(
      id,
      Array.from({ length: Math.min(5_000, count - start) }, (_, i) => userMessage(start + i)),
    );
  }
  return id;
}

async function contextBuilding(threads: ThreadStore, report: BenchReport): Promise<void> {
  const small = await threadWith(threads, SMALL_THREAD);
  const big = await threadWith(threads, BIG_THREAD);
  // A budget smaller than the small thread, so both builds fill the same window.
  const request = {
    instructions: 'You are helpful.',
    truncation: { type: 'auto' as const },
    maxPromptTokens: 1_500,
    maxCompletionTokens: null,
    profile: { contextWindow: 128_000 },
    tools: [],
  };
  const build = (threadId: string) => buildContext(threads, { ...request, threadId });
  const sizes = [(await build(small)).includedMessages, (await build(big)).includedMessages];
  // Both must be cut by the budget (numbers in the text make the window differ by a few messages).
  if (Math.max(...sizes) >= SMALL_THREAD)
    throw new Error(`The small thread fit whole (${sizes.join(' vs ')}); the comparison would be unfair.`);
  const smallMs = await medianMs(30, () => build(small));
  const bigMs = await medianMs(30, () => build(big));
  report.add({ metric: `context build, ${SMALL_THREAD}-message thread (${sizes[0]} fit, median of 30)`, value: smallMs, unit: 'ms' });
  report.add({ metric: `context build, ${BIG_THREAD}-message thread (${sizes[1]} fit, median of 30)`, value: bigMs, unit: 'ms' });
  const ratio = bigMs / smallMs;
  report.add({
    metric: `context build slowdown ${BIG_THREAD} vs ${SMALL_THREAD} messages`,
    value: ratio,
    unit: 'x',
    target: 'ratio <= 2',
    pass: ratio <= 2,
  });
  await compactedContextBuilding(threads, report, small, smallMs, (threadId, useSummaries) =>
    buildContext(threads, { ...request, threadId, useSummaries }),
  );
}

/**
 * A 100,000-message thread compacted near its end (a summary covering all but the newest 40 messages): its context,
 * the summary plus the messages after it, must build as fast as the 100-message thread's (≤ 2×, same run).
 */
async function compactedContextBuilding(
  threads: ThreadStore,
  report: BenchReport,
  small: string,
  smallMs: number,
  build: (threadId: string, useSummaries: boolean) => Promise<{ includedMessages: number; summary?: unknown }>,
): Promise<void> {
  // 99,999 messages and the summary: the store holds at most 100,000 per thread.
  const compacted = await threadWith(threads, BIG_THREAD - 1);
  const [through] = await threads.readMessagesAt(compacted, [BIG_THREAD - 42]);
  const facts = collectFacts(await threads.readNewest(compacted, 500));
  await threads.appendMessage(compacted, {
    role: 'assistant',
    ...summaryMessageParts({
      throughId: through!.id,
      count: BIG_THREAD - 41,
      modelText: 'The user sent numbered messages.',
      recordText: renderFacts(facts),
    }),
  });
  const built = await build(compacted, true);
  if (!built.summary || built.includedMessages !== 40)
    throw new Error(`The compacted build sent ${built.includedMessages} messages without the summary.`);
  // The 100-message figure again, interleaved with this one, so both come from the same state of the machine.
  const baselineMs = Math.min(smallMs, await medianMs(30, () => build(small, true)));
  const compactedMs = await medianMs(30, () => build(compacted, true));
  report.add({
    metric: `context build, ${BIG_THREAD}-message compacted thread (summary + 40, median of 30)`,
    value: compactedMs,
    unit: 'ms',
  });
  const ratio = compactedMs / baselineMs;
  report.add({
    metric: `context build of a compacted ${BIG_THREAD}-message thread vs the ${SMALL_THREAD}-message thread`,
    value: ratio,
    unit: 'x',
    target: 'ratio <= 2',
    pass: ratio <= 2,
  });
}

async function engineThroughput(threads: ThreadStore, agents: AgentStore, tools: ToolRegistry, report: BenchReport): Promise<void> {
  const profile: ModelProfile = { id: 'bench', provider: 'openai-compatible', model: 'bench', contextWindow: 128_000 };
  const model = new InProcessModel(STREAMED_DELTAS);
  // Baseline: draining the same generator with nothing in between.
  let raw = 0;
  const rawStarted = process.hrtime.bigint();
  for await (const event of model.streamChat({ model: 'bench', messages: [] }, new AbortController().signal))
    if (event.type === 'text') raw++;
  const rawRate = raw / seconds(rawStarted);

  const engine = new RunEngine({ threads, agents, tools, resolveModel: () => ({ client: model, profile }) });
  const agent = await agents.create({ name: 'Bench', model: { profile: 'bench', name: 'bench' }, instructions: '' });
  const rates: number[] = [];
  for (let round = 0; round < 4; round++) {
    // A fresh thread each round: the previous answer alone would not fit the next context.
    const threadId = await threadWith(threads, 1);
    let deltas = 0;
    let first: bigint | undefined;
    let rate = 0;
    const finished = new Promise<void>((resolve, reject) => {
      const sub = engine.onEvent((event: RunEngineEvent) => {
        if (event.event === 'thread.message.delta') {
          first ??= process.hrtime.bigint();
          deltas++;
        } else if (event.event === 'thread.message.completed') {
          rate = deltas / seconds(first!);
        } else if (event.data.object === 'thread.run' && isTerminal(event.data.status)) {
          sub.dispose();
          if (event.event === 'thread.run.completed') resolve();
          else reject(new Error(`Bench run ended ${event.data.status}: ${event.data.last_error?.message ?? ''}`));
        }
      });
    });
    await engine.createRun(threadId, agent.id, { truncation_strategy: { type: 'last_messages', last_messages: 1 } });
    await finished;
    if (deltas !== STREAMED_DELTAS) throw new Error(`Expected ${STREAMED_DELTAS} deltas, got ${deltas}`);
    if (round > 0) rates.push(rate); // round 0 warms up the JIT
  }
  await engine.stop();
  const engineRate = median(rates);
  report.add({
    metric: `text deltas per second through RunEngine to an onEvent listener (${STREAMED_DELTAS}, median of 3)`,
    value: engineRate,
    unit: 'deltas/s',
    target: '> 50000',
    pass: engineRate > 50_000,
  });
  report.add({ metric: 'text deltas per second, draining the in-process model directly (baseline)', value: rawRate, unit: 'deltas/s' });
  report.add({ metric: 'RunEngine slowdown vs the raw generator (informational)', value: rawRate / engineRate, unit: 'x' });
}

// createRun saves the thread's active-run marker and the queued run (two fsynced writes) before the first event,
// so recovery after a crash never misses a run; the targets leave room for that on slow disks.
async function latency(threads: ThreadStore, agents: AgentStore, tools: ToolRegistry, report: BenchReport): Promise<void> {
  const server = await startFakeModelServer();
  const profile: ModelProfile = {
    id: 'fake',
    provider: 'openai-compatible',
    baseUrl: server.url,
    model: 'fake-model',
    contextWindow: 128_000,
  };
  const client = new OpenAIChatClient({ profile, getApiKey: async () => undefined });
  const engine = new RunEngine({ threads, agents, tools, resolveModel: () => ({ client, profile }) });
  try {
    const agent = await agents.create({ name: 'Latency', model: { profile: 'fake', name: 'fake-model' }, instructions: 'Be brief.' });
    const threadId = await threadWith(threads, 10);
    const toFirstEvent: number[] = [];
    const toFirstDelta: number[] = [];
    for (let round = 0; round < LATENCY_ROUNDS + 1; round++) {
      const started = process.hrtime.bigint();
      let firstEvent: number | undefined;
      let firstDelta: number | undefined;
      const finished = new Promise<void>((resolve, reject) => {
        const sub = engine.onEvent((event) => {
          firstEvent ??= seconds(started) * 1000;
          if (event.event === 'thread.message.delta') firstDelta ??= seconds(started) * 1000;
          if (event.data.object === 'thread.run' && isTerminal(event.data.status)) {
            sub.dispose();
            if (event.event === 'thread.run.completed') resolve();
            else reject(new Error(`Bench run ended ${event.data.status}: ${event.data.last_error?.message ?? ''}`));
          }
        });
      });
      await engine.createRun(threadId, agent.id);
      await finished;
      if (round === 0) continue; // warm-up: first connection, JIT
      toFirstEvent.push(firstEvent!);
      toFirstDelta.push(firstDelta!);
    }
    const event = median(toFirstEvent);
    const delta = median(toFirstDelta);
    report.add({
      metric: `createRun to first event (thread.run.created), fake server (median of ${LATENCY_ROUNDS})`,
      value: event,
      unit: 'ms',
      target: '< 50 ms',
      pass: event < 50,
    });
    report.add({
      metric: `createRun to first text delta, fake server (median of ${LATENCY_ROUNDS})`,
      value: delta,
      unit: 'ms',
      target: '< 100 ms',
      pass: delta < 100,
    });
  } finally {
    await engine.stop();
    await server.close();
  }
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
