import { strict as assert } from 'node:assert';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import { type ToolDefinition, ToolRegistry } from '../../../src/core/tools/toolRegistry';
import { gatedByWorkspaceTrust } from '../../../src/core/tools/workspaceTrust';

describe('workspace trust gate', () => {
  let trusted: boolean;
  let writes: number;
  let registry: ToolRegistry;
  const context = { threadId: 't', runId: 'r', signal: new AbortController().signal };
  beforeEach(() => {
    trusted = false;
    writes = 0;
    const write: ToolDefinition = { name: 'write', description: 'w', parameters: { type: 'object' }, readOnly: false, invoke: async () => `wrote ${++writes}` };
    registry = new ToolRegistry();
    for (const tool of [...builtinTools(), write]) registry.register(gatedByWorkspaceTrust(tool, () => trusted));
  });

  it('refuses a changing tool in Restricted Mode with an error that says how to trust the folder', async () => {
    const result = await registry.invoke('write', '{}', context);
    assert.equal(result.ok, false);
    assert.match(result.output, /Restricted Mode/);
    assert.match(result.output, /Manage Workspace Trust/);
    assert.equal(writes, 0);
  });

  it('keeps read-only tools working in Restricted Mode', async () => {
    assert.deepEqual(await registry.invoke('echo', '{"text":"hi"}', context), { ok: true, output: 'hi' });
  });

  it('runs the changing tool as soon as the workspace is trusted', async () => {
    await registry.invoke('write', '{}', context);
    trusted = true;
    assert.deepEqual(await registry.invoke('write', '{}', context), { ok: true, output: 'wrote 1' });
  });
});
