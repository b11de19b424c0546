// What Foundry's new agents cost on top of the service, against the local backend in the same run: the extension's
// real backend (src/core/backend/foundry/agentService, with the real @azure/ai-projects and openai clients) talking
// to the fake Foundry service on 127.0.0.1, against the local ThreadStore and RunEngine with a fake model. Rounds
// alternate the two sides so the machine's ups and downs fall on both alike; figures are medians, ratios the median
// of each round's ratio.
//
// What the fake service itself costs, and so is in the Foundry figures but is not our mapping: an HTTP round trip on
// loopback per request, and for a page, copying and reversing the conversation's 10,000 items before slicing 50, and
// serialising them. The bare-request figure (the same page fetched with plain `fetch`: no SDK, no mapping; 2–3 ms on
// the shared 2-core machine) measures exactly that, so the Foundry page minus it is what the SDK and our mapping add.
// A run pays several round trips before its response starts (the conversation, the agent's version), which the local
// engine reads from memory; the local engine in turn writes each run durably to its log, which the service does for
// Foundry, so the run ratio is mostly below 1.

import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FoundryAgentsBackend } from '../../src/core/backend/foundry';
import type { RunEngineEvent } from '../../src/core/domain/events';
import type { MessageInput } from '../../src/core/domain/message';
import { TERMINAL_RUN_STATUSES, type Run } from '../../src/core/domain/run';
import { createOpenAIModelClient } from '../../src/core/model/openAIModelClient';
import type { ModelProfile } from '../../src/core/model/types';
import { RunEngine } from '../../src/core/runs';
import { AgentStore } from '../../src/core/store/agentStore';
import { ThreadStore } from '../../src/core/store/threadStore';
import { builtinTools } from '../../src/core/tools/builtinTools';
import { ToolRegistry } from '../../src/core/tools/toolRegistry';
import { silentLogger } from '../../src/core/util/logger';
import { startFakeFoundryServer, type FakeFoundryServer } from '../fixtures/fakeFoundryServer';
import { startFakeModelServer, type FakeModelServer } from '../fixtures/fakeModelServer';
import type { Bench, BenchReport } from './harness';

const MESSAGES = 10_000;
/** What the thread view asks for when a thread opens (src/vscode/views/messagePages.ts). */
const PAGE = { limit: 50, order: 'desc' } as const;
const PAGE_ROUNDS = 40;
const RUN_ROUNDS = 20;
const WARM_UP = 3;
const KEY = 'bench-key';
const QUESTION = 'What is the capital of France? Answer in one short sentence, please.';
/** The fake Foundry model answers `Echo: <question>`, word by word; the local fake model is scripted the same. */
const ANSWER = `Echo: ${QUESTION}`;
/** Targets: generous enough for a busy machine, tight enough that a mapping doing needless work (a page read twice, a
 * round trip per event) fails them. */
const PAGE_TARGET = 3;
const RUN_TARGET = 2;

const text = (role: 'user' | 'assistant', value: string): MessageInput => ({ role, content: [{ type: 'text', text: { value } }] });
const nthMessage = (i: number): MessageInput =>
  text(i % 2 ? 'assistant' : 'user', `Message ${i}: some words a conversation might hold, about as long as a short reply.`);

