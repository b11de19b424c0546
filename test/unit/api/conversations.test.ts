import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { type ApiHarness, startApiHarness } from './apiHarness';

describe('local agent API: conversations', function () {
  this.timeout(20_000);
  let h: ApiHarness;
  beforeEach(async () => (h = await startApiHarness()));
  afterEach(() => h.close());

  const texts = (items: OpenAI.Conversations.ConversationItem[]): string[] =>
    items.map((item) =>
      item.type === 'message' ? item.content.map((part) => ('text' in part ? part.text : `[${part.type}]`)).join('') : `[${item.type}]`,
    );

  it('creates with items and metadata, retrieves, updates metadata and deletes; the conversation is a thread', async () => {
    const created = await h.client.conversations.create({
      items: [
        { type: 'message', role: 'user', content: 'first' },
        { role: 'assistant', content: [{ type: 'output_text', text: 'second' }] } as OpenAI.Responses.ResponseInputItem,
      ],
      metadata: { project: 'demo' },
    });
    assert.match(created.id, /^conv_/);
    assert.equal(created.object, 'conversation');
    assert.deepEqual(created.metadata, { project: 'demo' });
    assert.deepEqual(await h.client.conversations.retrieve(created.id), created);

    const threads = await h.threads.list();
    assert.equal(threads.length, 1);
    assert.equal(threads[0].message_count, 2);

    const updated = await h.client.conversations.update(created.id, { metadata: { project: 'renamed' } });
    assert.deepEqual(updated.metadata, { project: 'renamed' });
    const deleted = await h.client.conversations.delete(created.id);
    assert.deepEqual(deleted, { id: created.id, object: 'conversation.deleted', deleted: true });
    await assert.rejects(h.client.conversations.retrieve(created.id), OpenAI.NotFoundError);
    assert.equal((await h.threads.list()).length, 0);
  });

  it('lists items with after, limit and order, and the SDK pages through all of them', async () => {
    const conversation = await h.client.conversations.create({
      items: ['one', 'two', 'three', 'four', 'five'].map((text) => ({ type: 'message' as const, role: 'user' as const, content: text })),
    });
    const asc = await h.client.conversations.items.list(conversation.id, { order: 'asc', limit: 2 });
    assert.deepEqual(texts(asc.data), ['one', 'two']);
    assert.equal(asc.has_more, true);
    const next = await h.client.conversations.items.list(conversation.id, { order: 'asc', limit: 2, after: asc.data[1].id });
    assert.deepEqual(texts(next.data), ['three', 'four']);
    const desc = await h.client.conversations.items.list(conversation.id, { limit: 2 });
    assert.deepEqual(texts(desc.data), ['five', 'four']);
    const all: OpenAI.Conversations.ConversationItem[] = [];
    for await (const item of h.client.conversations.items.list(conversation.id, { order: 'asc', limit: 2 })) all.push(item);
    assert.deepEqual(texts(all), ['one', 'two', 'three', 'four', 'five']);
    for (const limit of [0, 101]) {
      await assert.rejects(h.client.conversations.items.list(conversation.id, { limit }), OpenAI.BadRequestError);
    }
    await assert.rejects(h.client.conversations.items.list(conversation.id, { after: 'msg_00000000NotThere' }), OpenAI.BadRequestError);
  });

  it('adds items, retrieves one by id, and refuses to delete one (threads keep their history)', async () => {
    const conversation = await h.client.conversations.create();
    const image = 'data:image/png;base64,iVBORw0KGgo=';
    const added = await h.client.conversations.items.create(conversation.id, {
      items: [
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'look' },
            { type: 'input_image', image_url: image, detail: 'low' },
          ],
        },
      ],
    });
    assert.equal(added.data.length, 1);
    const item = await h.client.conversations.items.retrieve(added.data[0].id!, { conversation_id: conversation.id });
    assert.deepEqual(item, added.data[0]);
    assert.ok(item.type === 'message');
    assert.deepEqual(item.content, [
      { type: 'input_text', text: 'look' },
      { type: 'input_image', image_url: image, detail: 'low', file_id: null },
    ]);
    await assert.rejects(
      h.client.conversations.items.retrieve('msg_00000000NotThere', { conversation_id: conversation.id }),
      OpenAI.NotFoundError,
    );
    await assert.rejects(
      h.client.conversations.items.delete(added.data[0].id!, { conversation_id: conversation.id }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && error.code === 'unsupported_operation',
    );
    await assert.rejects(
      h.client.conversations.items.create(conversation.id, { items: [{ type: 'function_call_output', call_id: 'c', output: 'o' }] }),
      OpenAI.BadRequestError,
    );
  });

  it('is guarded like every route: no token is 401, a browser origin is 403', async () => {
    await assert.rejects(h.clientWith('wrong-token').conversations.create(), OpenAI.AuthenticationError);
    await assert.rejects(
      h.clientWith('wrong-token').responses.create({ model: 'fake/fake-model', input: 'x' }),
      OpenAI.AuthenticationError,
    );
    await assert.rejects(
      h.clientWith(h.address.token, { Origin: 'https://example.com' }).conversations.create(),
      OpenAI.PermissionDeniedError,
    );
  });
});
