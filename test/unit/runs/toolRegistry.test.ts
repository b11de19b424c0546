import { strict as assert } from 'node:assert';
import { ALLOWED_TOOLS_KEY, allowedToolsOf, resolveApprovalPolicy, withAllowedTools } from '../../../src/core/tools/approvalPolicy';
import { builtinTools, echoTool } from '../../../src/core/tools/builtinTools';
import { type ToolDefinition, ToolRegistry } from '../../../src/core/tools/toolRegistry';

const context = { threadId: 'thread_x', runId: 'run_x', signal: new AbortController().signal };

function tool(overrides: Partial<ToolDefinition>): ToolDefinition {
  return {
    name: 'probe',
    description: 'test tool',
    parameters: { type: 'object', properties: {} },
    readOnly: false,
    invoke: async () => 'ok',
    ...overrides,
  };
}

describe('ToolRegistry', () => {
  it('lists the built-ins by name and declares them to the model', () => {
    const registry = new ToolRegistry();
    for (const t of builtinTools()) registry.register(t);
    assert.deepEqual([...registry.names()], ['get_time', 'echo']);
    assert.deepEqual(
      registry.chatTools(['echo', 'unknown']).map((t) => t.name),
      ['echo'],
    );
    assert.throws(() => registry.register(echoTool), /already registered/);
  });

  it('runs get_time and echo', async () => {
    const registry = new ToolRegistry();
    for (const t of builtinTools()) registry.register(t);
    const time = await registry.invoke('get_time', '{}', context);
    assert.ok(time.ok && !Number.isNaN(Date.parse(time.output)));
    assert.deepEqual(await registry.invoke('echo', '{"text":"hi"}', context), { ok: true, output: 'hi' });
  });

  it('accepts a schema ajv cannot compile at registration, and fails its calls saying why, without running it', async () => {
    let invoked = 0;
    const registry = new ToolRegistry();
    const broken = { type: 'object', properties: { n: { type: 'no-such-type' } } } as unknown as ToolDefinition['parameters'];
    registry.register(tool({ parameters: broken, invoke: async () => String(++invoked) }));
    const result = await registry.invoke('probe', '{"n":1}', context);
    assert.equal(result.ok, false);
    assert.match(result.output, /'probe' cannot be used: its argument schema is invalid/);
    assert.equal(await registry.forcedApproval('probe', '{"n":1}'), undefined);
    assert.equal(invoked, 0);
  });

  it('validates arguments against the schema before invoking, and tells the model what was wrong', async () => {
    let invoked = 0;
    const registry = new ToolRegistry();
    registry.register({ ...echoTool, invoke: async () => String(++invoked) });
    const wrongType = await registry.invoke('echo', '{"text": 5}', context);
    assert.equal(wrongType.ok, false);
    assert.match(wrongType.output, /do not match its schema: arguments\/text must be string/);
    const malformed = await registry.invoke('echo', '{"text": ', context);
    assert.match(malformed.output, /not valid JSON/);
    const missing = await registry.invoke('nope', '{}', context);
    assert.match(missing.output, /no tool named 'nope'/);
    assert.equal(invoked, 0);
  });

  it('turns a thrown error into tool error text', async () => {
    const registry = new ToolRegistry();
    registry.register(tool({ invoke: async () => Promise.reject(new Error('disk on fire')) }));
    assert.deepEqual(await registry.invoke('probe', '', context), { ok: false, output: "Error: 'probe' failed: disk on fire" });
  });

  it('caps long output and says how much was cut', async () => {
    const registry = new ToolRegistry(100);
    registry.register(tool({ invoke: async () => 'x'.repeat(250) }));
    const result = await registry.invoke('probe', '{}', context);
    assert.ok(result.output.startsWith('x'.repeat(100) + '\n[Output truncated: the last 150 of 250 characters were cut.]'));
  });

  it('redacts stored API keys and key-shaped text from outputs and errors', async () => {
    const storedKey = 'my-own-gateway-key-0123456789';
    const registry = new ToolRegistry(undefined, async () => [storedKey]);
    registry.register(tool({ invoke: async () => `OPENAI_API_KEY=${storedKey}\nother=sk-proj-abcdefghijklmnop1234\nsk-learn is fine` }));
    registry.register(tool({ name: 'failing', invoke: async () => Promise.reject(new Error(`refused key ${storedKey}`)) }));
    const ok = await registry.invoke('probe', '{}', context);
    assert.equal(ok.output, 'OPENAI_API_KEY=[redacted secret]\nother=[redacted secret]\nsk-learn is fine');
    const failed = await registry.invoke('failing', '{}', context);
    assert.equal(failed.output, "Error: 'failing' failed: refused key [redacted secret]");
  });

  it('leaves source code that merely mentions keys intact, so the model can still edit it', async () => {
    const code =
      'const client = new OpenAI({ apiKey: config.apiKey, baseURL });\nheaders.Authorization = `Bearer ${token}`;\nimport "sk-learn-transformers";\n';
    const registry = new ToolRegistry(undefined, async () => ['my-own-gateway-key-0123456789']);
    registry.register(tool({ invoke: async () => code }));
    assert.equal((await registry.invoke('probe', '{}', context)).output, code);
  });
});

describe('approval policy', () => {
  it('uses the agent policy, else auto for read-only tools and ask for the rest', () => {
    const none = new Set<string>();
    assert.equal(resolveApprovalPolicy({}, { name: 'echo', readOnly: true }, none), 'auto');
    assert.equal(resolveApprovalPolicy({}, { name: 'write', readOnly: false }, none), 'ask');
    assert.equal(resolveApprovalPolicy({ echo: 'ask' }, { name: 'echo', readOnly: true }, none), 'ask');
    assert.equal(resolveApprovalPolicy({ write: 'deny' }, { name: 'write', readOnly: false }, new Set(['write'])), 'deny');
    assert.equal(resolveApprovalPolicy({}, { name: 'write', readOnly: false }, new Set(['write'])), 'auto');
  });

  it('keeps the always-allowed tools as a comma list in thread metadata', () => {
    const metadata = withAllowedTools({ other: '1' }, ['write', 'echo']);
    assert.deepEqual(metadata, { other: '1', [ALLOWED_TOOLS_KEY]: 'echo,write' });
    assert.deepEqual([...allowedToolsOf(withAllowedTools(metadata, ['write']))], ['echo', 'write']);
    assert.equal(allowedToolsOf(undefined).size, 0);
  });
});
