import * as assert from 'node:assert/strict';
import { pageAround } from '../../../src/vscode/views/messagePages';
import { freshThreadStore, text } from '../store/helpers';

describe('the page of a thread around a message (a search result)', () => {
  const current = freshThreadStore();

  async function threadOf(count: number): Promise<{ threadId: string; ids: string[] }> {
    const thread = await current.store.create({
      messages: Array.from({ length: count }, (_, i) => text(`Message ${i}`, i % 2 ? 'assistant' : 'user')),
    });
    const page = await current.store.listMessages(thread.id, { order: 'asc', limit: 100 });
    return { threadId: thread.id, ids: page.data.map((m) => m.id) };
  }

  it('holds the message with the messages just before and after it, in order, and says what lies beyond', async () => {
    const { threadId, ids } = await threadOf(100);
    const page = await pageAround(current.store, threadId, { messageId: ids[40], query: 'message 4' });
    assert.ok(page?.position === 'around');
    assert.deepEqual(
      page.messages.map((m) => m.text),
      Array.from({ length: 51 }, (_, i) => `Message ${15 + i}`),
    );
    assert.deepEqual([page.hasOlder, page.hasNewer], [true, true]);
    assert.deepEqual(page.reveal, { messageId: ids[40], words: ['message'], prefix: '4' });
  });

  it('reaches the ends of the thread: nothing older for the oldest messages, nothing newer for the newest', async () => {
    const { threadId, ids } = await threadOf(30);
    const oldest = await pageAround(current.store, threadId, { messageId: ids[2], query: '' });
    assert.deepEqual([oldest?.messages[0].id, oldest?.hasOlder, oldest?.hasNewer], [ids[0], false, true]);
    const newest = await pageAround(current.store, threadId, { messageId: ids[29], query: '' });
    assert.deepEqual([newest?.messages.at(-1)?.id, newest?.hasOlder, newest?.hasNewer], [ids[29], true, false]);
    assert.deepEqual(newest?.reveal, { messageId: ids[29], words: [], prefix: '' });
  });

  it('is undefined for a message no longer in the thread', async () => {
    const { threadId } = await threadOf(3);
    assert.equal(await pageAround(current.store, threadId, { messageId: 'msg_gone000000000001', query: 'x' }), undefined);
  });
});
