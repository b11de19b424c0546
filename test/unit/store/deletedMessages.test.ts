import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { messageText } from '../../../src/core/domain/message';
import { StoreError } from '../../../src/core/domain/errors';
import { ThreadStore, type ThreadChange } from '../../../src/core/store/threadStore';
import { makeTempDir, RecordingLogger, removeTempDir, text } from './helpers';

/** Deleting a message appends a tombstone: every reader stops seeing it, and the log's earlier bytes never change. */
describe('ThreadStore: deleted messages', () => {
  let root: string;
  let store: ThreadStore;

  beforeEach(async () => {
    root = await makeTempDir();
    store = new ThreadStore({ root });
  });
  afterEach(async () => {
    store.dispose();
    await removeTempDir(root);
  });

  const logOf = (threadId: string) => join(root, 'threads', threadId, 'messages.jsonl');
  const texts = async (s: ThreadStore, threadId: string, query = {}) => (await s.listMessages(threadId, query)).data.map(messageText);

  /** A thread of `n` messages named m0, m1, …; returns its id and the messages. */
  async function threadOf(n: number) {
    const thread = await store.create();
    const messages = await store.appendMessages(
      thread.id,
      Array.from({ length: n }, (_, i) => text(`m${i}`)),
    );
    return { threadId: thread.id, messages };
  }

  it('leaves the message out of pages, reads and the newest messages, and keeps the log as it was', async () => {
    const { threadId, messages } = await threadOf(6);
    const before = await fs.readFile(logOf(threadId));
    const changes: ThreadChange[] = [];
    store.onDidChangeThreads((change) => changes.push(change));
    await store.hideMessage(threadId, messages[2].id);
    await store.hideMessage(threadId, messages[3].id);

    const after = await fs.readFile(logOf(threadId));
    assert.deepEqual(after.subarray(0, before.length), before, 'nothing written before is rewritten');
    assert.deepEqual(changes, [
      { type: 'updated', threadId, removedMessageIds: [messages[2].id] },
      { type: 'updated', threadId, removedMessageIds: [messages[3].id] },
    ]);
    assert.deepEqual(await texts(store, threadId, { order: 'asc', limit: 100 }), ['m0', 'm1', 'm4', 'm5']);
    await assert.rejects(
      store.getMessage(threadId, messages[2].id),
      (e: unknown) => e instanceof StoreError && e.code === 'message_not_found',
    );
    assert.deepEqual((await store.readNewest(threadId, 3)).map(messageText), ['m1', 'm4', 'm5'], 'reaches past deleted ones');
    assert.deepEqual(
      (await store.readMessagesAt(threadId, [1, 2, 4])).map((m) => m && messageText(m)),
      ['m1', undefined, 'm4'],
    );
    const newestFirst: string[] = [];
    for await (const message of store.messagesNewestFirst(threadId, 2)) newestFirst.push(messageText(message));
    assert.deepEqual(newestFirst, ['m5', 'm4', 'm1', 'm0']);
    await assert.rejects(store.updateMessage(threadId, messages[2].id, { metadata: { a: 'b' } }), StoreError);
    await assert.rejects(
      store.hideMessage(threadId, messages[2].id),
      (e: unknown) => e instanceof StoreError && e.code === 'message_not_found',
    );
  });

  it('fills pages past deleted messages in both orders and from either cursor; a deleted id still works as a cursor', async () => {
    const { threadId, messages } = await threadOf(8);
    for (const i of [2, 3, 5]) await store.hideMessage(threadId, messages[i].id);
    // Visible: m0 m1 m4 m6 m7.
    const asc = await store.listMessages(threadId, { order: 'asc', limit: 3 });
    assert.deepEqual(asc.data.map(messageText), ['m0', 'm1', 'm4']);
    assert.equal(asc.has_more, true);
    assert.deepEqual(await texts(store, threadId, { order: 'asc', limit: 3, after: asc.last_id! }), ['m6', 'm7']);
    assert.deepEqual(await texts(store, threadId, { order: 'desc', limit: 3 }), ['m7', 'm6', 'm4']);
    assert.deepEqual(await texts(store, threadId, { order: 'asc', limit: 2, before: messages[6].id }), ['m1', 'm4']);
    assert.deepEqual(await texts(store, threadId, { order: 'desc', limit: 2, before: messages[1].id }), ['m6', 'm4']);
    assert.deepEqual(await texts(store, threadId, { order: 'asc', limit: 10, after: messages[3].id }), ['m4', 'm6', 'm7']);
  });

  it('stays deleted for a new store instance and through an index rebuilt from the log', async () => {
    const { threadId, messages } = await threadOf(3);
    await store.updateMessage(threadId, messages[1].id, { content: text('m1, edited').content });
    await store.hideMessage(threadId, messages[1].id);
    await Promise.all(['messages.idx', 'runs.idx'].map((name) => fs.rm(join(root, 'threads', threadId, name))));
    const logger = new RecordingLogger();
    const reopened = new ThreadStore({ root, logger });
    assert.deepEqual(await texts(reopened, threadId, { order: 'asc' }), ['m0', 'm2']);
    assert.deepEqual(
      logger.warnings().filter((warning) => /corrupt|unreadable|Skipping records/.test(warning)),
      [],
      'a tombstone is a record this version knows',
    );
    reopened.dispose();
  });
});