export const foundryBench: Bench = {
  name: 'foundry',
  run: async (report: BenchReport) => {
    // In memory where the machine has it: fsync on a busy disk varies by more than what is compared here.
    const dir = await fs.mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'agent-threads-foundry-bench-'));
    const service = await startFakeFoundryServer({ apiKey: KEY });
    const model = await startFakeModelServer();
    const tools = new ToolRegistry();
    for (const tool of builtinTools()) tools.register(tool);
    const foundry = new FoundryAgentsBackend(
      { endpoint: service.endpoint, auth: { kind: 'apiKey', key: async () => KEY } },
      tools,
      silentLogger,
    );
    const threads = new ThreadStore({ root: dir });
    const agents = new AgentStore(dir, tools.names());
    const profile: ModelProfile = {
      id: 'fake',
      provider: 'openai-compatible',
      api: 'responses',
      baseUrl: model.url,
      model: 'fake-model',
      contextWindow: 128_000,
    };
    const modelClient = createOpenAIModelClient({ profile, getApiKey: async () => 'bench' });
    const engine = new RunEngine({ threads, agents, tools, resolveModel: () => ({ client: modelClient, profile }) });
    try {
      await comparePages(report, service, foundry, threads);
      await compareRuns(report, { service, foundry }, { model, engine, threads, agents });
    } finally {
      foundry.dispose();
      await engine.stop();
      await service.close();
      await model.close();
      threads.dispose();
      agents.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
};

/** The newest page of a 10,000-message thread: through the Foundry backend, as a bare request, and from the store. */
async function comparePages(report: BenchReport, service: FakeFoundryServer, foundry: FoundryAgentsBackend, threads: ThreadStore) {
  const messages = Array.from({ length: MESSAGES }, (_, i) => nthMessage(i));
  // Seeded in the service's state: 10,000 requests would time the set-up, not the page.
  const items = messages.map((m) => ({ type: 'message', role: m.role, content: (m.content[0] as { text: { value: string } }).text.value }));
  const conversationId = service.agentService.seedConversation({ title: 'bench', message_count: String(MESSAGES) }, items);
  const local = await threads.create({ title: 'bench' });
  await threads.appendMessages(local.id, messages);
  const bareUrl = `${service.endpoint}/openai/v1/conversations/${conversationId}/items?limit=${PAGE.limit}&order=${PAGE.order}`;

  const sides = {
    local: { samples: [] as number[], open: () => threads.listMessages(local.id, PAGE) },
    foundry: { samples: [] as number[], open: () => foundry.threads.listMessages(conversationId, PAGE) },
    bare: {
      samples: [] as number[],
      open: async () => {
        const response = await fetch(bareUrl, { headers: { 'api-key': KEY } });
        return (await response.json()) as { data: unknown[] };
      },
    },
  };
  const order = [sides.local, sides.foundry, sides.bare];
  for (let round = 0; round < PAGE_ROUNDS + WARM_UP; round++) {
    // Rotated, so each side goes first as often as the others.
    for (const side of [...order.slice(round % 3), ...order.slice(0, round % 3)]) {
      const started = process.hrtime.bigint();
      const page = await side.open();
      const ms = msSince(started);
      if (page.data.length !== PAGE.limit) throw new Error(`A page of ${page.data.length} messages, not ${PAGE.limit}.`);
      if (round >= WARM_UP) side.samples.push(ms); // warm-up: JIT, the first connection
    }
  }
  const ratio = median(sides.foundry.samples.map((ms, i) => ms / sides.local.samples[i]));
  const of = `newest page of ${PAGE.limit} of a ${MESSAGES.toLocaleString('en')}-message thread`;
  report.add({ metric: `${of}, local store (median of ${PAGE_ROUNDS})`, value: median(sides.local.samples), unit: 'ms' });
  report.add({ metric: `${of}, Foundry backend (median of ${PAGE_ROUNDS})`, value: median(sides.foundry.samples), unit: 'ms' });
  report.add({
    metric: `${of}, bare request to the fake service: its own cost (median of ${PAGE_ROUNDS})`,
    value: median(sides.bare.samples),
    unit: 'ms',
  });
  report.add({
    metric: `${of}: Foundry backend above the bare request, what the SDK and our mapping add (medians)`,
    value: median(sides.foundry.samples) - median(sides.bare.samples),
    unit: 'ms',
  });
  report.add({
    metric: `${of}: Foundry vs local (median of the rounds' ratios)`,
    value: ratio,
    unit: 'x',
    target: `ratio <= ${PAGE_TARGET}`,
    pass: ratio <= PAGE_TARGET,
  });
}

