// A Foundry project keeps the conversations' items, not our runs: the runs made on it are kept in a file beside the
// workspace's threads, so that a window opened again still shows which run wrote each answer, its steps and its
// footer. Real backends over the fake Foundry service; "a window" is a backend, "a reload" a new one on the same file.

import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FoundryAgentsBackend } from '../../../src/core/backend/foundry';
import { TurnLedgerFile, type LedgerSnapshot } from '../../../src/core/backend/foundry/agentService/turnLedgerFile';
import { LEDGER_LIMITS } from '../../../src/core/backend/foundry/agentService/turnLedger';
import type { RunEvent } from '../../../src/core/domain/events';
import { TERMINAL_RUN_STATUSES, type Run } from '../../../src/core/domain/run';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import { ToolRegistry } from '../../../src/core/tools/toolRegistry';
import type { Logger } from '../../../src/core/util/logger';
import { startFakeFoundryServer, type FakeFoundryServer } from '../../fixtures/fakeFoundryServer';

const KEY = 'run-history-key';
const userText = (value: string) => ({ role: 'user' as const, content: [{ type: 'text' as const, text: { value } }] });

describe('the runs made on a Foundry project, kept between windows', function () {
  this.timeout(20_000);
  let service: FakeFoundryServer;
  let folder: string;
  let file: string;
  let warnings: string[];
  const windows: FoundryAgentsBackend[] = [];
  const logger: Logger = { info: () => undefined, warn: (message) => warnings.push(message), error: (message) => warnings.push(message) };

  /** A window's backend on the project, its run history in `file`. */
  const openWindow = (): FoundryAgentsBackend => {
    const tools = new ToolRegistry();
    for (const tool of builtinTools()) tools.register(tool);
    const backend = new FoundryAgentsBackend(
      { endpoint: service.endpoint, auth: { kind: 'apiKey', key: async () => KEY } },
      tools,
      logger,
      {
        runHistoryFile: file,
      },
    );
    windows.push(backend);
    return backend;
  };

  /** Asks `question` on a new thread of the agent and waits for the run to end. */
  const runOnce = async (backend: FoundryAgentsBackend, agentId: string, question: string): Promise<Run> => {
    const thread = await backend.threads.create({ agent_id: agentId });
    await backend.threads.appendMessage(thread.id, userText(question));
    const ended = new Promise<Run>((resolve) => {
      const subscription = backend.runs.onEvent((event: RunEvent) => {
        const run = event.data as Run;
        if (/^thread\.run\.[a-z_]+$/.test(event.event) && TERMINAL_RUN_STATUSES.includes(run.status) && run.thread_id === thread.id) {
          subscription.dispose();
          resolve(run);
        }
      });
    });
    await backend.runs.createRun(thread.id, agentId);
    return ended;
  };

  beforeEach(async () => {
    service = await startFakeFoundryServer({ apiKey: KEY });
    folder = await fs.mkdtemp(path.join(tmpdir(), 'foundry-run-history-'));
    file = path.join(folder, 'foundry-runs', 'project.json');
    warnings = [];
  });
  afterEach(async () => {
    for (const backend of windows.splice(0)) backend.dispose();
    await service.close();
    await fs.rm(folder, { recursive: true, force: true });
  });

  it('a run made before a reload is known after it: the run, its steps, and the answer that names it and its version', async () => {
    const first = openWindow();
    const agent = await first.agents.create({ name: 'helper', model: { profile: 'foundry', name: 'gpt-4o' }, instructions: 'Be brief.' });
    const run = await runOnce(first, agent.id, 'hello there');
    assert.equal(run.status, 'completed');
    const steps = await first.threads.listRunSteps(run.thread_id, run.id);
    assert.ok(steps.length > 0);
    first.dispose(); // the window closes

    const again = openWindow();
    assert.deepEqual(await again.threads.listRuns(run.thread_id), [run]);
    assert.deepEqual(await again.threads.getRun(run.thread_id, run.id), run);
    assert.deepEqual(await again.threads.listRunSteps(run.thread_id, run.id), steps);
    const answer = (await again.threads.listMessages(run.thread_id, { limit: 1, order: 'desc' })).data[0];
    assert.equal(answer.role, 'assistant');
    assert.equal(answer.run_id, run.id);
    assert.equal(answer.assistant_version, 1);
    assert.ok(answer.created_at > 0, 'the answer keeps its time');
    assert.deepEqual(warnings, []);
  });

  it('two windows on one project keep each other’s runs', async () => {
    const left = openWindow();
    const right = openWindow();
    const agent = await left.agents.create({ name: 'helper', model: { profile: 'foundry', name: 'gpt-4o' }, instructions: 'Be brief.' });
    const fromLeft = await runOnce(left, agent.id, 'from the left window');
    left.dispose();
    const fromRight = await runOnce(right, agent.id, 'from the right window');
    right.dispose();

    const later = openWindow();
    assert.deepEqual(await later.threads.listRuns(fromLeft.thread_id), [fromLeft]);
    assert.deepEqual(await later.threads.listRuns(fromRight.thread_id), [fromRight]);
  });

  it('a run still going when the window closed reads as interrupted, as a local thread’s does', async () => {
    const run = { id: 'run_1', thread_id: 'conv_1', status: 'in_progress', created_at: 1_700_000_000 } as Run;
    const snapshot: LedgerSnapshot = { version: 1, runs: [['conv_1', [run]]], steps: [], origins: [], outputs: [] };
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(snapshot));
    const loaded = new TurnLedgerFile(file, logger, LEDGER_LIMITS).load();
    const [[, [after]]] = loaded!.runs;
    assert.equal(after.status, 'failed');
    assert.equal(after.last_error?.code, 'interrupted');
    assert.match(after.last_error?.message ?? '', /Run the agent again/);
  });

  it('a damaged file is set aside with a line in the log; the project works and the next run saves a good file', async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"version":1,"runs":[[');
    const window = openWindow();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /damaged/);
    const agent = await window.agents.create({ name: 'helper', model: { profile: 'foundry', name: 'gpt-4o' }, instructions: 'Be brief.' });
    const run = await runOnce(window, agent.id, 'still works');
    window.dispose();
    const saved = JSON.parse(await fs.readFile(file, 'utf8')) as LedgerSnapshot;
    assert.deepEqual(
      saved.runs.map(([threadId, runs]) => [threadId, runs.map((r) => r.id)]),
      [[run.thread_id, [run.id]]],
    );
  });
});
