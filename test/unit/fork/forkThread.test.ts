import assert from 'node:assert/strict';
import type { Message, MessageInput } from '../../../src/core/domain/message';
import { messageText } from '../../../src/core/domain/message';
import { editAndResend, forkThread, retryFromAnswer } from '../../../src/core/fork';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { freshThreadStore } from '../store/helpers';

function text(role: 'user' | 'assistant', value: string): MessageInput {
  return { role, content: [{ type: 'text', text: { value } }] };
}

async function all(store: ThreadStore, threadId: string): Promise<Message[]> {
  const out: Message[] = [];
  for await (const message of store.messagesNewestFirst(threadId)) out.push(message);
  return out.reverse();
}

describe('forkThread and editAndResend', () => {
  const fresh = freshThreadStore();
  let store: ThreadStore;
  beforeEach(() => {
    store = fresh.store;
  });

  it('copies the history up to and including the message into a new thread, leaving the source as it was', async () => {
    const source = await store.create({
      title: 'Design',
      agent_id: 'asst_12345678',
      messages: [text('user', 'one'), text('assistant', 'two'), text('user', 'three'), text('assistant', 'four')],
    });
    const before = await all(store, source.id);
    const fork = await forkThread(store, source.id, before[2].id);
    assert.notEqual(fork.id, source.id);
    assert.equal(fork.title, 'Design (fork)');
    assert.equal(fork.agent_id, 'asst_12345678');
    assert.equal(fork.metadata.forked_from, `${source.id}/${before[2].id}`);
    const copied = await all(store, fork.id);
    assert.deepEqual(copied.map(messageText), ['one', 'two', 'three']);
    assert.deepEqual(
      copied.map((m) => m.role),
      ['user', 'assistant', 'user'],
    );
    assert.deepEqual(
      copied.map((m) => m.created_at),
      before.slice(0, 3).map((m) => m.created_at),
    );
    for (const message of copied) assert.ok(!before.some((b) => b.id === message.id), 'copies get new ids');
    assert.deepEqual(await all(store, source.id), before);
    assert.equal((await forkThread(store, source.id, before[0].id, { title: 'Mine' })).title, 'Mine');
  });

  it('forks a long thread in batches, stopping at the message', async () => {
    const source = await store.create({ title: 'Long' });
    await store.appendMessages(
      source.id,
      Array.from({ length: 2_500 }, (_, i) => text(i % 2 ? 'assistant' : 'user', `m${i}`)),
    );
    const target = (await store.listMessages(source.id, { order: 'asc', after: undefined, limit: 1 })).data[0];
    const at = (await store.readNewest(source.id, 700))[0]; // message #1800
    let appends = 0;
    store.onDidAppendMessage(({ threadId }) => threadId !== source.id && appends++);
    const fork = await forkThread(store, source.id, at.id, { batchSize: 500 });
    assert.equal(fork.message_count, 1_801);
    assert.equal(appends, 4, '1,801 messages in batches of 500 (pages of 100) are four appends');
    const newest = await store.readNewest(fork.id, 1);
    assert.equal(messageText(newest[0]), 'm1800');
    assert.equal(messageText((await store.listMessages(fork.id, { order: 'asc', limit: 1 })).data[0]), messageText(target));
  });

  it('refuses unknown messages without creating a thread', async () => {
    const source = await store.create({ messages: [text('user', 'hi')] });
    await assert.rejects(forkThread(store, source.id, 'msg_doesnotexist1'), { code: 'message_not_found' });
    await assert.rejects(forkThread(store, 'thread_doesnotexist', 'msg_doesnotexist1'), { code: 'thread_not_found' });
    assert.equal((await store.list()).length, 1);
  });

  it('edit and resend forks up to the message before and appends the edited text, keeping non-text parts', async () => {
    const source = await store.create({ title: 'Q', messages: [text('user', 'first'), text('assistant', 'answer')] });
    const question = await store.appendMessage(source.id, {
      role: 'user',
      content: [
        { type: 'text', text: { value: 'what is 2+2' } },
        { type: 'file_ref', path: 'src/a.ts' },
      ],
    });
    await store.appendMessage(source.id, text('assistant', 'five'));
    const { thread, message } = await editAndResend(store, source.id, question.id, 'what is 2+3');
    const copied = await all(store, thread.id);
    assert.deepEqual(copied.map(messageText), ['first', 'answer', 'what is 2+3']);
    assert.equal(copied[2].id, message.id);
    assert.deepEqual(message.content[1], { type: 'file_ref', path: 'src/a.ts' });
    assert.equal(message.metadata?.edited_from, `${source.id}/${question.id}`);
    assert.equal(thread.metadata.forked_from, `${source.id}/${question.id}`);
    assert.deepEqual((await all(store, source.id)).map(messageText), ['first', 'answer', 'what is 2+2', 'five']);
  });

  it('edit and resend of the first message starts from an empty history, and refuses assistant messages and empty text', async () => {
    const source = await store.create({ messages: [text('user', 'first'), text('assistant', 'answer')] });
    const [first, answer] = await all(store, source.id);
    const { thread } = await editAndResend(store, source.id, first.id, 'better first');
    assert.deepEqual((await all(store, thread.id)).map(messageText), ['better first']);
    await assert.rejects(editAndResend(store, source.id, answer.id, 'x'), { code: 'invalid_message', message: /Only your own messages/ });
    await assert.rejects(editAndResend(store, source.id, first.id, '  '), { code: 'invalid_message', message: /empty/ });
    assert.equal((await store.list()).length, 2);
  });

  it('retry forks up to the user message before the answer (past its tool rounds), leaving the source and its answer as they were', async () => {
    const source = await store.create({
      title: 'Maths',
      messages: [
        text('user', 'one'),
        text('assistant', 'two'),
        text('user', 'what is 2+2'),
        text('assistant', 'reading'),
        text('assistant', 'five'),
      ],
    });
    const messages = await all(store, source.id);
    const { thread, question } = await retryFromAnswer(store, source.id, messages[4].id);
    assert.equal(thread.title, 'Maths (retry)');
    assert.equal(question.id, messages[2].id);
    assert.equal(thread.metadata.forked_from, `${source.id}/${messages[4].id}`);
    assert.deepEqual((await all(store, thread.id)).map(messageText), ['one', 'two', 'what is 2+2']);
    assert.deepEqual((await all(store, source.id)).map(messageText), ['one', 'two', 'what is 2+2', 'reading', 'five']);
  });

  it("retry refuses the user's own messages and an answer with no question before it, creating nothing", async () => {
    const source = await store.create({ messages: [text('assistant', 'hello first'), text('user', 'hi')] });
    const [greeting, mine] = await all(store, source.id);
    await assert.rejects(retryFromAnswer(store, source.id, mine.id), { code: 'invalid_message', message: /Edit and Resend/ });
    await assert.rejects(retryFromAnswer(store, source.id, greeting.id), { code: 'message_not_found' });
    assert.equal((await store.list()).length, 1);
  });
});