interface FoundrySide {
  service: FakeFoundryServer;
  foundry: FoundryAgentsBackend;
}
interface LocalSide {
  model: FakeModelServer;
  engine: RunEngine;
  threads: ThreadStore;
  agents: AgentStore;
}

/** One short streamed answer, from starting the run to its end, on a new thread with the question in it. */
async function compareRuns(report: BenchReport, { foundry }: FoundrySide, local: LocalSide) {
  const foundryAgent = await foundry.agents.create({
    name: 'bench',
    model: { profile: 'foundry', name: 'gpt-4o' },
    instructions: 'Answer briefly.',
    tools: [],
  });
  const localAgent = await local.agents.create({
    name: 'bench',
    model: { profile: 'fake', name: 'fake-model' },
    instructions: 'Answer briefly.',
  });
  const localMs: number[] = [];
  const foundryMs: number[] = [];
  for (let round = 0; round < RUN_ROUNDS + WARM_UP; round++) {
    const pair = round % 2 ? [runLocal, runFoundry] : [runFoundry, runLocal];
    for (const run of pair) {
      const ms = await run();
      if (round < WARM_UP) continue;
      (run === runLocal ? localMs : foundryMs).push(ms);
    }
  }

  async function runLocal(): Promise<number> {
    const thread = await local.threads.create({ title: 'bench', messages: [text('user', QUESTION)] });
    local.model.script({ kind: 'text', text: ANSWER });
    return timedRun(
      (listener) => local.engine.onEvent(listener),
      thread.id,
      () => local.engine.createRun(thread.id, localAgent.id),
    );
  }

  async function runFoundry(): Promise<number> {
    const thread = await foundry.threads.create({ title: 'bench', agent_id: foundryAgent.id, messages: [text('user', QUESTION)] });
    // The backend keeps the conversation's message count after a run, without waiting: wait for it, untimed, so it
    // does not fall into the next round.
    const touched = new Promise<void>((resolve) => {
      const sub = foundry.threads.onDidChangeThreads((change) => {
        if (change.type !== 'updated' || change.threadId !== thread.id) return;
        sub.dispose();
        resolve();
      });
    });
    const ms = await timedRun(
      (listener) => foundry.runs.onEvent(listener),
      thread.id,
      () => foundry.runs.createRun(thread.id, foundryAgent.id),
    );
    await touched;
    return ms;
  }

  const ratio = median(foundryMs.map((ms, i) => ms / localMs[i]));
  const what = `short streamed answer (${ANSWER.split(' ').length} words), run start to end`;
  report.add({ metric: `${what}, local engine + fake model (median of ${RUN_ROUNDS})`, value: median(localMs), unit: 'ms' });
  report.add({ metric: `${what}, Foundry backend (median of ${RUN_ROUNDS})`, value: median(foundryMs), unit: 'ms' });
  report.add({
    metric: `${what}: Foundry vs local (median of the rounds' ratios)`,
    value: ratio,
    unit: 'x',
    target: `ratio <= ${RUN_TARGET}`,
    pass: ratio <= RUN_TARGET,
  });
}

type OnEvent = (listener: (event: RunEngineEvent) => void) => { dispose(): void };

/** Starts a run and times it to its end; throws unless it completed. */
async function timedRun(onEvent: OnEvent, threadId: string, start: () => Promise<Run>): Promise<number> {
  const started = process.hrtime.bigint();
  const finished = new Promise<void>((resolve, reject) => {
    const sub = onEvent((event) => {
      const run = event.data as Run;
      if (event.thread_id !== threadId || run.object !== 'thread.run' || !TERMINAL_RUN_STATUSES.includes(run.status)) return;
      sub.dispose();
      if (run.status === 'completed') resolve();
      else reject(new Error(`Bench run ended ${run.status}: ${run.last_error?.message ?? ''}`));
    });
  });
  await start();
  await finished;
  return msSince(started);
}

function msSince(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
