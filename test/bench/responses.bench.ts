// The local API's Responses streaming against the bare model stream, in the same run: a script streaming a response
// through the local API (the openai package → LocalAgentApi → RunEngine → the Responses model client → the fake
// model server) against the same openai package streaming the same reply from the fake model server directly.
// Both are timed from the request to the stream's end and to its first text delta, in alternating rounds.

import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { LocalAgentApi, modelNameResolver } from '../../src/core/api';
import { createOpenAIModelClient } from '../../src/core/model/openAIModelClient';
import type { ModelProfile } from '../../src/core/model/types';
import { RunEngine } from '../../src/core/runs';
import { AgentStore } from '../../src/core/store/agentStore';
import { ThreadStore } from '../../src/core/store/threadStore';
import { builtinTools } from '../../src/core/tools/builtinTools';
import { ToolRegistry } from '../../src/core/tools/toolRegistry';
import { startFakeModelServer, type FakeModelServer, type ScriptedReply } from '../fixtures/fakeModelServer';
import type { Bench, BenchReport } from './harness';

const ROUNDS = 5;
const WORDS = 200;

/** A reply as a model streams it: WORDS words, with the pace given (0: as fast as the bytes go). */
function reply(chunkDelayMs: number): ScriptedReply {
  return { kind: 'text', text: '', chunks: Array.from({ length: WORDS }, (_, i) => `word${i} `), chunkDelayMs };
}

interface Timing {
  firstDeltaMs: number;
  totalMs: number;
}

/** Streams one response with the openai package and times it; throws unless the whole text arrived. */
async function timeStream(client: OpenAI, params: OpenAI.Responses.ResponseCreateParamsStreaming): Promise<Timing> {
  const started = process.hrtime.bigint();
  let firstDeltaMs: number | undefined;
  let text = '';
  const stream = await client.responses.create(params);
  for await (const event of stream) {
    if (event.type !== 'response.output_text.delta') continue;
    firstDeltaMs ??= msSince(started);
    text += event.delta;
  }
  const totalMs = msSince(started);
  if (text.split(' ').length !== WORDS + 1) throw new Error(`Streamed ${text.length} characters, not the whole reply.`);
  return { firstDeltaMs: firstDeltaMs!, totalMs };
}

export const responsesBench: Bench = {
  name: 'responses',
  run: async (report: BenchReport) => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'agent-threads-responses-bench-'));
    const server = await startFakeModelServer();
    const threads = new ThreadStore({ root: dir });
    const tools = new ToolRegistry();
    for (const tool of builtinTools()) tools.register(tool);
    const agents = new AgentStore(dir, tools.names());
    const profile: ModelProfile = {
      id: 'fake',
      provider: 'openai-compatible',
      api: 'responses',
      baseUrl: server.url,
      model: 'fake-model',
      contextWindow: 128_000,
    };
    const modelClient = createOpenAIModelClient({ profile, getApiKey: async () => 'bench' });
    const engine = new RunEngine({ threads, agents, tools, resolveModel: () => ({ client: modelClient, profile }) });
    const api = new LocalAgentApi({
      agents,
      threads,
      engine,
      tools,
      resolveModelName: modelNameResolver(() => [profile]),
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    try {
      const address = await api.start();
      const throughApi = new OpenAI({ baseURL: address.url, apiKey: address.token, maxRetries: 0 });
      const bare = new OpenAI({ baseURL: server.url, apiKey: 'bench', maxRetries: 0 });
      // Paced as a fast model writes (100 words a second; first byte at once, which flatters neither side), and
      // unpaced: what the API costs on its own (the run's durable writes, fsynced, dominate it).
      for (const pace of [10, 0]) await compare(report, server, pace, bare, throughApi);
    } finally {
      await api.stop();
      await engine.stop();
      await server.close();
      threads.dispose();
      agents.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
};

async function compare(report: BenchReport, server: FakeModelServer, pace: number, bare: OpenAI, throughApi: OpenAI): Promise<void> {
  const bareTimes: Timing[] = [];
  const apiTimes: Timing[] = [];
  for (let round = 0; round < ROUNDS + 1; round++) {
    server.script(reply(pace));
    const b = await timeStream(bare, { model: 'fake-model', input: 'bench', stream: true });
    server.script(reply(pace));
    // A new conversation each round (plain input), as a script's first call makes one.
    const a = await timeStream(throughApi, { model: 'fake/fake-model', input: 'bench', stream: true });
    if (round === 0) continue; // warm-up: connections, JIT
    bareTimes.push(b);
    apiTimes.push(a);
  }
  const paced = pace ? `${pace} ms a word` : 'unpaced';
  const bareTotal = median(bareTimes.map((t) => t.totalMs));
  const apiTotal = median(apiTimes.map((t) => t.totalMs));
  report.add({
    metric: `${WORDS}-word reply, ${paced}: bare model stream, request to end (median of ${ROUNDS})`,
    value: bareTotal,
    unit: 'ms',
  });
  report.add({
    metric: `${WORDS}-word reply, ${paced}: through the local API, request to end (median of ${ROUNDS})`,
    value: apiTotal,
    unit: 'ms',
  });
  const ratio = apiTotal / bareTotal;
  report.add({
    metric: `${WORDS}-word reply, ${paced}: local API vs bare model stream`,
    value: ratio,
    unit: 'x',
    ...(pace ? { target: 'ratio <= 1.3', pass: ratio <= 1.3 } : {}),
  });
  report.add({
    metric: `${paced}: first text delta through the local API, later than bare (medians)`,
    value: median(apiTimes.map((t) => t.firstDeltaMs)) - median(bareTimes.map((t) => t.firstDeltaMs)),
    unit: 'ms later',
  });
}

function msSince(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
