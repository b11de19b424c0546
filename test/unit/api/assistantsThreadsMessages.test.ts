import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import type { AssistantCreateParams } from 'openai/resources/beta/assistants';
import { type ApiHarness, startApiHarness } from './apiHarness';

describe('local agent API: assistants, threads and messages', function () {
  // As in test/unit/.mocharc.json: runs load the tokenizer and talk HTTP twice, which can take seconds on a busy machine.
  this.timeout(20_000);
  let h: ApiHarness;
  beforeEach(async () => {
    h = await startApiHarness();
  });
  afterEach(() => h.close());

  it('creates an assistant the UI sees, mapping "profile/model" and bare model names to the configured profile', async () => {
    const created = await h.client.beta.assistants.create({
      model: 'fake/fake-model',
      name: 'Scripted',
      instructions: 'Be brief.',
      tools: [{ type: 'function', function: { name: 'echo' } }],
    });
    assert.equal(created.object, 'assistant');
    assert.equal(created.model, 'fake/fake-model');
    assert.deepEqual(
      created.tools.map((t) => t.type === 'function' && t.function.name),
      ['echo'],
    );
    const stored = await h.agents.get(created.id);
    assert.deepEqual(stored.model, { profile: 'fake', name: 'fake-model' });
    assert.equal(stored.instructions, 'Be brief.');

    const bare = await h.client.beta.assistants.create({ model: 'fake-model' });
    assert.equal(bare.model, 'fake/fake-model');
    const otherName = await h.client.beta.assistants.create({ model: 'fake/fake-model-large' });
    assert.equal(otherName.model, 'fake/fake-model-large');
    await assert.rejects(
      h.client.beta.assistants.create({ model: 'gpt-unknown' }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && error.param === 'model',
    );
  });

  it('updates (a new agent version), lists with pagination, and deletes assistants', async () => {
    const a = await h.client.beta.assistants.create({ model: 'fake/fake-model', name: 'A' });
    const b = await h.client.beta.assistants.create({ model: 'fake/fake-model', name: 'B' });
    const c = await h.client.beta.assistants.create({ model: 'fake/fake-model', name: 'C' });
    const updated = await h.client.beta.assistants.update(b.id, { instructions: 'Changed.', metadata: { team: 'docs' } });
    assert.equal(updated.instructions, 'Changed.');
    assert.equal((await h.agents.get(b.id)).version, 2);

    const first = await h.client.beta.assistants.list({ limit: 2, order: 'asc' });
    assert.deepEqual(
      first.data.map((x) => x.id),
      [a.id, b.id],
    );
    assert.equal(first.has_more, true);
    const all: string[] = [];
    for await (const assistant of h.client.beta.assistants.list({ limit: 1, order: 'desc' })) all.push(assistant.id);
    assert.deepEqual(all, [c.id, b.id, a.id]);

    const deleted = await h.client.beta.assistants.delete(a.id);
    assert.deepEqual(deleted, { id: a.id, object: 'assistant.deleted', deleted: true });
    await assert.rejects(h.client.beta.assistants.retrieve(a.id), OpenAI.NotFoundError);
  });

  it('accepts our approval_policy extension and rejects unknown tools with 400', async () => {
    const params = {
      model: 'fake/fake-model',
      tools: [{ type: 'function', function: { name: 'echo' } }],
      approval_policy: { echo: 'ask' },
    } as AssistantCreateParams;
    const created = await h.client.beta.assistants.create(params);
    assert.deepEqual((await h.agents.get(created.id)).approval_policy, { echo: 'ask' });
    await assert.rejects(
      h.client.beta.assistants.create({ model: 'fake/fake-model', tools: [{ type: 'function', function: { name: 'rm_rf' } }] }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && /rm_rf/.test(error.message),
    );
    await assert.rejects(
      h.client.beta.assistants.create({ model: 'fake/fake-model', tools: [{ type: 'code_interpreter' }] }),
      OpenAI.BadRequestError,
    );
  });

  it('creates a thread with messages and metadata, renders text parts with annotations, and updates and deletes it', async () => {
    const thread = await h.client.beta.threads.create({
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'user', content: [{ type: 'text', text: 'Second' }] },
      ],
      metadata: { source: 'script' },
    });
    assert.equal(thread.object, 'thread');
    assert.deepEqual(thread.metadata, { source: 'script' });
    assert.equal((await h.threads.get(thread.id)).message_count, 2);

    const page = await h.client.beta.threads.messages.list(thread.id, { order: 'asc' });
    assert.deepEqual(
      page.data.map((m) => m.content),
      [[{ type: 'text', text: { value: 'Hello', annotations: [] } }], [{ type: 'text', text: { value: 'Second', annotations: [] } }]],
    );
    const one = await h.client.beta.threads.messages.retrieve(page.data[0].id, { thread_id: thread.id });
    assert.equal(one.object, 'thread.message');
    const tagged = await h.client.beta.threads.messages.update(one.id, { thread_id: thread.id, metadata: { seen: 'yes' } });
    assert.deepEqual(tagged.metadata, { seen: 'yes' });

    const renamed = await h.client.beta.threads.update(thread.id, { metadata: { source: 'edited' } });
    assert.deepEqual(renamed.metadata, { source: 'edited' });
    assert.deepEqual((await h.client.beta.threads.retrieve(thread.id)).metadata, { source: 'edited' });
    const gone = await h.client.beta.threads.delete(thread.id);
    assert.equal(gone.deleted, true);
    await assert.rejects(h.client.beta.threads.retrieve(thread.id), OpenAI.NotFoundError);
  });

  it('accepts data: URL images and refuses remote image URLs and attachments', async () => {
    const thread = await h.client.beta.threads.create();
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const message = await h.client.beta.threads.messages.create(thread.id, {
      role: 'user',
      content: [
        { type: 'text', text: 'Look' },
        { type: 'image_url', image_url: { url: png } },
      ],
    });
    assert.deepEqual(message.content[1], { type: 'image_url', image_url: { url: png, detail: 'auto' } });
    const stored = await h.threads.getMessage(thread.id, message.id);
    assert.deepEqual(stored.content[1], { type: 'image_url', image_url: { url: png, mime_type: 'image/png' } });
    await assert.rejects(
      h.client.beta.threads.messages.create(thread.id, {
        role: 'user',
        content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }],
      }),
      OpenAI.BadRequestError,
    );
    await assert.rejects(
      h.client.beta.threads.messages.create(thread.id, { role: 'user', content: 'x', attachments: [{ file_id: 'file_1' }] }),
      OpenAI.BadRequestError,
    );
  });

  it('pages messages exactly as the thread store does (limit, order, after, before)', async () => {
    const texts = ['m1', 'm2', 'm3', 'm4', 'm5'];
    const thread = await h.client.beta.threads.create({ messages: texts.map((content) => ({ role: 'user' as const, content })) });
    const ids = (page: { data: { id: string }[] }) => page.data.map((m) => m.id);

    for (const query of [{ limit: 2, order: 'asc' as const }, { limit: 2, order: 'desc' as const }, { limit: 3 }]) {
      const api = await h.client.beta.threads.messages.list(thread.id, query);
      const store = await h.threads.listMessages(thread.id, query);
      assert.deepEqual(ids(api), ids(store));
      assert.equal(api.has_more, store.has_more);
      const next = await h.client.beta.threads.messages.list(thread.id, { ...query, after: store.last_id! });
      assert.deepEqual(ids(next), ids(await h.threads.listMessages(thread.id, { ...query, after: store.last_id! })));
    }
    const asc = await h.threads.listMessages(thread.id, { order: 'asc' });
    const before = await h.client.beta.threads.messages.list(thread.id, { order: 'asc', before: asc.data[3].id, limit: 2 });
    assert.deepEqual(ids(before), [asc.data[1].id, asc.data[2].id]);

    const walked: string[] = [];
    for await (const message of h.client.beta.threads.messages.list(thread.id, { limit: 2, order: 'asc' })) {
      walked.push((message.content[0] as { text: { value: string } }).text.value);
    }
    assert.deepEqual(walked, texts);
    await assert.rejects(h.client.beta.threads.messages.list(thread.id, { limit: 500 }), OpenAI.BadRequestError);
  });

  it('refuses limit=0 and limit=101 on list endpoints with a 400 naming param limit and the range', async () => {
    const thread = await h.client.beta.threads.create({ messages: [{ role: 'user', content: 'one' }] });
    const lists: [string, (limit: number) => Promise<unknown>][] = [
      ['messages', (limit) => h.client.beta.threads.messages.list(thread.id, { limit })],
      ['assistants', (limit) => h.client.beta.assistants.list({ limit })],
      ['runs', (limit) => h.client.beta.threads.runs.list(thread.id, { limit })],
    ];
    for (const [name, list] of lists) {
      for (const limit of [0, 101]) {
        await assert.rejects(list(limit), (error: unknown) => {
          assert.ok(error instanceof OpenAI.BadRequestError, `${name} limit=${limit}`);
          assert.equal(error.status, 400);
          assert.equal(error.type, 'invalid_request_error');
          assert.equal(error.param, 'limit');
          assert.notEqual(error.code, 'invalid_cursor');
          assert.match(error.message, /1\b.*\b100\b/);
          return true;
        });
      }
    }
  });

  it('answers 404 for unknown or malformed ids and unknown routes', async () => {
    const missingThread = 'thread_00000000NotThere';
    await assert.rejects(h.client.beta.threads.retrieve(missingThread), OpenAI.NotFoundError);
    await assert.rejects(h.client.beta.threads.retrieve('nope'), OpenAI.NotFoundError);
    await assert.rejects(h.client.beta.threads.messages.list(missingThread), OpenAI.NotFoundError);
    await assert.rejects(h.client.beta.assistants.retrieve('asst_00000000NotThere'), OpenAI.NotFoundError);
    const thread = await h.client.beta.threads.create();
    await assert.rejects(h.client.beta.threads.messages.retrieve('msg_00000000NotThere', { thread_id: thread.id }), OpenAI.NotFoundError);
    await assert.rejects(h.client.beta.threads.runs.retrieve('run_00000000NotThere', { thread_id: thread.id }), OpenAI.NotFoundError);
    await assert.rejects(h.client.get('/nothing/here'), OpenAI.NotFoundError);
  });
});
