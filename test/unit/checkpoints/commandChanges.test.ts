import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeSetStore, nodeFileAccess, restoreChanges } from '../../../src/core/checkpoints';
import { changedSinceSnapshot, earlierContent, snapshotBeforeCommand } from '../../../src/core/checkpoints/commandChanges';

const THREAD = 'thread_1';

/** A shell command's writes, as a command would make them: straight to disk, unrecorded. */
async function command(ws: string, writes: Record<string, string | null>): Promise<void> {
  for (const [name, content] of Object.entries(writes))
    if (content === null) await fs.rm(join(ws, name));
    else await fs.writeFile(join(ws, name), content);
}

describe('checkpoints: what a shell command changed', () => {
  let base: string;
  let ws: string;
  let store: ChangeSetStore;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: ws, stdio: 'pipe' });

  beforeEach(async () => {
    base = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'agent-threads-command-')));
    ws = join(base, 'ws');
    await fs.mkdir(ws, { recursive: true });
    store = new ChangeSetStore({ root: join(base, 'storage'), maxFileBytes: () => 64 * 1024 });
  });
  afterEach(() => fs.rm(base, { recursive: true, force: true }));

  it('finds each file’s content before the command: kept if it had uncommitted changes, HEAD if clean, absent if new', async () => {
    await fs.writeFile(join(ws, 'clean.ts'), '\uFEFFexport const a = 1;\r\n');
    await fs.writeFile(join(ws, 'dirty.ts'), 'committed\n');
    await fs.writeFile(join(ws, 'gone.txt'), 'delete me\n');
    await fs.writeFile(join(ws, '.gitignore'), 'out/\n');
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    await fs.writeFile(join(ws, 'dirty.ts'), 'uncommitted\n');
    await fs.writeFile(join(ws, 'untracked.md'), 'mine\n');
    await fs.mkdir(join(ws, 'out'));
    await fs.writeFile(join(ws, 'out', 'built.js'), 'ignored\n');

    const snapshot = await snapshotBeforeCommand(ws);
    assert.equal(snapshot.gitRoot, ws);
    await command(ws, {
      'clean.ts': 'export const a = 2;\n',
      'dirty.ts': 'the command wrote this\n',
      'untracked.md': 'overwritten\n',
      'gone.txt': null,
      'made.txt': 'new\n',
      'out/built.js': 'rebuilt\n',
    });

    // git lists every change at once, the ignored file excepted (only the file watcher sees that one).
    assert.deepEqual((await changedSinceSnapshot(snapshot)).map((path) => path.slice(ws.length + 1)).sort(), [
      'clean.ts',
      'dirty.ts',
      'gone.txt',
      'made.txt',
      'untracked.md',
    ]);
    const earlier = async (name: string) => {
      const found = await earlierContent(snapshot, join(ws, name));
      return [found.source, found.content === undefined ? undefined : Buffer.from(found.content).toString('utf8')];
    };
    assert.deepEqual(await earlier('clean.ts'), ['git', '\uFEFFexport const a = 1;\r\n']);
    assert.deepEqual(await earlier('dirty.ts'), ['kept', 'uncommitted\n']);
    assert.deepEqual(await earlier('untracked.md'), ['kept', 'mine\n']);
    assert.deepEqual(await earlier('gone.txt'), ['git', 'delete me\n']);
    assert.deepEqual(await earlier('made.txt'), ['created', undefined]);
    assert.deepEqual(await earlier('out/built.js'), ['unknown', undefined], 'an ignored file was not seen before');
  });

  it('outside git, nothing is known: every file is unknown', async () => {
    await fs.writeFile(join(ws, 'a.ts'), 'a\n');
    const snapshot = await snapshotBeforeCommand(ws);
    assert.equal(snapshot.gitRoot, undefined);
    assert.deepEqual(await earlierContent(snapshot, join(ws, 'a.ts')), { source: 'unknown' });
  });

  it('keeps no more dirty files than its limits; those beyond are unknown', async () => {
    git('init', '-q');
    for (const name of ['a', 'b', 'c']) await fs.writeFile(join(ws, `${name}.txt`), `${name}\n`);
    const snapshot = await snapshotBeforeCommand(ws, { timeoutMs: 3_000, maxFiles: 2, maxBytes: 1024 });
    const sources = await Promise.all(
      ['a', 'b', 'c'].map(async (name) => (await earlierContent(snapshot, join(ws, `${name}.txt`))).source),
    );
    assert.deepEqual(sources, ['kept', 'kept', 'unknown']);
  });

  it('records observed changes into the run’s change set; Undo restores what is known and says what is not', async () => {
    await fs.writeFile(join(ws, 'tracked.ts'), 'v1\n');
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    const snapshot = await snapshotBeforeCommand(ws);
    await command(ws, { 'tracked.ts': 'v2\n', 'made.txt': 'new\n' });
    const scope = { threadId: THREAD, runId: 'run_1', source: 'run_command' };
    for (const name of ['tracked.ts', 'made.txt']) {
      const found = await earlierContent(snapshot, join(ws, name));
      await store.recordObserved(
        scope,
        { absolute: join(ws, name), relative: name },
        found.content,
        await nodeFileAccess.read(join(ws, name)),
      );
    }
    // A file whose earlier content nobody knows is listed, never guessed at.
    await fs.writeFile(join(ws, 'unknown.bin'), 'after\n');
    await store.recordObserved(scope, { absolute: join(ws, 'unknown.bin'), relative: 'unknown.bin' }, 'unknown', Buffer.from('after\n'));

    const set = await store.changeSet(THREAD, 'run_1');
    assert.equal(set?.source, 'run_command');
    assert.deepEqual(
      set?.files.map((file) => [file.relative, file.unrestorable ?? 'restorable']),
      [
        ['tracked.ts', 'restorable'],
        ['made.txt', 'restorable'],
        ['unknown.bin', 'unknown_before'],
      ],
    );
    const report = await restoreChanges(
      store,
      nodeFileAccess,
      { folders: [ws], caseInsensitive: false },
      {
        threadId: THREAD,
        files: set!.files,
        restoreOf: 'run_1',
      },
    );
    assert.deepEqual(
      report.files.map((file) => [file.relative, file.outcome]),
      [
        ['tracked.ts', 'restored'],
        ['made.txt', 'restored'],
        ['unknown.bin', 'cannot_restore'],
      ],
    );
    assert.equal(await fs.readFile(join(ws, 'tracked.ts'), 'utf8'), 'v1\n');
    await assert.rejects(fs.stat(join(ws, 'made.txt')), { code: 'ENOENT' });
    assert.equal(await fs.readFile(join(ws, 'unknown.bin'), 'utf8'), 'after\n', 'left as the command left it');
  });

  it('an earlier edit of the same run knows the file’s content before, so a command’s unknown change still restores', async () => {
    await fs.writeFile(join(ws, 'a.ts'), 'original\n');
    const scope = { threadId: THREAD, runId: 'run_1', source: 'edit_file' };
    const target = { absolute: join(ws, 'a.ts'), relative: 'a.ts' };
    await store.recorded(scope, target, Buffer.from('original\n'), Buffer.from('edited\n'), () =>
      fs.writeFile(target.absolute, 'edited\n'),
    );
    await fs.writeFile(target.absolute, 'formatted by a command\n');
    await store.recordObserved({ ...scope, source: 'run_command' }, target, 'unknown', Buffer.from('formatted by a command\n'));
    const set = await store.changeSet(THREAD, 'run_1');
    assert.equal(set?.files[0].unrestorable, undefined);
    const report = await restoreChanges(
      store,
      nodeFileAccess,
      { folders: [ws], caseInsensitive: false },
      {
        threadId: THREAD,
        files: set!.files,
        restoreOf: 'run_1',
      },
    );
    assert.equal(report.files[0].outcome, 'restored');
    assert.equal(await fs.readFile(target.absolute, 'utf8'), 'original\n');
  });
});
