import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { messageText } from '../../../src/core/domain/message';
import { newId } from '../../../src/core/domain/ids';
import { ThreadStore, type ThreadChange } from '../../../src/core/store/threadStore';
import { makeTempDir, removeTempDir, sampleRun, sampleStep, text } from './helpers';

describe('ThreadStore', () => {
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

  it('creates a thread with initial messages and metadata, and reads it back from a new instance', async () => {
    const created = await store.create({ title: 'Plan', metadata: { topic: 'x' }, messages: [text('one'), text('two', 'assistant')] });
    assert.match(created.id, /^thread_[A-Za-z0-9]+$/);
    assert.equal(created.message_count, 2);
    const reopened = new ThreadStore({ root });
    const thread = await reopened.get(created.id);
    assert.equal(thread.title, 'Plan');
    assert.deepEqual(thread.metadata, { topic: 'x' });
    const page = await reopened.listMessages(created.id, { order: 'asc' });
    assert.deepEqual(page.data.map(messageText), ['one', 'two']);
    assert.equal(page.data[1].role, 'assistant');
  });

  it('lists threads by most recent activity and renames them', async () => {
    const a = await store.create({ title: 'A', created_at: 100 });
    const b = await store.create({ title: 'B', created_at: 200 });
    assert.deepEqual(
      (await store.list()).map((t) => t.id),
      [b.id, a.id],
    );
    await store.appendMessage(a.id, text('bump'));
    assert.deepEqual(
      (await store.list()).map((t) => t.id),
      [a.id, b.id],
    );
    await store.rename(b.id, 'Renamed');
    assert.equal((await store.get(b.id)).title, 'Renamed');
  });

  it('fires change events instead of needing polling', async () => {
    const changes: ThreadChange[] = [];
    const appended: string[] = [];
    store.onDidChangeThreads((change) => changes.push(change));
    const subscription = store.onDidAppendMessage((e) => appended.push(...e.messages.map(messageText)));
    const thread = await store.create();
    await store.appendMessage(thread.id, text('hello'));
    subscription.dispose();
    await store.appendMessage(thread.id, text('unheard'));
    await store.delete(thread.id);
    assert.deepEqual(appended, ['hello']);
    assert.deepEqual(
      changes.map((c) => c.type),
      ['created', 'updated', 'updated', 'deleted'],
    );
  });

  it('keeps history when a message is updated and reads the latest version everywhere', async () => {
    const thread = await store.create({ messages: [text('q')] });
    const draft = await store.appendMessage(thread.id, { ...text('partial', 'assistant'), status: 'in_progress' });
    await store.appendMessage(thread.id, text('next'));
    const updated = await store.updateMessage(thread.id, draft.id, {
      status: 'completed',
      content: [{ type: 'text', text: { value: 'final' } }],
    });
    assert.equal(updated.status, 'completed');
    const reopened = new ThreadStore({ root });
    assert.equal(messageText(await reopened.getMessage(thread.id, draft.id)), 'final');
    assert.deepEqual((await reopened.readNewest(thread.id, 2)).map(messageText), ['final', 'next']);
    assert.equal((await reopened.get(thread.id)).message_count, 3);
    const log = await fs.readFile(join(root, 'threads', thread.id, 'messages.jsonl'), 'utf8');
    assert.ok(log.includes('"partial"'), 'the first version stays in the log');
  });

  it('reads the newest messages from the end, in either chunked or bounded form', async () => {
    const thread = await store.create();
    await store.appendMessages(
      thread.id,
      Array.from({ length: 120 }, (_, i) => text(`m${i}`)),
    );
    assert.deepEqual((await store.readNewest(thread.id, 3)).map(messageText), ['m117', 'm118', 'm119']);
    const newestFirst: string[] = [];
    for await (const message of store.messagesNewestFirst(thread.id, 7)) newestFirst.push(messageText(message));
    assert.equal(newestFirst.length, 120);
    assert.equal(newestFirst[0], 'm119');
    assert.equal(newestFirst[119], 'm0');
  });

  it('reads messages by ordinal in the order asked, in their latest version, skipping ordinals past the end', async () => {
    const thread = await store.create();
    const messages = await store.appendMessages(
      thread.id,
      Array.from({ length: 50 }, (_, i) => text(`m${i}`)),
    );
    await store.updateMessage(thread.id, messages[7].id, { content: [{ type: 'text', text: { value: 'm7 edited' } }] });
    const read = await new ThreadStore({ root }).readMessagesAt(thread.id, [49, 7, 8, 0, 9, 50, -1, 7, 1.5]);
    assert.deepEqual(
      read.map((m) => (m ? messageText(m) : undefined)),
      ['m49', 'm7 edited', 'm8', 'm0', 'm9', undefined, undefined, 'm7 edited', undefined],
    );
    assert.deepEqual(await store.readMessagesAt(thread.id, []), []);
    await assert.rejects(store.readMessagesAt('thread_nosuchthread', [0]), { code: 'thread_not_found' });
  });

  it('reads by ordinal through an index it has to rebuild first', async () => {
    const thread = await store.create({ messages: [text('a'), text('b'), text('c')] });
    await fs.writeFile(join(root, 'threads', thread.id, 'messages.idx'), 'not an index');
    const read = await new ThreadStore({ root }).readMessagesAt(thread.id, [2, 0]);
    assert.deepEqual(
      read.map((m) => (m ? messageText(m) : undefined)),
      ['c', 'a'],
    );
  });

  it('keeps the latest snapshot of each run and its steps', async () => {
    const thread = await store.create();
    const runId = newId('run');
    await store.saveRun({ ...sampleRun(thread.id, 'queued'), id: runId });
    await store.saveRun({
      ...sampleRun(thread.id, 'completed'),
      id: runId,
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    });
    const other = await store.saveRun({ ...sampleRun(thread.id, 'failed'), id: newId('run') });
    const step = await store.saveRunStep(sampleStep(thread.id, runId, newId('step')));
    const reopened = new ThreadStore({ root });
    assert.equal((await reopened.getRun(thread.id, runId)).status, 'completed');
    assert.deepEqual(
      (await reopened.listRuns(thread.id)).map((r) => [r.id, r.status]),
      [
        [runId, 'completed'],
        [other.id, 'failed'],
      ],
    );
    assert.deepEqual(
      (await reopened.listRunSteps(thread.id, runId)).map((s) => s.id),
      [step.id],
    );
    await assert.rejects(reopened.getRun(thread.id, newId('run')), { code: 'run_not_found' });
  });

  it('saves a step and its message in one write, announces both, and writes neither past the message limit', async () => {
    const small = new ThreadStore({ root, maxMessagesPerThread: 2 });
    const thread = await small.create({ messages: [text('1')] });
    const runId = newId('run');
    const logPath = join(root, 'threads', thread.id, 'messages.jsonl');
    const heard: string[] = [];
    small.onDidSaveRunStep(({ step }) => heard.push(`step ${step.id}`));
    small.onDidAppendMessage(({ messages }) => heard.push(`message ${messageText(messages[0])}`));
    const step = sampleStep(thread.id, runId, newId('step'));
    const message = await small.saveRunStepWithMessage(step, text('2', 'assistant'));
    assert.deepEqual(heard, [`step ${step.id}`, 'message 2']);
    const reopened = new ThreadStore({ root });
    assert.deepEqual(
      (await reopened.listRunSteps(thread.id, runId)).map((s) => s.id),
      [step.id],
    );
    assert.equal((await reopened.getMessage(thread.id, message.id)).role, 'assistant');

    const sizeBefore = (await fs.stat(logPath)).size;
    const refused = sampleStep(thread.id, runId, newId('step'));
    await assert.rejects(small.saveRunStepWithMessage(refused, text('3', 'assistant')), { code: 'thread_message_limit' });
    assert.equal((await fs.stat(logPath)).size, sizeBefore, 'nothing written, not even the step');
    assert.deepEqual(
      (await small.listRunSteps(thread.id, runId)).map((s) => s.id),
      [step.id],
    );
    small.dispose();
  });

  it('refuses the message past the limit and changes nothing', async () => {
    const small = new ThreadStore({ root, maxMessagesPerThread: 5 });
    const thread = await small.create({ messages: [text('1'), text('2'), text('3'), text('4')] });
    await assert.rejects(small.appendMessages(thread.id, [text('5'), text('6')]), { code: 'thread_message_limit' });
    await small.appendMessage(thread.id, text('5'));
    await assert.rejects(small.appendMessage(thread.id, text('6')), { code: 'thread_message_limit' });
    const logPath = join(root, 'threads', thread.id, 'messages.jsonl');
    const sizeBefore = (await fs.stat(logPath)).size;
    await assert.rejects(small.appendMessage(thread.id, text('7')), { code: 'thread_message_limit' });
    assert.equal((await fs.stat(logPath)).size, sizeBefore);
    assert.equal((await small.get(thread.id)).message_count, 5);
  });

  it('holds the real limit of 100,000 messages', async function () {
    this.timeout(30_000);
    const thread = await store.create();
    const batch = Array.from({ length: 10_000 }, (_, i) => text(`m${i}`));
    for (let i = 0; i < 10; i++) await store.appendMessages(thread.id, batch);
    await assert.rejects(store.appendMessage(thread.id, text('one too many')), { code: 'thread_message_limit' });
    assert.equal((await store.get(thread.id)).message_count, 100_000);
  });

  it('rejects hostile ids before touching the file system', async () => {
    const outside = join(root, 'outside');
    await fs.mkdir(outside);
    const hostile = ['../x', '/etc/passwd', outside, 'thread_../../x', 'thread_abc\u0000defgh', 'thread_', '', 'msg_abcdefgh12'];
    for (const id of hostile) {
      await assert.rejects(store.get(id), { code: 'invalid_id' }, id);
      await assert.rejects(store.delete(id), { code: 'invalid_id' }, id);
      await assert.rejects(store.appendMessage(id, text('x')), { code: 'invalid_id' }, id);
    }
    await assert.rejects(store.create({ id: '../../escape' }), { code: 'invalid_id' });
    await fs.access(outside);
  });

  it('reports unknown threads, messages and cursors with their own codes', async () => {
    const thread = await store.create({ messages: [text('a')] });
    await assert.rejects(store.get(newId('thread')), { code: 'thread_not_found' });
    await assert.rejects(store.appendMessage(newId('thread'), text('x')), { code: 'thread_not_found' });
    await assert.rejects(store.getMessage(thread.id, newId('msg')), { code: 'message_not_found' });
    await assert.rejects(store.listMessages(thread.id, { after: newId('msg') }), { code: 'invalid_cursor' });
    await assert.rejects(store.listMessages(thread.id, { limit: 101 }), { code: 'invalid_cursor' });
    await assert.rejects(store.appendMessage(thread.id, { role: 'system' as 'user', content: [] }), { code: 'invalid_message' });
  });

  it('deletes only the thread folder', async () => {
    const keep = await store.create({ messages: [text('keep')] });
    const drop = await store.create({ messages: [text('drop')] });
    await store.delete(drop.id);
    await assert.rejects(store.get(drop.id), { code: 'thread_not_found' });
    assert.deepEqual(
      (await store.list()).map((t) => t.id),
      [keep.id],
    );
    await assert.rejects(store.delete(drop.id), { code: 'thread_not_found' });
  });
});
