import * as assert from 'node:assert/strict';
import { LocalBackend } from '../../../src/core/backend';
import { FoundryBackend } from '../../../src/core/backend/foundry';
import { CombinedAgentCatalog, FileAgentSource } from '../../../src/core/agentFiles';
import { messageText } from '../../../src/core/domain/message';
import { exportThreadJson, importThreadJson } from '../../../src/core/backend/threadExport';
import { silentLogger } from '../../../src/core/util/logger';
import { startFakeFoundryServer, type FakeFoundryServer } from '../../fixtures/fakeFoundryServer';
import { startHarness, type Harness, userText } from '../runs/helpers';

describe('moving a thread between local storage and Foundry (through the export shape)', function () {
  this.timeout(20_000);
  let harness: Harness;
  let service: FakeFoundryServer;
  let local: LocalBackend;
  let foundry: FoundryBackend;
  let files: FileAgentSource;

  beforeEach(async () => {
    harness = await startHarness();
    service = await startFakeFoundryServer({ apiKey: 'k-move' });
    files = new FileAgentSource({ workspaceFolder: harness.dir, knownTools: () => new Set(harness.tools.names()) });
    local = new LocalBackend(harness.agents, new CombinedAgentCatalog(harness.agents, files), harness.threads, harness.engine);
    foundry = new FoundryBackend(
      { endpoint: service.endpoint, auth: { kind: 'apiKey', key: async () => 'k-move' } },
      harness.tools,
      silentLogger,
    );
  });
  afterEach(async () => {
    foundry.dispose();
    files.dispose();
    await service.close();
    await harness.close();
  });

  it('keeps every message, in order and by role, there and back, including pages beyond the first', async () => {
    const texts = Array.from({ length: 130 }, (_, i) => `message ${i + 1} — ünïcödé ✓ \u202Ertl\u202C`);
    const original = await local.threads.create({
      title: 'Migration plan',
      messages: texts.map((t, i) =>
        i % 2 ? { role: 'assistant' as const, content: [{ type: 'text' as const, text: { value: t } }] } : userText(t),
      ),
    });

    const remote = await importThreadJson(foundry.threads, await exportThreadJson(local.threads, original.id));
    const there = await exportThreadJson(foundry.threads, remote.id);
    assert.equal(there.thread.title, 'Migration plan');
    assert.deepEqual(there.messages.data.map(messageText), texts);
    assert.deepEqual(
      there.messages.data.map((m) => m.role),
      texts.map((_, i) => (i % 2 ? 'assistant' : 'user')),
    );

    const back = await importThreadJson(local.threads, there);
    const home = await exportThreadJson(local.threads, back.id);
    assert.deepEqual(home.messages.data.map(messageText), texts);
    assert.equal((await local.threads.get(back.id)).message_count, 130);
  });
});
