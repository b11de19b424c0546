import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { MessageInput } from '../../../src/core/domain/message';
import { SearchIndex } from '../../../src/core/search';
import type { ThreadPostingsFile } from '../../../src/core/search/threadPostings';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { makeTempDir, removeTempDir } from '../store/helpers';

/** A thread's saved index file. */
async function readSaved(root: string, threadId: string): Promise<ThreadPostingsFile> {
  return JSON.parse(await fs.readFile(join(root, 'search', `${threadId}.json`), 'utf8')) as ThreadPostingsFile;
}

/** A term's encoded list in a saved index file (format 2: terms and lists joined by spaces, in the same order). */
function savedList(saved: { terms: string; postings: string }, term: string): string | undefined {
  const at = saved.terms.split(' ').indexOf(term);
  return at === -1 ? undefined : saved.postings.split(' ')[at];
}

function text(value: string, created_at?: number): MessageInput {
  return { role: 'user', content: [{ type: 'text', text: { value } }], ...(created_at ? { created_at } : {}) };
}

describe('SearchIndex', () => {
  let root: string;
  let store: ThreadStore;
  let index: SearchIndex;
  beforeEach(async () => {
    root = await makeTempDir();
    store = new ThreadStore({ root });
    index = new SearchIndex({ root, store, saveDelayMs: 0 });
  });
  afterEach(async () => {
    index.dispose();
    await index.flush();
    store.dispose();
    await removeTempDir(root);
  });

  it('finds an answer by the words of its reasoning summary, never by its encrypted reasoning', async () => {
    const thread = await store.create({
      messages: [
        {
          role: 'assistant',
          content: [{ type: 'text', text: { value: 'It is 42.' } }],
          reasoning: { summary: ['Multiplying six by seven.'], encrypted_content: 'gAAAAopaque' },
        },
      ],
    });
    await index.open();
    const [hit] = await index.search('multiplying seven');
    assert.equal(hit.threadId, thread.id);
    assert.match(hit.snippet, /Multiplying six by seven/);
    assert.deepEqual(await index.search('gAAAAopaque'), []);
    // Live too: an answer written after the index opened.
    await store.appendMessage(thread.id, {
      role: 'assistant',
      content: [{ type: 'text', text: { value: 'Done.' } }],
      reasoning: { summary: ['Checking the arithmetic twice.'] },
    });
    assert.equal((await index.search('arithmetic')).length, 1);
  });

  it('finds messages holding every word, case-insensitively, the last word as a prefix, newest first', async () => {
    const a = await store.create({
      messages: [text('The Parser fails on tabs', 100), text('unrelated chatter', 101), text('parsing is done', 300)],
    });
    const b = await store.create({ messages: [text('parser works; tabs fixed', 200)] });
    await index.open();
    const hits = await index.search('parser TAB');
    assert.deepEqual(
      hits.map((h) => [h.threadId, h.created_at]),
      [
        [b.id, 200],
        [a.id, 100],
      ],
    );
    assert.equal(hits[1].snippet, 'The Parser fails on tabs');
    assert.equal(hits[1].snippet.slice(...hits[1].highlight).toLowerCase(), 'parser');
    assert.deepEqual(
      (await index.search('pars')).map((h) => h.created_at),
      [300, 200, 100],
    );
    assert.deepEqual(await index.search('parser chatter'), [], 'all words must occur in one message');
    assert.deepEqual(await index.search('arser'), [], 'only the start of a word matches');
    assert.deepEqual(await index.search('  ,; '), []);
    assert.equal((await index.search('pars', 2)).length, 2);
    assert.deepEqual(await index.threadsMatching('tabs'), new Set([a.id, b.id]));
  });

  it('cuts a snippet out of a long message around the match', async () => {
    const long = `${'lorem ipsum '.repeat(50)}needle here ${'dolor sit '.repeat(50)}`;
    await store.create({ messages: [text(long)] });
    const [hit] = await index.search('needle');
    assert.ok(hit.snippet.length <= 122, hit.snippet);
    assert.ok(hit.snippet.startsWith('…') && hit.snippet.endsWith('…'));
    assert.equal(hit.snippet.slice(...hit.highlight), 'needle');
  });

  it('follows appends, edits and deletions as they happen', async () => {
    const thread = await store.create({ messages: [text('first draft')] });
    await index.open();
    const added = await store.appendMessage(thread.id, text('kangaroo facts'));
    assert.deepEqual(
      (await index.search('kangaroo')).map((h) => h.messageId),
      [added.id],
    );
    await store.updateMessage(thread.id, added.id, { content: [{ type: 'text', text: { value: 'wombat facts' } }] });
    assert.deepEqual(
      (await index.search('wombat')).map((h) => h.messageId),
      [added.id],
    );
    assert.deepEqual(await index.search('kangaroo'), [], 'the old text no longer matches');
    const other = await store.create({ messages: [text('wombat burrows')] });
    assert.equal((await index.search('wombat')).length, 2);
    await store.delete(thread.id);
    assert.deepEqual(
      (await index.search('wombat')).map((h) => h.threadId),
      [other.id],
    );
    await index.flush();
    assert.deepEqual(await fs.readdir(join(root, 'search')), [`${other.id}.json`]);
  });

  it('saves the index and catches up with messages written while it was not listening', async () => {
    const thread = await store.create({ messages: [text('alpha one')] });
    await index.open();
    await index.flush();
    const saved = await readSaved(root, thread.id);
    assert.equal(saved.count, 1);
    assert.equal(savedList(saved, 'alpha'), '0');

    index.dispose();
    const elsewhere = new ThreadStore({ root }); // another window: this index hears nothing of it
    await elsewhere.appendMessages(thread.id, [text('beta two'), text('alpha three')]);
    const extra = await elsewhere.create({ messages: [text('alpha four')] });
    elsewhere.dispose();

    index = new SearchIndex({ root, store, saveDelayMs: 0 });
    assert.deepEqual((await index.search('alpha')).map((h) => h.threadId).sort(), [thread.id, thread.id, extra.id].sort());
    assert.equal((await index.search('beta')).length, 1);
  });

  it('rebuilds a thread whose saved index is corrupt, from another version, or names messages the thread lacks', async () => {
    const one = await store.create({ messages: [text('gamma ray')] });
    const two = await store.create({ messages: [text('gamma burst'), text('more')] });
    const three = await store.create({ messages: [text('gamma knife')] });
    await fs.mkdir(join(root, 'search'), { recursive: true });
    await fs.writeFile(join(root, 'search', `${one.id}.json`), '{ torn');
    await fs.writeFile(
      join(root, 'search', `${two.id}.json`),
      JSON.stringify({ version: 1, threadId: two.id, count: 1, ids: 'msg_notinthisthread', created: '1', postings: { bogus: '0' } }),
    );
    await fs.writeFile(join(root, 'search', `${three.id}.json`), JSON.stringify({ version: 99 }));
    await fs.writeFile(join(root, 'search', 'thread_deletedlongago.json'), '{}');
    assert.equal((await index.search('gamma')).length, 3);
    assert.deepEqual(await index.search('bogus'), []);
    assert.ok(!(await fs.readdir(join(root, 'search'))).includes('thread_deletedlongago.json'));
  });

  it('finds words that are new since the last query, before and after they are merged into the sorted vocabulary', async () => {
    const thread = await store.create({ messages: [text('opening words')] });
    assert.equal((await index.search('open')).length, 1); // sorts the vocabulary
    await store.appendMessage(thread.id, text('quokka sighting'));
    assert.equal((await index.search('quok'))[0]?.snippet, 'quokka sighting');
    await store.appendMessages(
      thread.id,
      Array.from({ length: 5_000 }, (_, i) => text(`term${i} filler`)),
    );
    assert.equal((await index.search('quok')).length, 1, 'still found once the new terms were merged');
    assert.deepEqual(
      (await index.search('term4999')).map((h) => h.snippet),
      ['term4999 filler'],
    );
    assert.equal((await index.search('opening')).length, 1);
  });

  it('finds old messages of a thread that grew in another window, reading them by position', async () => {
    const thread = await store.create({
      messages: [text('needle at the start'), ...Array.from({ length: 1_500 }, (_, i) => text(`hay ${i}`))],
    });
    await index.open();
    const elsewhere = new ThreadStore({ root }); // this index hears nothing of these appends
    await elsewhere.appendMessages(
      thread.id,
      Array.from({ length: 700 }, (_, i) => text(`more hay ${i}`)),
    );
    elsewhere.dispose();
    assert.deepEqual(
      (await index.search('needle')).map((h) => h.snippet),
      ['needle at the start'],
    );
    assert.equal((await index.search('hay 1499')).length, 1);
  });

  it('merges threads newest first and reads further when edited messages no longer match', async () => {
    const a = await store.create({ messages: [text('otter 1', 10), text('otter 4', 40), text('otter 6', 60)] });
    const b = await store.create({ messages: [text('otter 2', 20), text('otter 3', 30), text('otter 5', 50)] });
    await index.open();
    assert.deepEqual(
      (await index.search('otter', 4)).map((h) => h.snippet),
      ['otter 6', 'otter 5', 'otter 4', 'otter 3'],
    );
    const [, , newestOfB] = (await store.listMessages(b.id, { order: 'asc' })).data;
    const [, fourth, sixth] = (await store.listMessages(a.id, { order: 'asc' })).data;
    for (const [threadId, message] of [
      [b.id, newestOfB],
      [a.id, fourth],
      [a.id, sixth],
    ] as const) {
      await store.updateMessage(threadId, message.id, { content: [{ type: 'text', text: { value: 'beaver' } }] });
    }
    assert.deepEqual(
      (await index.search('otter', 2)).map((h) => h.snippet),
      ['otter 3', 'otter 2'],
    );
  });

  it('keeps ordinals exact when another window appends to the same thread in between, indexing its messages too', async () => {
    const thread = await store.create({ messages: [text('first')] });
    await index.open();
    const elsewhere = new ThreadStore({ root });
    const theirs = await elsewhere.appendMessages(thread.id, [text('walrus from elsewhere'), text('more from elsewhere')]);
    const ours = await store.appendMessage(thread.id, text('walrus here'));
    await elsewhere.appendMessage(thread.id, text('walrus again elsewhere')); // heard by nobody: found after the next append
    const last = await store.appendMessage(thread.id, text('walrus last'));
    elsewhere.dispose();
    const hits = await index.search('walrus');
    assert.deepEqual(hits.map((h) => h.snippet).sort(), ['walrus again elsewhere', 'walrus from elsewhere', 'walrus here', 'walrus last']);
    assert.ok(
      hits.some((h) => h.messageId === theirs[0].id) &&
        hits.some((h) => h.messageId === ours.id) &&
        hits.some((h) => h.messageId === last.id),
    );
    await index.flush();
    const saved = await readSaved(root, thread.id);
    assert.equal(saved.count, 6, 'every message of the thread, in its place');
  });

  it('finds a message its saved index puts at the wrong position, and rebuilds that thread', async () => {
    const thread = await store.create({ messages: [text('alpha'), text('beta'), text('gamma walrus')] });
    const [a, b, c] = (await store.listMessages(thread.id, { order: 'asc' })).data;
    await fs.mkdir(join(root, 'search'), { recursive: true });
    // As an older version could leave it: b and c swapped, so "walrus" points at the position of b.
    const drifted = {
      version: 1,
      threadId: thread.id,
      count: 3,
      ids: `${a.id} ${c.id} ${b.id}`,
      created: '0,0,0',
      postings: { alpha: '0', gamma: '1', walrus: '1', beta: '2' },
    };
    await fs.writeFile(join(root, 'search', `${thread.id}.json`), JSON.stringify(drifted));
    assert.deepEqual(
      (await index.search('walrus')).map((h) => h.messageId),
      [c.id],
    );
    await index.flush();
    const saved = await readSaved(root, thread.id);
    assert.equal(saved.ids, `${a.id} ${b.id} ${c.id}`);
    assert.equal(savedList(saved, 'walrus'), '2');
  });

  it('stays closed until the first search, which opens it and finds what was saved and appended meanwhile', async () => {
    const thread = await store.create({ messages: [text('lemur one')] });
    await index.open();
    index.dispose();
    await index.flush();

    index = new SearchIndex({ root, store, saveDelayMs: 0 });
    const appended = await store.appendMessage(thread.id, text('lemur two'));
    await store.updateMessage(thread.id, appended.id, { content: [{ type: 'text', text: { value: 'lemur two, edited' } }] });
    await store.create({ messages: [text('lemur three')] });
    await index.flush();
    const saved = await readSaved(root, thread.id);
    assert.equal(saved.count, 1, 'appends (and their edits) while closed are left to the opening');
    assert.deepEqual((await index.search('lemur')).map((h) => h.snippet).sort(), ['lemur one', 'lemur three', 'lemur two, edited']);
    assert.deepEqual(await index.threadsMatching('edited'), new Set([thread.id]));
  });

  it('opens when a message it may hold is edited while closed, so the edit is not lost', async () => {
    const thread = await store.create({ messages: [text('ibis before')] });
    const [message] = (await store.listMessages(thread.id, { order: 'asc' })).data;
    await index.open();
    index.dispose();
    await index.flush();

    index = new SearchIndex({ root, store, saveDelayMs: 0 });
    await store.updateMessage(thread.id, message.id, { content: [{ type: 'text', text: { value: 'ibis after' } }] });
    await index.flush(); // waits for the opening and the edit the update queued
    const saved = await readSaved(root, thread.id);
    assert.equal(savedList(saved, 'after'), '0', 'the edit was indexed and saved without a search');
  });

  it('opens a thread per task, so timers and I/O of others run while it reads', async () => {
    const threads = 20;
    for (let t = 0; t < threads; t++) await store.create({ messages: [text(`heron ${t}`), text('more')] });
    await index.open();
    index.dispose();
    await index.flush();

    index = new SearchIndex({ root, store, saveDelayMs: 0 });
    let turns = 0;
    let opened = false;
    const countTurns = (): void => {
      turns++;
      if (!opened) setImmediate(countTurns);
    };
    setImmediate(countTurns);
    await index.open().finally(() => (opened = true));
    assert.ok(turns >= threads, `the event loop turned ${turns} times while ${threads} threads were read`);
    assert.equal((await index.search('heron')).length, threads);
  });
});
