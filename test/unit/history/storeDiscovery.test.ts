import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  findStores,
  gitRemotesOf,
  gitRootCommitsOf,
  normaliseRemote,
  sameProject,
  scanWorkspaceStorage,
  storesOfProject,
  StoreRegistry,
  threadsMissingFrom,
  type ProjectIdentity,
} from '../../../src/core/history';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { makeTempDir, removeTempDir, text } from '../store/helpers';

const EXTENSION = 'agent-threads.agent-threads';

function identity(partial: Partial<ProjectIdentity>): ProjectIdentity {
  return { folders: [], gitRemotes: [], gitRootCommits: [], ...partial };
}

/** A workspace storage folder as VS Code lays it out: workspace.json, and our store inside when `threads` is given. */
async function workspaceFolder(
  root: string,
  id: string,
  named: { folder?: string; workspace?: string },
  threads?: number,
): Promise<string> {
  const folder = join(root, id);
  await fs.mkdir(folder, { recursive: true });
  await fs.writeFile(join(folder, 'workspace.json'), JSON.stringify(named));
  const store = join(folder, EXTENSION);
  if (threads !== undefined) {
    // Written by today's build, through the real store.
    const threadStore = new ThreadStore({ root: store });
    for (let i = 0; i < threads; i++) await threadStore.create({ title: `T${i}`, messages: [text(`m${i}`)] });
    await fs.mkdir(join(store, 'agents'), { recursive: true });
  }
  return store;
}

describe('finding thread stores on this machine', () => {
  let dir: string;
  let storage: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    storage = join(dir, 'User', 'workspaceStorage');
  });
  afterEach(() => removeTempDir(dir));

  it('scans workspace storage: each store with the folder or workspace file workspace.json names, and its thread count', async () => {
    const project = pathToFileURL(join(dir, 'project')).href;
    const workspaceFile = pathToFileURL(join(dir, 'both.code-workspace')).href;
    const alone = await workspaceFolder(storage, 'aaa', { folder: project }, 3);
    const multi = await workspaceFolder(storage, 'bbb', { workspace: workspaceFile }, 1);
    await workspaceFolder(storage, 'ccc', { folder: pathToFileURL(join(dir, 'other')).href }); // no store of ours
    await fs.writeFile(join(storage, 'stray-file'), '');

    const found = (await scanWorkspaceStorage([storage], EXTENSION)).sort((a, b) => a.path.localeCompare(b.path));
    assert.deepEqual(found, [
      { path: alone, folder: project, threadCount: 3 },
      { path: multi, workspace: workspaceFile, threadCount: 1 },
    ]);
  });

  it('a folder opened alone and the multi-root workspace that holds it are the same project', async () => {
    const projectPath = join(dir, 'project');
    await fs.mkdir(projectPath);
    const project = pathToFileURL(projectPath).href;
    const workspacePath = join(dir, 'both.code-workspace');
    // A workspace file as VS Code writes it: comments, trailing commas, relative paths.
    await fs.writeFile(workspacePath, '{\n  // mine\n  "folders": [{ "path": "project" }, { "path": "../elsewhere" },],\n}\n');
    const alone = await workspaceFolder(storage, 'aaa', { folder: project }, 3);
    const multi = await workspaceFolder(storage, 'bbb', { workspace: pathToFileURL(workspacePath).href }, 0);
    await workspaceFolder(storage, 'ccc', { folder: pathToFileURL(join(dir, 'unrelated')).href }, 5);

    const stores = await findStores({ workspaceStorageRoots: [storage], extensionFolder: EXTENSION });
    const current = stores.find((store) => store.path === multi)!;
    assert.equal(current.label, 'both');
    const same = storesOfProject(current, stores);
    assert.deepEqual(
      same.map((store) => [store.path, store.label, store.threadCount]),
      [[alone, 'project', 3]],
    );
    assert.equal((await threadsMissingFrom(multi, alone)).length, 3);
  });

  it('the registry remembers a store by its git repository, so a moved folder is still found', async () => {
    const registry = new StoreRegistry(join(dir, 'User', 'globalStorage', EXTENSION, 'stores.json'));
    const old = await workspaceFolder(storage, 'old', { folder: pathToFileURL(join(dir, 'before-move')).href }, 2);
    await registry.record({
      path: old,
      label: 'before-move',
      identity: identity({ folders: [pathToFileURL(join(dir, 'before-move')).href], gitRootCommits: ['a'.repeat(40)] }),
      threadCount: 2,
      seenAt: 1,
    });
    const moved = await workspaceFolder(storage, 'new', { folder: pathToFileURL(join(dir, 'after-move')).href }, 0);
    const current = {
      path: moved,
      identity: identity({ folders: [pathToFileURL(join(dir, 'after-move')).href], gitRootCommits: ['a'.repeat(40)] }),
    };
    const stores = await findStores({ workspaceStorageRoots: [storage], extensionFolder: EXTENSION, registry });
    assert.deepEqual(
      storesOfProject(current, stores).map((store) => [store.path, store.label]),
      [[old, 'before-move']],
    );
    // A second window records its own store without losing the first one's entry.
    await registry.record({ path: moved, label: 'after-move', identity: current.identity, threadCount: 0, seenAt: 2 });
    assert.deepEqual((await registry.list()).map((store) => store.label).sort(), ['after-move', 'before-move']);
  });

  it('reads the git remote and root commit of a repository', async function () {
    this.timeout(20_000);
    const repo = join(dir, 'repo');
    await fs.mkdir(repo);
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: repo,
        env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
      });
    git('init', '-q');
    git('remote', 'add', 'origin', 'git@github.com:Owner/Repo.git');
    git('commit', '-q', '--allow-empty', '-m', 'first');
    const root = git('rev-parse', 'HEAD').toString().trim();
    git('commit', '-q', '--allow-empty', '-m', 'second');
    assert.deepEqual(await gitRemotesOf(repo), ['github.com/owner/repo']);
    assert.deepEqual(await gitRootCommitsOf(repo), [root]);
    assert.deepEqual(await gitRootCommitsOf(dir), [], 'not a repository');
  });

  it('compares remotes in their https, ssh and scp-like forms, and folders with or without a trailing slash', () => {
    for (const url of ['https://github.com/Owner/Repo.git', 'ssh://git@github.com:22/owner/repo', 'git@github.com:owner/repo.git'])
      assert.equal(normaliseRemote(url), 'github.com/owner/repo', url);
    assert.ok(sameProject(identity({ folders: ['file:///home/me/p/'] }), identity({ folders: ['file:///home/me/p'] })));
    assert.ok(sameProject(identity({ folders: ['file:///c%3A/p'] }), identity({ folders: ['file:///C:/p'] })));
    assert.ok(!sameProject(identity({ folders: ['file:///home/me/p'] }), identity({ folders: ['file:///home/me/q'] })));
    assert.ok(sameProject(identity({ gitRemotes: ['github.com/o/r'] }), identity({ gitRemotes: ['github.com/o/r'] })));
  });
});
