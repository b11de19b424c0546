import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { copyId, mergeStore, recoverInterruptedMerges, type MergeTarget } from '../../../src/core/history';
import { messageText } from '../../../src/core/domain/message';
import { AgentStore } from '../../../src/core/store/agentStore';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { ChangeSetStore } from '../../../src/core/checkpoints';
import { makeTempDir, removeTempDir, text } from '../store/helpers';

const CRASHING_MERGE = join(__dirname, 'fixtures', 'crashingMerge.js');

function storeAt(root: string): MergeTarget & { root: string } {
  return { root, threads: new ThreadStore({ root }), agents: new AgentStore(root, new Set()) };
}

async function texts(store: ThreadStore, threadId: string): Promise<string[]> {
  return (await store.listMessages(threadId, { order: 'asc', limit: 100 })).data.map(messageText);
}

/** Copies a whole store folder, as another workspace identity of the same project would have it after a split. */
async function cloneStore(from: string, to: string): Promise<void> {
  await fs.cp(from, to, { recursive: true });
}

describe('mergeStore: threads of another store join this one', () => {
  let dir: string;
  let source: ReturnType<typeof storeAt>;
  let target: ReturnType<typeof storeAt>;

  beforeEach(async () => {
    dir = await makeTempDir();
    source = storeAt(join(dir, 'source'));
    target = storeAt(join(dir, 'target'));
  });
  afterEach(() => removeTempDir(dir));

  it('copies new threads and agents byte for byte, and a second merge changes nothing', async () => {
    const agent = await source.agents.create({ name: 'Helper', model: { profile: 'p', name: 'm' }, instructions: 'Help.' });
    const thread = await source.threads.create({ title: 'Plan', agent_id: agent.id, messages: [text('one'), text('two', 'assistant')] });
    await target.threads.create({ title: 'Mine', messages: [text('here')] });

    const first = await mergeStore(source.root, target);
    assert.deepEqual(first.threads.added, [thread.id]);
    assert.deepEqual(first.agents.added, [agent.id]);
    for (const file of ['messages.jsonl', 'thread.json']) {
      assert.deepEqual(
        await fs.readFile(join(target.root, 'threads', thread.id, file)),
        await fs.readFile(join(source.root, 'threads', thread.id, file)),
        `${file} is the same bytes`,
      );
    }
    assert.deepEqual(await texts(target.threads, thread.id), ['one', 'two']);
    assert.equal((await target.agents.get(agent.id)).name, 'Helper');
    assert.equal((await target.threads.list()).length, 2);

    const second = await mergeStore(source.root, target);
    assert.deepEqual(second.threads, { added: [], extended: [], unchanged: [thread.id], copied: [] });
    assert.deepEqual(second.agents, { added: [], extended: [], unchanged: [agent.id], copied: [] });
    assert.equal((await target.threads.list()).length, 2);
    assert.deepEqual(await fs.readdir(join(target.root, 'merging')), [], 'no journal is left behind');
  });

  it('the longer log wins when the shorter is its prefix, in either direction', async () => {
    const grew = await source.threads.create({ title: 'Grew there', messages: [text('a')] });
    const grewHere = await source.threads.create({ title: 'Grew here', messages: [text('x')] });
    await cloneStore(source.root, target.root);
    await source.threads.appendMessages(grew.id, [text('b'), text('c', 'assistant')]);
    await target.threads.appendMessage(grewHere.id, text('y'));

    const report = await mergeStore(source.root, target);
    assert.deepEqual(report.threads.extended, [grew.id]);
    assert.deepEqual(report.threads.unchanged, [grewHere.id]);
    assert.deepEqual(await texts(target.threads, grew.id), ['a', 'b', 'c']);
    assert.deepEqual(await texts(target.threads, grewHere.id), ['x', 'y']);
    assert.deepEqual(
      await fs.readFile(join(target.root, 'threads', grew.id, 'messages.jsonl')),
      await fs.readFile(join(source.root, 'threads', grew.id, 'messages.jsonl')),
    );
    assert.equal((await target.threads.list()).length, 2, 'each thread is kept once');
  });

  it('keeps both when the logs went on differently, names the copy, and a second merge finds the copy', async () => {
    const thread = await source.threads.create({ title: 'Split', messages: [text('common')] });
    await cloneStore(source.root, target.root);
    await source.threads.appendMessage(thread.id, text('there'));
    await target.threads.appendMessage(thread.id, text('here'));

    const report = await mergeStore(source.root, target, { copyLabel: 'from my-project' });
    const copy = copyId('thread', thread.id, 1);
    assert.deepEqual(report.threads.copied, [{ of: thread.id, id: copy }]);
    assert.deepEqual(await texts(target.threads, thread.id), ['common', 'here'], 'the target thread is untouched');
    assert.deepEqual(await texts(target.threads, copy), ['common', 'there']);
    assert.equal((await target.threads.get(copy)).title, 'Split (from my-project)');
    const copied = (await target.threads.listMessages(copy)).data;
    assert.ok(
      copied.every((message) => message.thread_id === copy),
      'the copy names itself in its records',
    );

    // The source goes on: the copy is continued, not copied again.
    await source.threads.appendMessage(thread.id, text('more'));
    const again = await mergeStore(source.root, target, { copyLabel: 'from my-project' });
    assert.deepEqual(again.threads.extended, [copy]);
    assert.deepEqual(again.threads.copied, []);
    assert.deepEqual(await texts(target.threads, copy), ['common', 'there', 'more']);
    assert.equal((await target.threads.list()).length, 2);
  });

  it('merges agents by their versions: new versions follow, changed ones are kept as a renamed copy', async () => {
    const shared = await source.agents.create({ name: 'Shared', model: { profile: 'p', name: 'm' }, instructions: 'v1' });
    const split = await source.agents.create({ name: 'Split', model: { profile: 'p', name: 'm' }, instructions: 'v1' });
    await cloneStore(source.root, target.root);
    await source.agents.update(shared.id, { instructions: 'v2' });
    await source.agents.update(split.id, { instructions: 'there' });
    await target.agents.update(split.id, { instructions: 'here' });

    const report = await mergeStore(source.root, target, { copyLabel: 'from elsewhere' });
    assert.deepEqual(report.agents.extended, [shared.id]);
    assert.equal((await target.agents.get(shared.id)).instructions, 'v2');
    const copy = copyId('asst', split.id, 1);
    assert.deepEqual(report.agents.copied, [{ of: split.id, id: copy }]);
    assert.equal((await target.agents.get(split.id)).instructions, 'here');
    const copied = await target.agents.get(copy);
    assert.deepEqual([copied.id, copied.name, copied.instructions], [copy, 'Split (from elsewhere)', 'there']);
  });

  it('brings the checkpoints along: contents and change journals', async () => {
    const thread = await source.threads.create({ title: 'Edits' });
    const changes = new ChangeSetStore({ root: source.root, maxFileBytes: () => 1 << 20 });
    const file = join(dir, 'a.txt');
    await changes.recorded(
      { threadId: thread.id, runId: 'run_0000000000000001', source: 'edit_file' },
      { absolute: file, relative: 'a.txt' },
      Buffer.from('before'),
      Buffer.from('after'),
      async () => undefined,
    );
    const report = await mergeStore(source.root, target);
    assert.deepEqual(report.checkpoints, { contents: 2, journals: 1 });
    const merged = new ChangeSetStore({ root: target.root, maxFileBytes: () => 1 << 20 });
    const [set] = await merged.changeSets(thread.id);
    assert.equal((await merged.contents.get(set.files[0].after!.hash)).toString(), 'after');
  });

  it('a merge killed half-way is finished at the next start, and loses nothing', async function () {
    this.timeout(60_000);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await source.threads.create({ title: `T${i}`, messages: [text(`m${i}`)] })).id);
    const long = ids[0];
    await cloneStore(source.root, target.root);
    // A tail longer than one read chunk (1 MiB), so the crash lands between two writes of one append.
    const big = 'x'.repeat(8_000);
    for (let batch = 0; batch < 4; batch++)
      await source.threads.appendMessages(
        long,
        Array.from({ length: 50 }, (_, i) => text(`${batch}-${i} ${big}`)),
      );
    const fresh = (await source.threads.create({ title: 'New', messages: [text('new')] })).id;
    const before = await fs.stat(join(target.root, 'threads', long, 'messages.jsonl'));

    const child = spawn(process.execPath, [CRASHING_MERGE, source.root, target.root, 'appending', '1'], { stdio: 'pipe' });
    const [, signal] = (await once(child, 'exit')) as [number | null, string | null];
    assert.equal(signal, 'SIGKILL', 'the merge was killed');
    const half = await fs.stat(join(target.root, 'threads', long, 'messages.jsonl'));
    assert.ok(half.size > before.size, 'part of the append was written before the crash');
    assert.equal((await fs.readdir(join(target.root, 'merging'))).length, 1, 'the journal of the interrupted merge is there');

    const reopened = storeAt(target.root);
    const [recovered] = await recoverInterruptedMerges(reopened);
    assert.equal(recovered.outcome, 'finished');
    assert.deepEqual(
      await fs.readFile(join(target.root, 'threads', long, 'messages.jsonl')),
      await fs.readFile(join(source.root, 'threads', long, 'messages.jsonl')),
    );
    assert.equal((await reopened.threads.get(long)).message_count, 201);
    assert.deepEqual(await texts(reopened.threads, fresh), ['new']);
    assert.deepEqual(await fs.readdir(join(target.root, 'merging')), []);
    const again = await mergeStore(source.root, reopened);
    assert.deepEqual(again.threads.unchanged.sort(), [...ids, fresh].sort(), 'nothing is left to merge');
  });

  it('a merge killed half-way whose source is gone is rolled back: the log is cut back to what it was', async function () {
    this.timeout(60_000);
    const thread = (await source.threads.create({ title: 'T', messages: [text('m')] })).id;
    await cloneStore(source.root, target.root);
    const big = 'y'.repeat(8_000);
    for (let batch = 0; batch < 4; batch++)
      await source.threads.appendMessages(
        thread,
        Array.from({ length: 50 }, (_, i) => text(`${batch}-${i} ${big}`)),
      );
    const original = await fs.readFile(join(target.root, 'threads', thread, 'messages.jsonl'));

    const child = spawn(process.execPath, [CRASHING_MERGE, source.root, target.root, 'appending', '1'], { stdio: 'pipe' });
    await once(child, 'exit');
    await fs.rm(source.root, { recursive: true }); // a backup's unpacked copy, say, removed with its temp folder

    const reopened = storeAt(target.root);
    const [recovered] = await recoverInterruptedMerges(reopened);
    assert.equal(recovered.outcome, 'rolled_back');
    assert.deepEqual(await fs.readFile(join(target.root, 'threads', thread, 'messages.jsonl')), original);
    assert.deepEqual(await texts(reopened.threads, thread), ['m']);
  });

  it('refuses to merge a store into itself', async () => {
    await assert.rejects(mergeStore(target.root, target), /into itself/);
  });
});
