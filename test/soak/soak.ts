/**
 * `npm run soak`: 20 threads run concurrently against the fake model server for SOAK_MINUTES (default 10) with
 * random faults and cancels, through the real engine, stores and OpenAI client. Reports runs completed, failed by
 * fault, cancelled; messages written vs read back (must be equal); heap and handle counts at start and end; and the
 * event-loop lag of the process hosting the engine (p50, p99). Not part of `npm test`.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import type { Run } from '../../src/core/domain/run';
import { OpenAIChatClient } from '../../src/core/model/openAIChatClient';
import type { ModelProfile } from '../../src/core/model/types';
import { RunEngine } from '../../src/core/runs';
import { AgentStore } from '../../src/core/store/agentStore';
import { ThreadStore } from '../../src/core/store/threadStore';
import { builtinTools } from '../../src/core/tools/builtinTools';
import { ToolRegistry } from '../../src/core/tools/toolRegistry';
import { faults, type ScriptedReply } from '../fixtures/fakeModel/replies';
import { startFakeModelServer } from '../fixtures/fakeModelServer';
import { seededRandom } from '../unit/store/helpers';

const THREADS = 20;
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'incomplete', 'expired']);

function reply(random: () => number, i: number): { reply: ScriptedReply; cancel: boolean } {
  const roll = random();
  const text = `Answer ${i}: ${'streamed words arrive one by one '.repeat(1 + Math.floor(random() * 4))}`;
  if (roll < 0.55) return { reply: { kind: 'text', text, chunkDelayMs: 2 }, cancel: false };
  if (roll < 0.65)
    return { reply: { kind: 'tool_calls', calls: [{ name: 'echo', arguments: JSON.stringify({ text: `tool ${i}` }) }] }, cancel: false };
  if (roll < 0.72) return { reply: faults.serverError(), cancel: false };
  if (roll < 0.78) return { reply: faults.rateLimited({ ms: 20 }), cancel: false };
  if (roll < 0.86) return { reply: { kind: 'drop_connection', text, afterChunks: 2 }, cancel: false };
  if (roll < 0.92) return { reply: { kind: 'malformed_chunk', text, afterChunks: 2 }, cancel: false };
  return { reply: { kind: 'stall', text, afterChunks: 2 }, cancel: true };
}

function percentile(histogram: ReturnType<typeof monitorEventLoopDelay>, p: number): number {
  return histogram.percentile(p) / 1e6;
}

function handles(): number {
  return (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
}

/** What keeps the process alive, by kind (e.g. "TCPSocketWrap × 3"), to tell a handle leak from pooled sockets. */
function resources(): string {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind} × ${n}`).join(', ');
}

/** Heap in use after a full collection (needs --expose-gc; npm run soak passes it). */
function heapAfterGcMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/**
 * Waits until no TCP socket is left open, or the deadline passes (what is left is then reported as a leak). The
 * server destroys its sockets on close; the client's ends close once the event loop has read the resets, a few
 * turns later, so counting at once would report sockets that are already on their way out.
 */
async function socketsClosed(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && process.getActiveResourcesInfo().includes('TCPSocketWrap')) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<void> {
  // Seeded, so a soak that found something can be replayed with the same SOAK_SEED.
  const random = seededRandom(Number(process.env.SOAK_SEED ?? 20261124));
  const dir = await fs.mkdtemp(join(tmpdir(), 'agent-threads-soak-'));
  // The fake server records requests for tests to inspect; here that would grow for ever, so keep a few.
  const server = await startFakeModelServer({ defaultChunkDelayMs: 2, maxRecordedRequests: 50 });
  const profile: ModelProfile = {
    id: 'soak',
    provider: 'openai-compatible',
    baseUrl: server.url,
    model: 'fake-model',
    contextWindow: 8000,
  };
  const threads = new ThreadStore({ root: dir });
  const tools = new ToolRegistry();
  for (const tool of builtinTools()) tools.register(tool);
  const agents = new AgentStore(dir, new Set(tools.names()));
  const client = new OpenAIChatClient({
    profile,
    getApiKey: async () => 'sk-soak',
    retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 50 },
    idleTimeoutMs: 2_000,
  });
  const engine = new RunEngine({ threads, agents, tools, resolveModel: () => ({ client, profile }) });
  const agent = await agents.create({
    name: 'Soak',
    model: { profile: 'soak', name: 'fake-model' },
    instructions: 'Answer briefly.',
    tools: [{ name: 'echo' }],
  });

  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const start = { heapMb: heapAfterGcMb(), handles: handles() };
  /** One sample a minute, after GC: a leak shows as a rising line, a warm-up as a step that levels off. */
  const perMinute: { minute: number; heapMb: number; handles: number; requests: number; resources: string }[] = [];
  const counts: Record<string, number> = {};
  let written = 0;
  const deadline = Date.now() + MINUTES * 60_000;
  const ends = new Map<string, (run: Run) => void>();
  engine.onEvent((event) => {
    if (event.event.startsWith('thread.run.') && !event.event.startsWith('thread.run.step.') && TERMINAL.has((event.data as Run).status)) {
      ends.get((event.data as Run).id)?.(event.data as Run);
    }
  });

  let runIndex = 0;
  const worker = async (w: number): Promise<void> => {
    const thread = await threads.create({ title: `soak ${w}`, agent_id: agent.id });
    while (Date.now() < deadline) {
      const { reply: scripted, cancel } = reply(random, runIndex++);
      // Replies are consumed in request order across threads, so faults land on random runs: that is the point.
      server.script(scripted);
      await threads.appendMessage(thread.id, { role: 'user', content: [{ type: 'text', text: { value: `question ${runIndex}` } }] });
      written++;
      const run = await engine.createRun(thread.id, agent.id);
      const ended = new Promise<Run>((resolve) => ends.set(run.id, resolve));
      if (cancel) setTimeout(() => void engine.cancelRun(thread.id, run.id).catch(() => undefined), 50 + random() * 200).unref();
      // A run that never ends is a finding, not a reason to hang the soak: count it and go on.
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<Run>((resolve) => (timer = setTimeout(() => resolve({ ...run, status: 'in_progress' }), 60_000)));
      const final = await Promise.race([ended, stuck]);
      clearTimeout(timer);
      ends.delete(run.id);
      if (final.status === 'in_progress') {
        counts['STUCK (no terminal event within 60 s)'] = (counts['STUCK (no terminal event within 60 s)'] ?? 0) + 1;
        console.error(`run ${run.id} of thread ${thread.id} did not end: ${engine.activeRun(thread.id)?.status ?? 'not active'}`);
        await engine.cancelRun(thread.id, run.id).catch(() => undefined);
        continue;
      }
      counts[final.status] = (counts[final.status] ?? 0) + 1;
      if (final.status === 'failed') counts[`failed: ${final.last_error?.code}`] = (counts[`failed: ${final.last_error?.code}`] ?? 0) + 1;
    }
  };
  const sampler = setInterval(() => {
    console.log(`  ${new Date().toISOString()} runs so far: ${JSON.stringify(counts)}`);
  }, 10_000);
  const minuteSampler = setInterval(() => {
    perMinute.push({
      minute: perMinute.length + 1,
      heapMb: heapAfterGcMb(),
      handles: handles(),
      requests: server.requests.length,
      resources: resources(),
    });
    console.log(`  minute ${perMinute.length}: ${JSON.stringify(perMinute[perMinute.length - 1])}`);
    // SOAK_HEAP_SNAPSHOTS=1: a snapshot each minute, to diff in DevTools (Comparison view) when the heap line rises.
    if (process.env.SOAK_HEAP_SNAPSHOTS)
      console.log(`  heap snapshot: ${writeHeapSnapshot(join(dir, `minute-${perMinute.length}.heapsnapshot`))}`);
  }, 60_000);
  await Promise.all(Array.from({ length: THREADS }, (_, w) => worker(w)));
  clearInterval(sampler);
  clearInterval(minuteSampler);
  lag.disable();

  // Every message written must read back: the user messages we appended plus whatever the runs wrote.
  let readBack = 0;
  let stored = 0;
  for (const thread of await threads.list()) {
    stored += thread.message_count;
    for await (const message of threads.messagesNewestFirst(thread.id)) if (message.role === 'user') readBack++;
  }
  await engine.stop();
  threads.dispose();
  await server.close();
  await socketsClosed(5_000);
  const end = { heapMb: heapAfterGcMb(), handles: handles(), resources: resources() };

  const runs = Object.entries(counts)
    .filter(([k]) => !k.startsWith('failed:'))
    .reduce((sum, [, n]) => sum + n, 0);
  console.log(`\nSoak: ${THREADS} threads × ${MINUTES} min, ${runs} runs`);
  console.log('| figure | value |\n|---|---|');
  for (const [status, n] of Object.entries(counts).sort()) console.log(`| runs ${status} | ${n} |`);
  console.log(`| user messages written / read back | ${written} / ${readBack} ${written === readBack ? '(equal)' : '(MISMATCH)'} |`);
  console.log(`| messages stored in all (incl. answers) | ${stored} |`);
  console.log(`| heap at start / end (after GC) | ${start.heapMb.toFixed(1)} MB / ${end.heapMb.toFixed(1)} MB |`);
  console.log(`| heap after GC, each minute | ${perMinute.map((m) => m.heapMb.toFixed(1)).join(', ')} MB |`);
  console.log(`| active handles, each minute | ${perMinute.map((m) => m.handles).join(', ')} |`);
  console.log(`| active handles at start / end (after shutdown) | ${start.handles} / ${end.handles} (${end.resources}) |`);
  console.log(`| event-loop lag p50 / p99 | ${percentile(lag, 50).toFixed(1)} ms / ${percentile(lag, 99).toFixed(1)} ms |`);
  if (!process.env.SOAK_HEAP_SNAPSHOTS) await fs.rm(dir, { recursive: true, force: true });
  if (written !== readBack) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
