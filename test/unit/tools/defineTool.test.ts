import { strict as assert } from 'node:assert';
import { defineTool, type FromSchema } from '../../../src/core/tools/defineTool';
import { ToolRegistry } from '../../../src/core/tools/toolRegistry';

const context = { threadId: 'thread_x', runId: 'run_x', signal: new AbortController().signal };

// Compile-time checks: a wrong FromSchema result makes this file fail to compile.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

const noteSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', description: 'Where.' },
    lines: { type: 'integer', minimum: 1 },
    force: { type: 'boolean' },
    mode: { enum: ['append', 'replace'] },
    blocks: { type: 'array', items: { type: 'object', properties: { at: { type: 'number' } }, required: ['at'] } },
  },
  required: ['path', 'mode'],
  additionalProperties: false,
} as const;

expectType<
  Equal<
    FromSchema<typeof noteSchema>,
    {
      readonly path: string;
      readonly mode: 'append' | 'replace';
      readonly lines?: number;
      readonly force?: boolean;
      readonly blocks?: { readonly at: number }[];
    }
  >
>();
const _emptySchema = { type: 'object', properties: {} } as const;
expectType<Equal<keyof FromSchema<typeof _emptySchema>, never>>();

/** A registry holding one tool over noteSchema, and the hooks it reached with which path. */
function noteRegistry(): { registry: ToolRegistry; reached: string[] } {
  const reached: string[] = [];
  const registry = new ToolRegistry();
  registry.register(
    defineTool({
      name: 'note',
      description: 'Writes a note.',
      parameters: noteSchema,
      readOnly: false,
      describeCall: ({ path, mode }) => (reached.push(`describe ${path}`), `${mode} ${path}`),
      approvalFor: async ({ path, force }) => (reached.push(`approval ${path}`), force ? { forced: true, reason: 'forced' } : undefined),
      proposeChange: async ({ path, mode }) => (
        reached.push(`propose ${path}`),
        { absolute: `/w/${path}`, before: undefined, after: mode }
      ),
      invoke: async ({ path, lines = 1, blocks = [] }) => {
        reached.push(`invoke ${path}`);
        return `${path}: ${lines} lines, ${blocks.map((block) => block.at).join(',')}`;
      },
    }),
  );
  return { registry, reached };
}

describe('defineTool', () => {
  it('hands every hook the arguments typed by the schema the registry validated them against', async () => {
    const { registry, reached } = noteRegistry();
    const call = JSON.stringify({ path: 'a.md', mode: 'append', lines: 2, force: true, blocks: [{ at: 1 }, { at: 2.5 }] });
    assert.equal(registry.describeCall('note', call), 'append a.md');
    assert.deepEqual(await registry.forcedApproval('note', call), { forced: true, reason: 'forced' });
    assert.deepEqual(await registry.proposedChange('note', call), { absolute: '/w/a.md', before: undefined, after: 'append' });
    assert.deepEqual(await registry.invoke('note', call, context), { ok: true, output: 'a.md: 2 lines, 1,2.5' });
    assert.deepEqual(reached, ['describe a.md', 'approval a.md', 'propose a.md', 'invoke a.md']);
  });

  it('keeps the registry checking arguments at run time: a call the schema refuses reaches no hook', async () => {
    const { registry, reached } = noteRegistry();
    const wrongEnum = JSON.stringify({ path: 'a.md', mode: 'prepend' });
    const result = await registry.invoke('note', wrongEnum, context);
    assert.equal(result.ok, false);
    assert.match(result.output, /do not match its schema/);
    assert.equal(registry.describeCall('note', wrongEnum), undefined);
    assert.equal(await registry.forcedApproval('note', wrongEnum), undefined);
    await assert.rejects(registry.proposedChange('note', JSON.stringify({ mode: 'append' })), /do not match its schema/);
    assert.deepEqual(reached, []);
  });

  it('proposes no change for tools without the hook', async () => {
    const registry = new ToolRegistry();
    registry.register(
      defineTool({
        name: 'plain',
        description: 'Nothing.',
        parameters: { type: 'object', properties: {} },
        readOnly: true,
        invoke: async () => '',
      }),
    );
    assert.equal(await registry.proposedChange('plain', '{}'), undefined);
    assert.equal(await registry.proposedChange('missing', '{}'), undefined);
  });
});
