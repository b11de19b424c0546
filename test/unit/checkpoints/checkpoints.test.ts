import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeSetStore,
  ContentUnavailableError,
  hashOf,
  nodeFileAccess,
  restoreChanges,
  RestoreInProgressError,
  type RecordedContent,
} from '../../../src/core/checkpoints';
import type { WorkspaceRoots } from '../../../src/core/tools/pathConfinement';

const THREAD = 'thread_1';

/** A tool's write, recorded as the edit tools record it: read the current content, record, then write. */
async function toolWrite(
  store: ChangeSetStore,
  runId: string,
  absolute: string,
  after: Buffer | undefined,
  source = 'edit_file',
): Promise<void> {
  const before = await nodeFileAccess.read(absolute);
  await store.recorded(
    { threadId: THREAD, runId, source },
    { absolute, relative: absolute.split('/ws/')[1] ?? absolute },
    before,
    after,
    () => (after === undefined ? nodeFileAccess.remove(absolute) : nodeFileAccess.write(absolute, after)),
  );
}

describe('checkpoints: change sets and restore', () => {
  let base: string;
  let ws: string;
  let roots: WorkspaceRoots;
  let store: ChangeSetStore;
  const file = (name: string) => join(ws, name);
  const read = (name: string) => fs.readFile(file(name));

  beforeEach(async () => {
    base = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'agent-threads-checkpoints-')));
    ws = join(base, 'ws');
    await fs.mkdir(join(ws, 'src'), { recursive: true });
    roots = { folders: [ws], caseInsensitive: false };
    store = new ChangeSetStore({ root: join(base, 'storage'), maxFileBytes: () => 64 * 1024 });
  });
  afterEach(() => fs.rm(base, { recursive: true, force: true }));

  // Content a naive text round trip would damage: a BOM, CRLF, a lone CR, non-ASCII, no final newline.
  const tricky = Buffer.from('\uFEFFline one\r\nlíne twö 🚀\rtabs\tand  spaces', 'utf8');

  it('undoes a run that edited, created and deleted files, byte for byte', async () => {
    await fs.writeFile(file('src/a.ts'), tricky);
    await fs.writeFile(file('src/b.ts'), 'b\n');
    await fs.writeFile(file('gone.md'), '# gone\r\n');
    await toolWrite(store, 'run_1', file('src/a.ts'), Buffer.from('changed once'));
    await toolWrite(store, 'run_1', file('src/a.ts'), Buffer.from('changed twice'));
    await toolWrite(store, 'run_1', file('src/b.ts'), Buffer.from('b edited\n'));
    await toolWrite(store, 'run_1', file('new/c.ts'), Buffer.from('created\n'), 'create_file');
    await toolWrite(store, 'run_1', file('gone.md'), undefined, 'delete_file');

    const set = await store.changeSet(THREAD, 'run_1');
    assert.deepEqual(
      set?.files.map((f) => [f.relative, f.before === null, f.after === null]),
      [
        ['src/a.ts', false, false],
        ['src/b.ts', false, false],
        ['new/c.ts', true, false],
        ['gone.md', false, true],
      ],
    );
    const report = await restoreChanges(store, nodeFileAccess, roots, { threadId: THREAD, files: set!.files, restoreOf: 'run_1' });
    assert.deepEqual(
      report.files.map((f) => [f.relative, f.outcome]),
      [
        ['src/a.ts', 'restored'],
        ['src/b.ts', 'restored'],
        ['new/c.ts', 'restored'],
        ['gone.md', 'restored'],
      ],
    );
    assert.deepEqual(await read('src/a.ts'), tricky);
    assert.equal((await read('src/b.ts')).toString(), 'b\n');
    assert.equal((await read('gone.md')).toString(), '# gone\r\n');
    await assert.rejects(read('new/c.ts'), { code: 'ENOENT' });
  });

  it('leaves a file changed since the run untouched as a conflict and restores the others', async () => {
    await fs.writeFile(file('a.txt'), 'a0');
    await fs.writeFile(file('b.txt'), 'b0');
    await toolWrite(store, 'run_1', file('a.txt'), Buffer.from('a1'));
    await toolWrite(store, 'run_1', file('b.txt'), Buffer.from('b1'));
    await toolWrite(store, 'run_1', file('created.txt'), Buffer.from('c1'), 'create_file');
    await fs.writeFile(file('a.txt'), 'a1 and the user typed here');
    await fs.writeFile(file('created.txt'), 'c1 kept by the user');

    const set = await store.changeSet(THREAD, 'run_1');
    const report = await restoreChanges(store, nodeFileAccess, roots, { threadId: THREAD, files: set!.files, restoreOf: 'run_1' });
    assert.deepEqual(
      report.files.map((f) => [f.relative, f.outcome]),
      [
        ['a.txt', 'conflict'],
        ['b.txt', 'restored'],
        ['created.txt', 'conflict'],
      ],
    );
    assert.equal((await read('a.txt')).toString(), 'a1 and the user typed here');
    assert.equal((await read('created.txt')).toString(), 'c1 kept by the user');
    assert.equal((await read('b.txt')).toString(), 'b0');
    // A conflict keeps what was there, for the three-way view: before the run, the run's result, now.
    const [a, , created] = report.files;
    assert.equal((await store.contents.get(a.now!.hash)).toString(), 'a1 and the user typed here');
    assert.equal((await store.contents.get(created.now!.hash)).toString(), 'c1 kept by the user');
    assert.equal(report.files[1].now, undefined, 'a restored file has no "now" to show');
  });

  it('counts what the editor holds (unsaved text) as the current content', async () => {
    await fs.writeFile(file('a.txt'), 'a0');
    await toolWrite(store, 'run_1', file('a.txt'), Buffer.from('a1'));
    const unsaved = new Map([[file('a.txt'), Buffer.from('a1 plus unsaved typing')]]);
    const editorAccess = { ...nodeFileAccess, read: async (p: string) => unsaved.get(p) ?? nodeFileAccess.read(p) };
    const set = await store.changeSet(THREAD, 'run_1');
    const report = await restoreChanges(store, editorAccess, roots, { threadId: THREAD, files: set!.files, restoreOf: 'run_1' });
    assert.equal(report.files[0].outcome, 'conflict');
    assert.equal((await read('a.txt')).toString(), 'a1');
  });

  it('lets one of two windows restoring at once win; the other is told and changes nothing', async () => {
    await fs.writeFile(file('a.txt'), 'a0');
    await toolWrite(store, 'run_1', file('a.txt'), Buffer.from('a1'));
    const set = await store.changeSet(THREAD, 'run_1');
    // The first window's restore is held while it reads the file, so the second surely comes while it runs.
    let letFirstGoOn!: () => void;
    const held = new Promise<void>((resolve) => (letFirstGoOn = resolve));
    let reading!: () => void;
    const firstReads = new Promise<void>((resolve) => (reading = resolve));
    const heldAccess = { ...nodeFileAccess, read: async (p: string) => (reading(), await held, nodeFileAccess.read(p)) };
    const request = { threadId: THREAD, files: set!.files, restoreOf: 'run_1' };
    const first = restoreChanges(store, heldAccess, roots, request);
    await firstReads;
    const otherWindow = new ChangeSetStore({ root: join(base, 'storage'), maxFileBytes: () => 64 * 1024 });
    await assert.rejects(restoreChanges(otherWindow, nodeFileAccess, roots, request), (error: Error) => {
      assert.ok(error instanceof RestoreInProgressError, String(error));
      assert.match(error.message, /Another window is restoring .* Nothing was changed/);
      return true;
    });
    assert.equal((await read('a.txt')).toString(), 'a1', 'the second window wrote nothing');
    letFirstGoOn();
    assert.deepEqual(
      (await first).files.map((f) => f.outcome),
      ['restored'],
    );
    assert.equal((await read('a.txt')).toString(), 'a0');
    // Once it is done, the other window may restore again: the file is already as it was.
    const again = await restoreChanges(otherWindow, nodeFileAccess, roots, request);
    assert.deepEqual(
      again.files.map((f) => f.outcome),
      ['unchanged'],
    );
  });

  it('takes over the restore lock of a window that died', async () => {
    await fs.writeFile(file('a.txt'), 'a0');
    await toolWrite(store, 'run_1', file('a.txt'), Buffer.from('a1'));
    const dead = spawn(process.execPath, ['-e', '']);
    await once(dead, 'exit');
    const lock = join(base, 'storage', 'checkpoints', 'restore.lock');
    await fs.writeFile(lock, JSON.stringify({ pid: dead.pid, host: hostname(), at: Date.now(), token: 'gone' }));
    const set = await store.changeSet(THREAD, 'run_1');
    const report = await restoreChanges(store, nodeFileAccess, roots, { threadId: THREAD, files: set!.files, restoreOf: 'run_1' });
    assert.equal(report.files[0].outcome, 'restored');
    await assert.rejects(fs.access(lock), 'the lock is gone once the restore ended');
  });

  it('records a restore as a change set that can itself be undone', async () => {
    await fs.writeFile(file('a.txt'), 'a0');
    await toolWrite(store, 'run_1', file('a.txt'), Buffer.from('a1'));
    await toolWrite(store, 'run_1', file('new.txt'), Buffer.from('n1'), 'create_file');
    const undo = await restoreChanges(store, nodeFileAccess, roots, {
      threadId: THREAD,
      files: (await store.changeSet(THREAD, 'run_1'))!.files,
      restoreOf: 'run_1',
    });
    const restoreSet = await store.changeSet(THREAD, undo.changeSetId!);
    assert.equal(restoreSet?.restoreOf, 'run_1');
    const redo = await restoreChanges(store, nodeFileAccess, roots, {
      threadId: THREAD,
      files: restoreSet!.files,
      restoreOf: undo.changeSetId!,
    });
    assert.deepEqual(
      redo.files.map((f) => f.outcome),
      ['restored', 'restored'],
    );
    assert.equal((await read('a.txt')).toString(), 'a1');
    assert.equal((await read('new.txt')).toString(), 'n1');
  });

  it('restores the files as they were before a run, taking back later runs too', async () => {
    await fs.writeFile(file('a.txt'), 'a0');
    await toolWrite(store, 'run_1', file('a.txt'), Buffer.from('a1'));
    await toolWrite(store, 'run_2', file('a.txt'), Buffer.from('a2'));
    await toolWrite(store, 'run_2', file('b.txt'), Buffer.from('b2'), 'create_file');
    const files = await store.changesSince(THREAD, 'run_1');
    const report = await restoreChanges(store, nodeFileAccess, roots, { threadId: THREAD, files, restoreOf: 'run_1' });
    assert.deepEqual(
      report.files.map((f) => [f.relative, f.outcome]),
      [
        ['a.txt', 'restored'],
        ['b.txt', 'restored'],
      ],
    );
    assert.equal((await read('a.txt')).toString(), 'a0');
    await assert.rejects(read('b.txt'), { code: 'ENOENT' });
  });

  it('keeps what the file really holds after the write when the editor saved it differently (a BOM, normalised line ends)', async () => {
    await fs.writeFile(file('a.txt'), 'a0\r\n');
    const saved = Buffer.from('\uFEFFa1\r\n');
    await store.recorded(
      { threadId: THREAD, runId: 'run_1', source: 'edit_file' },
      { absolute: file('a.txt'), relative: 'a.txt' },
      await read('a.txt'),
      Buffer.from('a1\n'),
      () => fs.writeFile(file('a.txt'), saved),
      () => nodeFileAccess.read(file('a.txt')),
    );
    const set = await store.changeSet(THREAD, 'run_1');
    assert.equal(set?.files[0].after?.hash, hashOf(saved));
    const report = await restoreChanges(store, nodeFileAccess, roots, { threadId: THREAD, files: set!.files, restoreOf: 'run_1' });
    assert.equal(report.files[0].outcome, 'restored');
    assert.equal((await read('a.txt')).toString(), 'a0\r\n');
  });

  it('stores identical content once, and keeps every version of a file readable across delta chains', async () => {
    await fs.writeFile(file('big.txt'), 'x'.repeat(10_000));
    const versions: Buffer[] = [await read('big.txt')];
    for (let i = 0; i < 80; i++) {
      const next = Buffer.from(versions[versions.length - 1].toString().replace(/x/, `line ${i}\n`));
      versions.push(next);
      await toolWrite(store, `run_${i}`, file('big.txt'), next);
    }
    await toolWrite(store, 'run_again', file('big.txt'), versions[0]); // back to a content already stored
    const sets = await store.changeSets(THREAD);
    assert.equal(sets.length, 81);
    for (const [i, version] of versions.entries()) assert.deepEqual(await store.contents.get(hashOf(version)), version, `version ${i}`);
    const objects = (await fs.readdir(join(base, 'storage', 'checkpoints', 'contents'), { recursive: true })).filter((name) =>
      /[0-9a-f]{64}$/.test(name),
    );
    assert.equal(objects.length, versions.length, 'one object per distinct content');
  });

  it('records binary files and files over the size cap as changed but not restorable, and restores the rest', async () => {
    await fs.writeFile(file('image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
    await fs.writeFile(file('huge.txt'), 'y'.repeat(70 * 1024));
    await fs.writeFile(file('small.txt'), 's0');
    await toolWrite(store, 'run_1', file('image.png'), undefined, 'delete_file');
    const tooLarge: RecordedContent = { tooLarge: 70 * 1024 };
    await store.recorded(
      { threadId: THREAD, runId: 'run_1', source: 'delete_file' },
      { absolute: file('huge.txt'), relative: 'huge.txt' },
      tooLarge,
      undefined,
      () => fs.rm(file('huge.txt')),
    );
    await toolWrite(store, 'run_1', file('small.txt'), Buffer.from('s1'));
    const set = await store.changeSet(THREAD, 'run_1');
    assert.deepEqual(
      set?.files.map((f) => [f.relative, f.unrestorable]),
      [
        ['image.png', 'binary'],
        ['huge.txt', 'too_large'],
        ['small.txt', undefined],
      ],
    );
    const report = await restoreChanges(store, nodeFileAccess, roots, { threadId: THREAD, files: set!.files, restoreOf: 'run_1' });
    assert.deepEqual(
      report.files.map((f) => f.outcome),
      ['cannot_restore', 'cannot_restore', 'restored'],
    );
    await assert.rejects(read('image.png'), { code: 'ENOENT' });
  });

  it('refuses a restore whose content was damaged on disk and leaves the file alone', async () => {
    await fs.writeFile(file('a.txt'), 'a0');
    await toolWrite(store, 'run_1', file('a.txt'), Buffer.from('a1'));
    const set = await store.changeSet(THREAD, 'run_1');
    const hash = set!.files[0].before!.hash;
    await fs.writeFile(join(base, 'storage', 'checkpoints', 'contents', hash.slice(0, 2), hash), Buffer.from('F-garbage'));
    await assert.rejects(store.contents.get(hash), ContentUnavailableError);
    const report = await restoreChanges(store, nodeFileAccess, roots, { threadId: THREAD, files: set!.files, restoreOf: 'run_1' });
    assert.equal(report.files[0].outcome, 'failed');
    assert.equal((await read('a.txt')).toString(), 'a1');
  });

  it('does not change a file it could not record (the store is read-only)', async () => {
    await fs.writeFile(file('a.txt'), 'a0');
    const readOnly = join(base, 'readonly');
    await fs.mkdir(readOnly);
    await fs.writeFile(join(readOnly, 'checkpoints'), 'a file where the folder should be');
    const broken = new ChangeSetStore({ root: readOnly, maxFileBytes: () => 1024 });
    let wrote = false;
    await assert.rejects(
      broken.recorded(
        { threadId: THREAD, runId: 'run_1', source: 'edit_file' },
        { absolute: file('a.txt'), relative: 'a.txt' },
        Buffer.from('a0'),
        Buffer.from('a1'),
        async () => {
          wrote = true;
        },
      ),
    );
    assert.equal(wrote, false);
  });

  describe('hostile paths in a change set are refused, nothing outside is read or written', () => {
    const hostile = [
      (b: string) => join(b, 'outside', 'secret.txt'),
      (b: string) => `${b}/ws/../outside/secret.txt`,
      (b: string) => `${b}/ws/escape/secret.txt`, // a symlink swapped in after the run
      (b: string) => `${b}/ws/src/CON`,
      (b: string) => `${b}/ws/src/a.ts\0.txt`,
      (b: string) => `${b}/ws/src/.env.`,
    ];
    for (const [index, make] of hostile.entries()) {
      it(`hostile path ${index + 1}`, async () => {
        await fs.mkdir(join(base, 'outside'));
        await fs.writeFile(join(base, 'outside', 'secret.txt'), 'secret after');
        await fs.symlink(join(base, 'outside'), join(ws, 'escape'));
        const absolute = make(base);
        // A journal is data: write one whose entry names a hostile path, as a tampered or stale journal would.
        const pending = await store.begin(
          { threadId: THREAD, runId: 'run_1', source: 'edit_file' },
          { absolute, relative: 'x' },
          Buffer.from('secret before'),
          Buffer.from('secret after'),
        );
        await pending.done();
        const set = await store.changeSet(THREAD, 'run_1');
        const report = await restoreChanges(store, nodeFileAccess, roots, { threadId: THREAD, files: set!.files, restoreOf: 'run_1' });
        assert.equal(report.files[0].outcome, 'refused', report.files[0].detail);
        assert.equal(await fs.readFile(join(base, 'outside', 'secret.txt'), 'utf8'), 'secret after');
      });
    }
  });

  describe('the editor killed between recording a change and finishing it', () => {
    const WRITER = join(__dirname, 'fixtures', 'interruptedWriter.js');
    async function killedWriter(mode: 'write' | 'skip'): Promise<void> {
      const child = spawn(process.execPath, [WRITER, join(base, 'storage'), THREAD, file('a.txt'), 'a by the killed run', mode], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let errors = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
      await new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('ready\n')) resolve();
        });
        child.on('exit', () => reject(new Error(`writer exited early: ${errors}`)));
      });
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }

    it('finds a change that landed, says so once, and can undo it', async function () {
      this.timeout(30_000);
      await fs.writeFile(file('a.txt'), 'a0');
      await killedWriter('write');
      const restarted = new ChangeSetStore({ root: join(base, 'storage'), maxFileBytes: () => 1 << 20 });
      assert.deepEqual(await restarted.settleInterrupted(nodeFileAccess.read), [
        { threadId: THREAD, runId: 'run_killed', relative: 'a.txt', outcome: 'applied' },
      ]);
      assert.deepEqual(await restarted.settleInterrupted(nodeFileAccess.read), [], 'reported once');
      const set = await restarted.changeSet(THREAD, 'run_killed');
      const report = await restoreChanges(restarted, nodeFileAccess, roots, {
        threadId: THREAD,
        files: set!.files,
        restoreOf: 'run_killed',
      });
      assert.equal(report.files[0].outcome, 'restored');
      assert.equal((await read('a.txt')).toString(), 'a0');
    });

    it('finds a change that never landed and leaves it out of the change set', async function () {
      this.timeout(30_000);
      await fs.writeFile(file('a.txt'), 'a0');
      await killedWriter('skip');
      const restarted = new ChangeSetStore({ root: join(base, 'storage'), maxFileBytes: () => 1 << 20 });
      assert.deepEqual(
        (await restarted.settleInterrupted(nodeFileAccess.read)).map((c) => c.outcome),
        ['not_applied'],
      );
      assert.equal(await restarted.changeSet(THREAD, 'run_killed'), undefined);
      // The journal stays usable after the killed writer: new changes append cleanly.
      await toolWrite(restarted, 'run_2', file('a.txt'), Buffer.from('a2'));
      assert.equal((await restarted.changeSet(THREAD, 'run_2'))?.files.length, 1);
    });
  });
});
