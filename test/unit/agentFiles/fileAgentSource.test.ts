import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { CombinedAgentCatalog, FileAgentSource, fileAgentId, isFileAgent } from '../../../src/core/agentFiles';
import { isValidId } from '../../../src/core/domain/ids';
import { AgentStore } from '../../../src/core/store/agentStore';
import { makeTempDir, removeTempDir } from '../store/helpers';

const TOOLS = new Set(['read_file', 'run_command']);

describe('FileAgentSource and the combined agent catalog', () => {
  let workspace: string;
  let source: FileAgentSource;
  beforeEach(async () => {
    workspace = await makeTempDir();
    source = new FileAgentSource({ workspaceFolder: workspace, knownTools: TOOLS });
  });
  afterEach(async () => {
    source.dispose();
    await removeTempDir(workspace);
  });

  async function write(rel: string, text: string): Promise<void> {
    await fs.mkdir(join(workspace, rel, '..'), { recursive: true });
    await fs.writeFile(join(workspace, rel), text);
  }

  it('loads every agent file under .agents/ with stable, valid ids, marked as from a file', async () => {
    await write('.agents/reviewer.agent.md', '---\nname: Reviewer\nmodel: azure/gpt-4o\ntools: [read_file]\n---\nReview.\n');
    await write('.agents/team/helper.agent.yaml', 'name: Helper\nmodel: gpt-4o-mini\ninstructions: Help.\n');
    await write('.agents/notes.md', 'not an agent');
    let fired = 0;
    source.onDidChange(() => fired++);
    await source.reload();
    assert.equal(fired, 1);
    assert.deepEqual(
      source.list().map((a) => a.name),
      ['Helper', 'Reviewer'],
    );
    const reviewer = source.list()[1];
    assert.equal(reviewer.id, fileAgentId('.agents/reviewer.agent.md'));
    assert.ok(isValidId('asst', reviewer.id), reviewer.id);
    assert.ok(isFileAgent(reviewer));
    assert.deepEqual(reviewer.metadata, { source: 'file', source_path: '.agents/reviewer.agent.md' });
    assert.equal(source.list()[0].metadata.source_path, '.agents/team/helper.agent.yaml');
    assert.deepEqual(source.problems(), []);

    await write('.agents/reviewer.agent.md', '---\nname: Reviewer 2\nmodel: azure/gpt-4o\n---\nReview more.\n');
    await source.reload();
    assert.equal(source.get(reviewer.id)?.name, 'Reviewer 2', 'the id survives an edit of the file');
  });

  it('reports a broken file by name and keeps loading the others', async () => {
    await write('.agents/good.agent.md', '---\nname: Good\nmodel: a/b\n---\n');
    await write('.agents/bad.agent.md', '---\nname: Bad\nmodel: a/b\ntools: [make_coffee]\n---\n');
    await write('.agents/worse.agent.yaml', 'name: [');
    await source.reload();
    assert.deepEqual(
      source.list().map((a) => a.name),
      ['Good'],
    );
    const problems = source
      .problems()
      .map((p) => p.message)
      .sort();
    assert.equal(problems.length, 2);
    assert.match(problems[0], /^\.agents\/bad\.agent\.md: unknown tool "make_coffee"/);
    assert.match(problems[1], /^\.agents\/worse\.agent\.yaml: the file is not valid YAML/);
  });

  it('has no agents and no problems when the workspace has no .agents folder', async () => {
    await source.reload();
    assert.deepEqual(source.list(), []);
    assert.deepEqual(source.problems(), []);
  });

  it('lets runs and pickers find store agents and file agents through one catalog', async () => {
    const storage = await makeTempDir();
    const store = new AgentStore(storage, TOOLS);
    try {
      await write('.agents/reviewer.agent.md', '---\nname: Reviewer\nmodel: azure/gpt-4o\n---\nReview.\n');
      await source.reload();
      const stored = await store.create({ name: 'Architect', model: { profile: 'azure', name: 'gpt-4o' } });
      const catalog = new CombinedAgentCatalog(store, source);
      let changes = 0;
      const subscription = catalog.onDidChangeAgents(() => changes++);
      assert.deepEqual(
        (await catalog.list()).map((a) => a.name),
        ['Architect', 'Reviewer'],
      );
      assert.equal((await catalog.get(stored.id)).name, 'Architect');
      assert.equal((await catalog.get(fileAgentId('.agents/reviewer.agent.md'))).instructions, 'Review.');
      await assert.rejects(catalog.get(fileAgentId('.agents/gone.agent.md')), { code: 'agent_not_found' });
      await source.reload();
      await store.create({ name: 'Other', model: { profile: 'azure', name: 'gpt-4o' } });
      assert.equal(changes, 2);
      subscription.dispose();
    } finally {
      store.dispose();
      await removeTempDir(storage);
    }
  });
});
