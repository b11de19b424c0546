// Model client overhead against the fake server: latency to the first text event, and streamed
// deltas per second through the openai client compared with parsing the same SSE bytes by hand.

import { OpenAI } from 'openai';
import { OpenAIChatClient } from '../../src/core/model/openAIChatClient';
import { startFakeModelServer, type FakeModelServer, type ScriptedReply } from '../fixtures/fakeModelServer';
import { medianMs, type Bench, type BenchReport } from './harness';

const longReplyChunks = 20_000;
const rounds = 5;
const longReply: ScriptedReply = { kind: 'text', text: '', chunks: Array.from({ length: longReplyChunks }, (_, index) => `w${index} `) };
const request = { model: 'fake-model', messages: [{ role: 'user' as const, content: 'bench' }] };

export const modelBench: Bench = {
  name: 'model client',
  run: async (report: BenchReport) => {
    const server = await startFakeModelServer();
    try {
      const client = new OpenAIChatClient({
        profile: { id: 'bench', provider: 'openai-compatible', baseUrl: server.url, model: 'fake-model', contextWindow: 128_000 },
        getApiKey: async () => undefined,
      });
      await firstTextLatency(client, report);
      // Warm-up rounds let the JIT settle; then the median of alternating rounds is compared.
      const bare = new OpenAI({ apiKey: 'bench', baseURL: server.url, maxRetries: 0 });
      const clientRates: number[] = [];
      const bareRates: number[] = [];
      const rawRates: number[] = [];
      for (let round = 0; round < rounds + 1; round++) {
        const clientRate = await clientDeltasPerSecond(client, server);
        const bareRate = await bareOpenAIDeltasPerSecond(bare, server);
        const rawRate = await rawDeltasPerSecond(server);
        if (round > 0) {
          clientRates.push(clientRate);
          bareRates.push(bareRate);
          rawRates.push(rawRate);
        }
      }
      const clientRate = median(clientRates);
      const bareRate = median(bareRates);
      const rawRate = median(rawRates);
      // Models emit at most a few hundred tokens a second; the floor leaves a wide margin.
      report.add({
        metric: `streamed deltas per second, OpenAIChatClient (${longReplyChunks} chunks, median of ${rounds})`,
        value: clientRate,
        unit: 'deltas/s',
        target: '>= 10000',
        pass: clientRate >= 10_000,
      });
      report.add({ metric: 'streamed deltas per second, bare openai stream (baseline)', value: bareRate, unit: 'deltas/s' });
      report.add({ metric: 'streamed deltas per second, raw fetch + SSE parsing (baseline)', value: rawRate, unit: 'deltas/s' });
      const overLibrary = bareRate / clientRate;
      report.add({
        metric: 'OpenAIChatClient slowdown vs bare openai stream',
        value: overLibrary,
        unit: 'x',
        target: 'ratio <= 1.3',
        pass: overLibrary <= 1.3,
      });
      report.add({
        metric: 'OpenAIChatClient slowdown vs raw parsing (cost of the openai package, informational)',
        value: rawRate / clientRate,
        unit: 'x',
      });
    } finally {
      await server.close();
    }
  },
};

async function firstTextLatency(client: OpenAIChatClient, report: BenchReport): Promise<void> {
  const median = await medianMs(20, async () => {
    const controller = new AbortController();
    for await (const event of client.streamChat(request, controller.signal)) {
      if (event.type === 'text') break; // Leaving the loop aborts the rest of the stream.
    }
  });
  report.add({ metric: 'time to first text event (median of 20)', value: median, unit: 'ms', target: '< 20 ms', pass: median < 20 });
}

async function bareOpenAIDeltasPerSecond(client: OpenAI, server: FakeModelServer): Promise<number> {
  server.script(longReply);
  const started = process.hrtime.bigint();
  let deltas = 0;
  const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
  for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas++;
  return ratePerSecond(deltas, started);
}

async function clientDeltasPerSecond(client: OpenAIChatClient, server: FakeModelServer): Promise<number> {
  server.script(longReply);
  const started = process.hrtime.bigint();
  let deltas = 0;
  for await (const event of client.streamChat(request, new AbortController().signal)) if (event.type === 'text') deltas++;
  return ratePerSecond(deltas, started);
}

/** Baseline: the same request with fetch and a minimal SSE split and JSON.parse per event. */
async function rawDeltasPerSecond(server: FakeModelServer): Promise<number> {
  server.script(longReply);
  const started = process.hrtime.bigint();
  const response = await fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
    body: JSON.stringify({ ...request, stream: true, stream_options: { include_usage: true } }),
  });
  const decoder = new TextDecoder();
  let buffered = '';
  let deltas = 0;
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(bytes, { stream: true });
    let boundary: number;
    while ((boundary = buffered.indexOf('\n\n')) >= 0) {
      const data = buffered.slice(buffered.indexOf('data: ') + 6, boundary);
      buffered = buffered.slice(boundary + 2);
      if (data === '[DONE]') continue;
      const chunk = JSON.parse(data) as { choices: { delta: { content?: string } }[] };
      if (chunk.choices[0]?.delta.content) deltas++;
    }
  }
  return ratePerSecond(deltas, started);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function ratePerSecond(count: number, started: bigint): number {
  if (count !== longReplyChunks) throw new Error(`Expected ${longReplyChunks} deltas, got ${count}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}
