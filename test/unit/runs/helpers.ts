// Shared set-up for run engine tests: real stores in a temp folder, the real OpenAIChatClient over HTTP against
// the fake model server, and an event log that lets a test wait for an event instead of sleeping.

import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent, AgentInput } from '../../../src/core/domain/agent';
import type { RunEventName } from '../../../src/core/domain/events';
import type { MessageInput } from '../../../src/core/domain/message';
import type { Run } from '../../../src/core/domain/run';
import { createOpenAIModelClient } from '../../../src/core/model/openAIModelClient';
import type { ModelClient, ModelProfile } from '../../../src/core/model/types';
import { RunEngine, type RunEngineEvent, type RunEngineOptions } from '../../../src/core/runs';
import { AgentStore } from '../../../src/core/store/agentStore';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import { type ToolDefinition, ToolRegistry } from '../../../src/core/tools/toolRegistry';
import { startFakeModelServer, type FakeModelServer } from '../../fixtures/fakeModelServer';

export const testApiKey = 'sk-runs-test-0123456789abcdef';
const TERMINAL_EVENTS: RunEventName[] = [
  'thread.run.completed',
  'thread.run.incomplete',
  'thread.run.failed',
  'thread.run.cancelled',
  'thread.run.expired',
];

/** Every event an engine announced, with a way to await one that has come or is still to come. */
export class EventLog {
  readonly events: RunEngineEvent[] = [];
  private readonly waiters: { match: (event: RunEngineEvent) => boolean; resolve: (event: RunEngineEvent) => void }[] = [];

  constructor(engine: RunEngine) {
    engine.onEvent((event) => {
      this.events.push(event);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(event)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    });
  }

  /** The first event (already seen or future) that matches. */
  waitFor(match: (event: RunEngineEvent) => boolean): Promise<RunEngineEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** The event `name` of run `runId`. */
  waitForEvent(runId: string, name: RunEventName): Promise<RunEngineEvent> {
    return this.waitFor((event) => event.run_id === runId && event.event === name);
  }

  /** The run as it ended (its terminal lifecycle event). */
  async waitForEnd(runId: string): Promise<Run> {
    const event = await this.waitFor((e) => e.run_id === runId && TERMINAL_EVENTS.includes(e.event));
    return event.data as Run;
  }

  /** Event names of one run, in order. */
  namesOf(runId: string): RunEventName[] {
    return this.events.filter((event) => event.run_id === runId).map((event) => event.event);
  }
}

export interface Harness {
  dir: string;
  server: FakeModelServer;
  threads: ThreadStore;
  agents: AgentStore;
  tools: ToolRegistry;
  engine: RunEngine;
  log: EventLog;
  profile: ModelProfile;
  /** The client of the fake model, as the engine gets it for the 'fake' profile. */
  modelClient: ModelClient;
  /** A new engine over the same stores (a fresh window or a restart). */
  newEngine(options?: Partial<RunEngineOptions>): RunEngine;
  agent(input?: Partial<AgentInput>): Promise<Agent>;
  thread(...texts: string[]): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  engine?: Partial<RunEngineOptions>;
  profile?: Partial<ModelProfile>;
  store?: { maxMessagesPerThread?: number };
  /** Tools registered besides the built-ins (before the agent store learns the known names). */
  tools?: ToolDefinition[];
}

/** Starts a fake server and builds an engine over fresh stores; `close` undoes all of it. */
export async function startHarness(setup: HarnessOptions = {}): Promise<Harness> {
  const options = setup.engine ?? {};
  const dir = await fs.mkdtemp(join(tmpdir(), 'agent-threads-runs-'));
  const server = await startFakeModelServer({ expectedApiKey: testApiKey });
  const threads = new ThreadStore({ root: dir, ...setup.store });
  const tools = new ToolRegistry();
  for (const tool of [...builtinTools(), ...(setup.tools ?? [])]) tools.register(tool);
  const agents = new AgentStore(dir, tools.names());
  const profile: ModelProfile = {
    id: 'fake',
    provider: 'openai-compatible',
    baseUrl: server.url,
    model: 'fake-model',
    contextWindow: 128_000,
    ...setup.profile,
  };
  const client = createOpenAIModelClient({
    profile,
    getApiKey: async () => testApiKey,
    retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 5 },
    firstByteTimeoutMs: 5_000,
    idleTimeoutMs: 5_000,
  });
  const engines: RunEngine[] = [];
  const newEngine = (extra: Partial<RunEngineOptions> = {}): RunEngine => {
    const engine = new RunEngine({
      threads,
      agents,
      tools,
      resolveModel: (model) => (model.profile === 'fake' ? { client, profile } : undefined),
      ...options,
      ...extra,
    });
    engines.push(engine);
    return engine;
  };
  const engine = newEngine();
  const log = new EventLog(engine);
  return {
    dir,
    server,
    threads,
    agents,
    tools,
    engine,
    log,
    profile,
    modelClient: client,
    newEngine,
    agent: (input = {}) =>
      agents.create({ name: 'Helper', model: { profile: 'fake', name: 'fake-model' }, instructions: 'You are helpful.', ...input }),
    thread: async (...texts) => (await threads.create({ messages: texts.map((t) => userText(t)) })).id,
    close: async () => {
      await Promise.all(engines.map((e) => e.stop()));
      await server.close();
      threads.dispose();
      agents.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A user message with one text part. */
export function userText(value: string): MessageInput {
  return { role: 'user', content: [{ type: 'text', text: { value } }] };
}

/** Chat messages (role + content or tool fields) of fake-server request `index`. */
export function sentMessages(server: FakeModelServer, index: number): Array<Record<string, unknown>> {
  const body = server.requests.filter((r) => r.path.endsWith('/chat/completions'))[index]?.body;
  if (!body) throw new Error(`No chat request #${index}; the server saw ${server.requests.length} requests.`);
  return body.messages as unknown as Array<Record<string, unknown>>;
}
