import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { messageText } from '../../../src/core/domain/message';
import { AgentStore } from '../../../src/core/store/agentStore';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { makeTempDir, RecordingLogger, removeTempDir, runningAsRoot, text } from './helpers';

describe('ThreadStore recovery from damaged storage', () => {
  let root: string;
  let threadId: string;
  let logPath: string;
  let indexPath: string;

  beforeEach(async () => {
    root = await makeTempDir();
    const store = new ThreadStore({ root });
    threadId = (await store.create({ messages: ['a', 'b', 'c', 'd'].map((v) => text(v)) })).id;
    logPath = join(root, 'threads', threadId, 'messages.jsonl');
    indexPath = join(root, 'threads', threadId, 'messages.idx');
  });
  afterEach(() => removeTempDir(root));

  async function texts(store: ThreadStore): Promise<string[]> {
    return (await store.listMessages(threadId, { order: 'asc', limit: 100 })).data.map(messageText);
  }

  it('drops a torn last line, reports it once, and appends after it cleanly', async () => {
    await fs.appendFile(logPath, '{"t":"message","at":1,"message":{"id":"msg_torn');
    const logger = new RecordingLogger();
    const store = new ThreadStore({ root, logger });
    assert.deepEqual(await texts(store), ['a', 'b', 'c', 'd']);
    await store.appendMessage(threadId, text('e'));
    assert.deepEqual(await texts(new ThreadStore({ root })), ['a', 'b', 'c', 'd', 'e']);
    const torn = logger.warnings().filter((w) => w.includes('incomplete last record'));
    assert.equal(torn.length, 1);
    assert.ok(torn[0].includes(logPath));
  });

  it('rebuilds the index when the log is edited by hand under a store that has it open', async () => {
    const logger = new RecordingLogger();
    const store = new ThreadStore({ root, logger });
    await store.appendMessage(threadId, text('e')); // this store has written to the thread: it trusts its index
    // A line inserted near the start shifts every later record; the log only looks longer, as when another
    // window is mid-append, so the size check alone would keep serving the old offsets.
    const lines = (await fs.readFile(logPath, 'utf8')).split('\n');
    lines.splice(1, 0, '\u0000 garbage typed into the log');
    await fs.writeFile(logPath, lines.join('\n'));
    assert.deepEqual(await texts(store), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual((await store.readNewest(threadId, 2)).map(messageText), ['d', 'e']);
    assert.ok(
      logger.warnings().some((w) => w.includes('does not match the log') && w.includes(logPath)),
      logger.warnings().join('\n'),
    );
    await store.appendMessage(threadId, text('f'));
    assert.deepEqual(await texts(new ThreadStore({ root })), ['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('skips a corrupt line in the middle with a warning naming the file and line', async () => {
    const lines = (await fs.readFile(logPath, 'utf8')).split('\n');
    lines[1] = '{"t":"message", garbage';
    await fs.writeFile(logPath, lines.join('\n'));
    await fs.rm(indexPath);
    const logger = new RecordingLogger();
    const store = new ThreadStore({ root, logger });
    assert.deepEqual(await texts(store), ['a', 'c', 'd']);
    assert.ok(
      logger.warnings().some((w) => w.includes(logPath) && w.includes('line 2')),
      logger.warnings().join('\n'),
    );
  });

  it('rebuilds a missing index', async () => {
    await fs.rm(indexPath);
    await fs.rm(join(root, 'threads', threadId, 'runs.idx'));
    const store = new ThreadStore({ root });
    assert.deepEqual(await texts(store), ['a', 'b', 'c', 'd']);
    assert.equal((await store.get(threadId)).message_count, 4);
  });

  it('extends an index that stopped short of the log (a writer died between log and index)', async () => {
    const before = await fs.readFile(indexPath);
    await new ThreadStore({ root }).appendMessages(threadId, [text('e'), text('f')]);
    await fs.writeFile(indexPath, before);
    assert.deepEqual(await texts(new ThreadStore({ root })), ['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('rebuilds an index that claims more log than there is', async () => {
    const store = new ThreadStore({ root });
    const lastLine = (await fs.readFile(logPath, 'utf8')).trimEnd().split('\n').pop() ?? '';
    await fs.truncate(logPath, (await fs.stat(logPath)).size - lastLine.length - 1);
    const logger = new RecordingLogger();
    assert.deepEqual(await texts(new ThreadStore({ root, logger })), ['a', 'b', 'c']);
    assert.ok(logger.warnings().some((w) => w.includes('rebuilding')));
    await store.appendMessage(threadId, text('z'));
    assert.deepEqual(await texts(store), ['a', 'b', 'c', 'z']);
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const lockFolder = `${logPath}.lock`;
    await fs.mkdir(lockFolder);
    // A pid far above any real one on this machine stands for a process that died holding the lock.
    await fs.writeFile(join(lockFolder, 'owner'), `${hostname()}\n2147483646\n`);
    const store = new ThreadStore({ root, lockTimeoutMs: 2_000 });
    await store.appendMessage(threadId, text('after takeover'));
    assert.deepEqual((await texts(store)).slice(-1), ['after takeover']);
  });

  it('takes over a lock nobody refreshed for longer than the stale time', async () => {
    const lockFolder = `${logPath}.lock`;
    await fs.mkdir(lockFolder);
    const longAgo = new Date(Date.now() - 60_000);
    await fs.utimes(lockFolder, longAgo, longAgo);
    const store = new ThreadStore({ root, lockTimeoutMs: 2_000 });
    await store.appendMessage(threadId, text('after stale'));
    assert.deepEqual((await texts(store)).slice(-1), ['after stale']);
  });

  it('fails with thread_locked while a live holder keeps the lock', async () => {
    const lockFolder = `${logPath}.lock`;
    await fs.mkdir(lockFolder);
    await fs.writeFile(join(lockFolder, 'owner'), `${hostname()}\n${process.ppid}\n`);
    const store = new ThreadStore({ root, lockTimeoutMs: 200 });
    await assert.rejects(store.appendMessage(threadId, text('blocked')), { code: 'thread_locked' });
  });

  it('reports an unwritable storage folder with a clear code and the folder name', async () => {
    // As root, chmod does not stop writes, so put a file where the storage folder should be instead.
    const blocked = join(root, 'not-a-folder');
    await fs.writeFile(blocked, 'x');
    const store = new ThreadStore({ root: blocked });
    await assert.rejects(
      store.create(),
      (err: Error & { code?: string }) => err.code === 'storage_unwritable' && err.message.includes(blocked),
    );
    const agents = new AgentStore(blocked, new Set());
    await assert.rejects(agents.create({ name: 'a', model: { profile: 'p', name: 'm' } }), { code: 'storage_unwritable' });
    if (!runningAsRoot) {
      const readOnly = join(root, 'read-only');
      await fs.mkdir(readOnly, { mode: 0o555 });
      await assert.rejects(new ThreadStore({ root: readOnly }).create(), { code: 'storage_unwritable' });
    }
    // The real storage folder still opens fine afterwards.
    assert.deepEqual(await texts(new ThreadStore({ root })), ['a', 'b', 'c', 'd']);
  });
});
