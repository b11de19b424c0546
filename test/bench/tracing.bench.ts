// What tracing costs a run: the same run (a model call that asks for a tool, the tool, a model call that answers)
// on three engines, interleaved so the machine's ups and downs fall on all three alike: no tracer at all, the
// extension's switchable tracer with tracing off, and the OpenTelemetry tracer batching to a local OTLP receiver.

import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatRequest, ChatStreamEvent, ModelClient, ModelProfile } from '../../src/core/model/types';
import { RunEngine } from '../../src/core/runs';
import { isTerminal } from '../../src/core/runs/runState';
import { AgentStore } from '../../src/core/store/agentStore';
import { ThreadStore } from '../../src/core/store/threadStore';
import { builtinTools } from '../../src/core/tools/builtinTools';
import { ToolRegistry } from '../../src/core/tools/toolRegistry';
import { SwitchableTracer, type Tracer } from '../../src/core/util/tracing';
import { createOtelTracer } from '../../src/vscode/backend/tracing/otelTracer';
import { startFakeOtlpReceiver } from '../fixtures/fakeOtlpReceiver';
import type { Bench, BenchReport } from './harness';

const ROUNDS = 60;

/** Asks for `echo` when the last message is the user's, answers with some text once the tool has answered. */
class ToolThenTextModel implements ModelClient {
  async *streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
    const last = request.messages[request.messages.length - 1];
    if (last.role === 'user') {
      yield { type: 'tool_call', index: 0, id: `call_${Math.random().toString(36).slice(2)}`, name: 'echo', arguments: '{"text":"hi"}' };
      yield { type: 'usage', prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 };
      yield { type: 'done', finish_reason: 'tool_calls' };
      return;
    }
    for (let i = 0; i < 50; i++) yield { type: 'text', delta: 'word ' };
    yield { type: 'usage', prompt_tokens: 30, completion_tokens: 50, total_tokens: 80 };
    yield { type: 'done', finish_reason: 'stop' };
  }
}

export const tracingBench: Bench = {
  name: 'tracing',
  run: async (report: BenchReport) => {
    // In memory where the machine has it: fsync on a busy disk varies by more than what is measured here, and
    // without it the engine's own work (where spans are made) is a larger part of a run, so the test is stricter.
    const dir = await fs.mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'agent-threads-tracing-bench-'));
    const receiver = await startFakeOtlpReceiver();
    const threads = new ThreadStore({ root: dir });
    const tools = new ToolRegistry();
    for (const tool of builtinTools()) tools.register(tool);
    const agents = new AgentStore(dir, tools.names());
    const profile: ModelProfile = { id: 'bench', provider: 'openai-compatible', model: 'bench', contextWindow: 128_000 };
    const model = new ToolThenTextModel();
    const otel = createOtelTracer({ endpoint: receiver.url, captureContent: false, serviceVersion: 'bench' });
    const engineWith = (tracer?: Tracer) =>
      new RunEngine({ threads, agents, tools, resolveModel: () => ({ client: model, profile }), ...(tracer ? { tracer } : {}) });
    const configs = [
      { name: 'no tracer', engine: engineWith(), samples: [] as number[] },
      { name: 'tracing off', engine: engineWith(new SwitchableTracer()), samples: [] as number[] },
      { name: 'tracing on (OTLP/HTTP)', engine: engineWith(otel), samples: [] as number[] },
    ];
    try {
      const agent = await agents.create({
        name: 'Bench',
        model: { profile: 'bench', name: 'bench' },
        instructions: 'Echo.',
        tools: [{ name: 'echo' }],
        approval_policy: { echo: 'auto' },
      });
      for (let round = 0; round < ROUNDS + 3; round++) {
        // The order rotates, so each runs first, second and third equally often (a run's last writes may still be
        // settling when the next one starts).
        const order = [...configs.slice(round % 3), ...configs.slice(0, round % 3)];
        for (const config of order) {
          const ms = await timedRun(config.engine, threads, agent.id);
          if (round >= 3) config.samples.push(ms); // warm-up rounds: JIT, the exporter's first connection
        }
      }
      await otel.flush();
      const [none, off, on] = configs.map((config) => median(config.samples));
      // Ratios within a round, then their median: the machine's load drifts between rounds far more than 5 %.
      const ratioOf = (config: (typeof configs)[number]) => median(config.samples.map((ms, i) => ms / configs[0].samples[i]));
      const offRatio = ratioOf(configs[1]);
      const onRatio = ratioOf(configs[2]);
      report.add({ metric: `run with a tool call, no tracer (median of ${ROUNDS})`, value: none, unit: 'ms' });
      report.add({ metric: `run with a tool call, tracing off (median of ${ROUNDS})`, value: off, unit: 'ms' });
      report.add({ metric: `run with a tool call, tracing on (median of ${ROUNDS})`, value: on, unit: 'ms' });
      const metric = (what: string) => `${what} vs no tracer (median of the ${ROUNDS} rounds' ratios)`;
      report.add({ metric: metric('tracing off'), value: offRatio, unit: 'x', target: 'ratio <= 1.05', pass: offRatio <= 1.05 });
      report.add({ metric: metric('tracing on'), value: onRatio, unit: 'x', target: 'ratio <= 1.10', pass: onRatio <= 1.1 });
      if (!receiver.spans.some((span) => span.name === 'invoke_agent Bench')) throw new Error('The receiver got no run spans.');
    } finally {
      await Promise.all(configs.map((config) => config.engine.stop()));
      await otel.shutdown();
      await receiver.close();
      threads.dispose();
      agents.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
};

async function timedRun(engine: RunEngine, threads: ThreadStore, agentId: string): Promise<number> {
  const { id: threadId } = await threads.create({ messages: [{ role: 'user', content: [{ type: 'text', text: { value: 'Echo hi.' } }] }] });
  const started = process.hrtime.bigint();
  const finished = new Promise<void>((resolve, reject) => {
    const sub = engine.onEvent((event) => {
      if (event.thread_id !== threadId || event.data.object !== 'thread.run' || !isTerminal(event.data.status)) return;
      sub.dispose();
      if (event.event === 'thread.run.completed') resolve();
      else reject(new Error(`Bench run ended ${event.data.status}: ${event.data.last_error?.message ?? ''}`));
    });
  });
  await engine.createRun(threadId, agentId);
  await finished;
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
