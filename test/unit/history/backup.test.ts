import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { ChangeSetStore } from '../../../src/core/checkpoints';
import { messageText } from '../../../src/core/domain/message';
import { BackupError, finishInterruptedRestores, restoreBackup, writeBackup } from '../../../src/core/history';
import { listStoreFiles } from '../../../src/core/history/storeFiles';
import { SearchIndex } from '../../../src/core/search';
import { AgentStore } from '../../../src/core/store/agentStore';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { makeTempDir, removeTempDir, sampleRun, sampleStep, text } from '../store/helpers';
import { rawTar } from './rawTar';

/** Every file a backup carries, path → bytes. */
async function storeContents(root: string): Promise<Map<string, Buffer>> {
  const files = await listStoreFiles(root);
  return new Map(await Promise.all(files.map(async (file) => [file.path, await fs.readFile(file.absolute)] as const)));
}

describe('backup and restore', () => {
  let dir: string;
  let source: string;
  let archive: string;
  let threads: ThreadStore;
  let threadId: string;

  beforeEach(async () => {
    dir = await makeTempDir();
    source = join(dir, 'source');
    archive = join(dir, 'backups', 'all.tar');
    threads = new ThreadStore({ root: source });
    const agents = new AgentStore(source, new Set());
    const agent = await agents.create({ name: 'Writer', model: { profile: 'p', name: 'm' }, instructions: 'Write.' });
    await agents.update(agent.id, { instructions: 'Write well.' });
    const thread = await threads.create({ title: 'Plans', agent_id: agent.id, messages: [text('hello'), text('hi there', 'assistant')] });
    threadId = thread.id;
    const run = { ...sampleRun(thread.id, 'completed'), id: 'run_backup0001' };
    await threads.saveRun(run);
    await threads.saveRunStep(sampleStep(thread.id, run.id, 'step_backup0001'));
    await threads.create({ title: 'Second', messages: [text('<img src=x onerror=alert(1)> **bold**')] });
    const changes = new ChangeSetStore({ root: source, maxFileBytes: () => 1 << 20 });
    const file = join(dir, 'ws', 'a.txt');
    await fs.mkdir(join(dir, 'ws'));
    await changes.recorded(
      { threadId: thread.id, runId: run.id, source: 'write_file' },
      { absolute: file, relative: 'a.txt' },
      undefined,
      Buffer.from('new'),
      () => fs.writeFile(file, 'new'),
    );
  });
  afterEach(async () => {
    threads.dispose();
    await removeTempDir(dir);
  });

  it('round trip: a restore into an empty store gives back every agent, log and change set byte for byte', async () => {
    const summary = await writeBackup({ root: source, destination: archive, extensionVersion: '9.9.9' });
    assert.equal(summary.threads, 2);
    assert.equal(summary.agents, 1);
    const target = join(dir, 'target');
    const result = await restoreBackup({ root: target, archive });
    assert.equal(result.threadsAdded.length, 2);
    assert.deepEqual(result.threadCopies, []);
    const before = await storeContents(source);
    const after = await storeContents(target);
    assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
    assert.ok(
      [...before.keys()].some((path) => path.startsWith('checkpoints/contents/')),
      'the change set is in the backup',
    );
    for (const [path, bytes] of before) assert.ok(after.get(path)?.equals(bytes), `${path} is the same byte for byte`);
    // The store opens the restored thread (its index is rebuilt from the log) and reads its messages and runs.
    const restored = new ThreadStore({ root: target });
    const page = await restored.listMessages(threadId, { order: 'asc' });
    assert.deepEqual(page.data.map(messageText), ['hello', 'hi there']);
    assert.equal((await restored.listRuns(threadId)).length, 1);
    restored.dispose();
    await assert.rejects(fs.access(join(target, 'restore-staging')), 'the staging folder is gone');
  });

  it('the archive is a tar any tool reads, ending with a manifest of every entry with its size and SHA-256', async () => {
    await writeBackup({ root: source, destination: archive, extensionVersion: '9.9.9', now: () => new Date('2026-01-02T03:04:05Z') });
    const { list } = await import('tar');
    const paths: string[] = [];
    let manifest = '';
    await list({
      file: archive,
      onReadEntry: (entry) => {
        paths.push(entry.path);
        if (entry.path === 'manifest.json') entry.on('data', (chunk: Buffer) => (manifest += chunk.toString('utf8')));
      },
    });
    assert.equal(paths[paths.length - 1], 'manifest.json');
    const parsed = JSON.parse(manifest) as {
      formatVersion: number;
      extensionVersion: string;
      createdAt: string;
      entries: { path: string }[];
    };
    assert.equal(parsed.formatVersion, 1);
    assert.equal(parsed.extensionVersion, '9.9.9');
    assert.equal(parsed.createdAt, '2026-01-02T03:04:05.000Z');
    assert.deepEqual(
      parsed.entries.map((entry) => entry.path),
      paths.slice(0, -1),
    );
  });

  it('a tampered entry is refused with its name, and nothing reaches the store', async () => {
    await writeBackup({ root: source, destination: archive, extensionVersion: '1' });
    const bytes = await fs.readFile(archive);
    const at = bytes.indexOf('hi there');
    assert.ok(at > 0);
    bytes.write('HI', at);
    await fs.writeFile(archive, bytes);
    const target = join(dir, 'target');
    await assert.rejects(restoreBackup({ root: target, archive }), (error: unknown) => {
      assert.ok(error instanceof BackupError);
      assert.equal(error.file, `threads/${threadId}/messages.jsonl`);
      assert.match(error.message, new RegExp(`threads/${threadId}/messages\\.jsonl failed its checksum`));
      return true;
    });
    assert.deepEqual(await storeContents(target), new Map());
    assert.deepEqual(await fs.readdir(target), [], 'no staging folder or lock is left behind');
  });

  for (const [what, entry, reason] of [
    ['a path with ..', { path: 'threads/../../evil.txt', body: 'x' }, /would leave the store/],
    ['an absolute path', { path: '/tmp/evil.txt', body: 'x' }, /would leave the store/],
    [
      'a symbolic link',
      { path: 'threads/thread_AAAAAAAAAAAA/messages.jsonl', type: 'SymbolicLink' as const, linkpath: '/etc/passwd' },
      /SymbolicLink/,
    ],
    ['a file a store does not hold', { path: 'extension.js', body: 'x' }, /not a file a thread store holds/],
  ] as const) {
    it(`an entry with ${what} is refused (no zip-slip), naming it, before anything is written`, async () => {
      const evil = join(dir, 'evil.tar');
      await fs.writeFile(evil, rawTar([entry]));
      const target = join(dir, 'target');
      await assert.rejects(restoreBackup({ root: target, archive: evil }), (error: unknown) => {
        assert.ok(error instanceof BackupError);
        assert.equal(error.file, entry.path);
        assert.match(error.message, reason);
        return true;
      });
      await assert.rejects(fs.access(join(dir, 'evil.txt')));
      await assert.rejects(fs.access('/tmp/evil.txt'));
      assert.deepEqual(await fs.readdir(target), []);
    });
  }

  it('restore merges: absent threads added, identical ones skipped, different ones kept both ways; twice adds nothing', async () => {
    await writeBackup({ root: source, destination: archive, extensionVersion: '1', now: () => new Date('2026-03-04T00:00:00Z') });
    // The target holds the same thread id with another history, and the second thread as it was backed up.
    const target = join(dir, 'target');
    const other = new ThreadStore({ root: target });
    await other.create({ id: threadId, title: 'Plans', messages: [text('a different start')] });
    const first = await restoreBackup({ root: target, archive });
    assert.equal(first.threadsAdded.length, 1, 'the second thread is added');
    assert.equal(first.threadCopies.length, 1);
    assert.equal(first.threadCopies[0].from, threadId);
    const copy = await other.get(first.threadCopies[0].id);
    assert.equal(copy.title, 'Plans (restored from backup 2026-03-04)');
    assert.deepEqual((await other.listMessages(copy.id, { order: 'asc' })).data.map(messageText), ['hello', 'hi there']);
    assert.ok((await other.listMessages(copy.id)).data.every((message) => message.thread_id === copy.id));
    assert.deepEqual((await other.listMessages(threadId)).data.map(messageText), ['a different start'], 'the store’s thread is untouched');

    const listed = (await other.list()).map((thread) => thread.id).sort();
    const second = await restoreBackup({ root: target, archive });
    assert.deepEqual(second.threadsAdded, []);
    assert.deepEqual(second.threadCopies, []);
    assert.equal(second.threadsPresent.length, 2);
    assert.equal(second.agentsAdded + second.agentCopies + second.changeFilesAdded, 0);
    assert.deepEqual((await other.list()).map((thread) => thread.id).sort(), listed, 'no duplicates');
    other.dispose();
  });

  it('an agent whose versions differ from the store’s is restored beside it under a new id, once', async () => {
    await writeBackup({ root: source, destination: archive, extensionVersion: '1', now: () => new Date('2026-03-04T00:00:00Z') });
    const agents = new AgentStore(source, new Set());
    const [agent] = await agents.list();
    // The store's version 2 is not the backed-up one: another history of the same agent.
    await fs.writeFile(join(source, 'agents', agent.id, 'v000002.json'), JSON.stringify({ ...agent, instructions: 'Something else.' }));
    const first = await restoreBackup({ root: source, archive });
    assert.equal(first.agentCopies, 1);
    const listed = await agents.list();
    const copy = listed.find((a) => a.id !== agent.id)!;
    assert.equal(copy.name, 'Writer (restored from backup 2026-03-04)');
    assert.equal(copy.instructions, 'Write well.');
    assert.equal((await agents.get(agent.id)).instructions, 'Something else.', 'the store’s agent is untouched');
    const second = await restoreBackup({ root: source, archive });
    assert.equal(second.agentCopies, 0);
    assert.equal((await agents.list()).length, 2);
  });

  it('threads a restore adds are found by an open search index once the store announces them', async () => {
    await writeBackup({ root: source, destination: archive, extensionVersion: '1' });
    const target = join(dir, 'target');
    const store = new ThreadStore({ root: target });
    const index = new SearchIndex({ root: target, store, saveDelayMs: 0 });
    await index.open();
    assert.deepEqual(await index.search('there'), []);
    const result = await restoreBackup({ root: target, archive });
    store.noticeAddedThreads(result.threadsAdded);
    const hits = await index.search('there');
    assert.deepEqual(
      hits.map((hit) => hit.threadId),
      [threadId],
    );
    assert.equal((await store.list()).length, 2);
    index.dispose();
    await index.flush();
    store.dispose();
  });

  it('a thread that went on after the backup is left as it is (its log starts with the backed-up one)', async () => {
    await writeBackup({ root: source, destination: archive, extensionVersion: '1' });
    await threads.appendMessage(threadId, text('later'));
    const before = await storeContents(source);
    const result = await restoreBackup({ root: source, archive });
    assert.equal(result.threadsPresent.length, 2);
    assert.deepEqual(result.threadCopies, []);
    assert.deepEqual(await storeContents(source), before);
  });

  it('a restore interrupted half-way is finished by the next start, with each thread whole', async () => {
    await writeBackup({ root: source, destination: archive, extensionVersion: '1' });
    const target = join(dir, 'target');
    const crash = new Error('killed');
    await assert.rejects(
      restoreBackup({
        root: target,
        archive,
        onMoved: (done) => {
          if (done === 1) throw crash; // the process dies after the first move
        },
      }),
      crash,
    );
    const half = await storeContents(target);
    assert.ok(half.size > 0 && half.size < (await storeContents(source)).size, 'the store holds part of the backup');
    assert.equal(await finishInterruptedRestores(target), 1);
    const before = await storeContents(source);
    const after = await storeContents(target);
    assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
    for (const [path, bytes] of before) assert.ok(after.get(path)?.equals(bytes), `${path} is the same byte for byte`);
    await assert.rejects(fs.access(join(target, 'restore-staging')));
  });

  it('a staging folder left before the merge began (a crash while unpacking) is removed on the next start', async () => {
    const target = join(dir, 'target');
    await fs.mkdir(join(target, 'restore-staging', '1-abc', 'data', 'threads'), { recursive: true });
    await fs.writeFile(join(target, 'restore-staging', '1-abc', 'data', 'threads', 'partial'), 'x');
    assert.equal(await finishInterruptedRestores(target), 0);
    assert.deepEqual(await fs.readdir(target), []);
  });
});
