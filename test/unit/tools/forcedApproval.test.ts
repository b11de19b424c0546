import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Run } from '../../../src/core/domain/run';
import { ALLOWED_TOOLS_KEY, applyForcedApproval } from '../../../src/core/tools/approvalPolicy';
import { forcedApprovalForPath } from '../../../src/core/tools/protectedPaths';
import type { ToolDefinition } from '../../../src/core/tools/toolRegistry';
import { type Harness, startHarness, userText } from '../runs/helpers';
import { waitingToolCalls } from '../../../src/core/domain/run';

/** A file-writing tool that, like the workspace tools, forces approval for protected paths under `root()`. */
function writeFileTool(root: () => string, written: string[]): ToolDefinition {
  return {
    name: 'write_file',
    description: 'Writes a file in the workspace.',
    parameters: {
      type: 'object',
      properties: { path: { type: 'string' }, content: { type: 'string' } },
      required: ['path', 'content'],
      additionalProperties: false,
    },
    readOnly: false,
    approvalFor: (args) => forcedApprovalForPath((args as { path: string }).path, { folders: [root()], caseInsensitive: false }),
    invoke: async (args) => {
      const { path, content } = args as { path: string; content: string };
      await fs.mkdir(join(root(), path, '..'), { recursive: true });
      await fs.writeFile(join(root(), path), content);
      written.push(path);
      return `wrote ${path}`;
    },
  };
}

describe('forced approval of protected paths in the run engine', () => {
  let h: Harness;
  let written: string[];
  beforeEach(async () => {
    written = [];
    h = await startHarness({ engine: { approvalTimeoutMs: 60_000 }, tools: [writeFileTool(() => join(h.dir, 'ws'), written)] });
    await fs.mkdir(join(h.dir, 'ws'));
  });
  afterEach(() => h.close());

  /** A thread where the user already chose "always allow" for write_file, with an agent whose policy is auto. */
  async function startWrite(path: string, policy: 'auto' | 'deny' = 'auto'): Promise<{ threadId: string; run: Run }> {
    const agent = await h.agent({ tools: [{ name: 'write_file' }], approval_policy: { write_file: policy } });
    const thread = await h.threads.create({ metadata: { [ALLOWED_TOOLS_KEY]: 'write_file' }, messages: [userText('write it')] });
    h.server.script(
      { kind: 'tool_calls', calls: [{ id: 'call_w', name: 'write_file', arguments: JSON.stringify({ path, content: 'x' }) }] },
      { kind: 'text', text: 'done' },
    );
    return { threadId: thread.id, run: await h.engine.createRun(thread.id, agent.id) };
  }

  it('runs an ordinary path at once under auto and "always allow"', async () => {
    const { run } = await startWrite('src/a.ts');
    assert.equal((await h.log.waitForEnd(run.id)).status, 'completed');
    assert.deepEqual(written, ['src/a.ts']);
    assert.ok(!h.log.namesOf(run.id).includes('thread.run.requires_action'));
  });

  for (const path of ['.vscode/settings.json', '.vscode/tasks.json', '.git/hooks/pre-commit', '.env', 'team.code-workspace']) {
    it(`still asks before writing ${path}, and writes only once approved`, async () => {
      const { threadId, run } = await startWrite(path);
      const waiting = (await h.log.waitForEvent(run.id, 'thread.run.requires_action')).data as Run;
      assert.deepEqual(
        waitingToolCalls(waiting.required_action).map((c) => c.id),
        ['call_w'],
      );
      assert.deepEqual(written, [], 'nothing is written before the user decides');
      await h.engine.submitToolApprovals(threadId, run.id, [{ tool_call_id: 'call_w', approve: true, alwaysForThread: true }]);
      assert.equal((await h.log.waitForEnd(run.id)).status, 'completed');
      assert.deepEqual(written, [path]);
    });
  }

  it('asks again in the next run even after the user chose "always allow"', async () => {
    const first = await startWrite('.vscode/settings.json');
    await h.log.waitForEvent(first.run.id, 'thread.run.requires_action');
    await h.engine.submitToolApprovals(first.threadId, first.run.id, [{ tool_call_id: 'call_w', approve: true, alwaysForThread: true }]);
    await h.log.waitForEnd(first.run.id);
    h.server.script(
      {
        kind: 'tool_calls',
        calls: [{ id: 'call_2', name: 'write_file', arguments: JSON.stringify({ path: '.vscode/launch.json', content: '{}' }) }],
      },
      { kind: 'text', text: 'done' },
    );
    await h.threads.appendMessage(first.threadId, userText('again'));
    const agentId = first.run.assistant_id;
    const second = await h.engine.createRun(first.threadId, agentId);
    await h.log.waitForEvent(second.id, 'thread.run.requires_action');
    assert.deepEqual(written, ['.vscode/settings.json']);
    await h.engine.cancelRun(first.threadId, second.id);
  });

  it('keeps a deny policy a denial for protected paths too', async () => {
    const { run } = await startWrite('.vscode/settings.json', 'deny');
    assert.equal((await h.log.waitForEnd(run.id)).status, 'completed');
    assert.deepEqual(written, []);
    assert.ok(!h.log.namesOf(run.id).includes('thread.run.requires_action'));
  });

  it('applies forced approval as ask over auto, never over deny', () => {
    const forced = { forced: true as const, reason: 'protected' };
    assert.equal(applyForcedApproval('auto', forced), 'ask');
    assert.equal(applyForcedApproval('ask', forced), 'ask');
    assert.equal(applyForcedApproval('deny', forced), 'deny');
    assert.equal(applyForcedApproval('auto', undefined), 'auto');
  });
});
