import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { sentMessages } from '../runs/helpers';
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

  it('adds items and retrieves one by id', async () => {
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
      h.client.conversations.items.create(conversation.id, { items: [{ type: 'function_call_output', call_id: 'c', output: 'o' }] }),
      OpenAI.BadRequestError,
    );
  });

  it('deletes an item: gone from the items, from the thread and from what the model is sent next', async () => {
    const conversation = await h.client.conversations.create({
      items: ['keep this', 'forget this', 'and this stays'].map((text) => ({
        type: 'message' as const,
        role: 'user' as const,
        content: text,
      })),
    });
    const [, secret] = (await h.client.conversations.items.list(conversation.id, { order: 'asc' })).data;
    const answer = await h.client.conversations.items.delete(secret.id!, { conversation_id: conversation.id });
    assert.deepEqual(answer, await h.client.conversations.retrieve(conversation.id));

    assert.deepEqual(texts((await h.client.conversations.items.list(conversation.id, { order: 'asc' })).data), [
      'keep this',
      'and this stays',
    ]);
    await assert.rejects(h.client.conversations.items.retrieve(secret.id!, { conversation_id: conversation.id }), OpenAI.NotFoundError);
    await assert.rejects(h.client.conversations.items.delete(secret.id!, { conversation_id: conversation.id }), OpenAI.NotFoundError);
    const [thread] = await h.threads.list();
    assert.deepEqual(
      (await h.threads.listMessages(thread.id, { order: 'asc' })).data.map((m) =>
        m.content.map((p) => (p.type === 'text' ? p.text.value : '')).join(''),
      ),
      ['keep this', 'and this stays'],
    );

    h.server.script({ kind: 'text', text: 'Noted.' });
    await h.client.responses.create({ model: 'fake/fake-model', conversation: conversation.id, input: 'what did I say?' });
    const sent = JSON.stringify(sentMessages(h.server, 0));
    assert.ok(sent.includes('keep this') && sent.includes('what did I say?'), sent);
    assert.ok(!sent.includes('forget this'), `the deleted item reached the model: ${sent}`);
  });

  it('deletes every item of a model turn together, so no call is left without its output', async () => {
    const conversation = await h.client.conversations.create();
    h.server.script({ kind: 'tool_calls', calls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] });
    const tools: OpenAI.Responses.FunctionTool[] = [
      { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: false },
    ];
    const first = await h.client.responses.create({ model: 'fake/fake-model', conversation: conversation.id, tools, input: 'Weather?' });
    const call = first.output.find((item) => item.type === 'function_call')!;
    assert.ok(call.type === 'function_call');
    h.server.script({ kind: 'text', text: 'Sunny.' });
    await h.client.responses.create({
      model: 'fake/fake-model',
      conversation: conversation.id,
      tools,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny' }],
    });
    const types = async () => (await h.client.conversations.items.list(conversation.id, { order: 'asc' })).data.map((item) => item.type);
    assert.deepEqual(await types(), ['message', 'function_call', 'function_call_output', 'message']);

    await h.client.conversations.items.delete(call.id!, { conversation_id: conversation.id });
    assert.deepEqual(await types(), ['message', 'message']);
    h.server.script({ kind: 'text', text: 'Again.' });
    await h.client.responses.create({ model: 'fake/fake-model', conversation: conversation.id, input: 'More?' });
    const sent = sentMessages(h.server, 2);
    assert.deepEqual(
      sent.filter((m) => m.role === 'tool' || m.tool_calls),
      [],
      'neither the call nor its output is sent',
    );
  });

  it('refuses to delete an item while a response is in progress, and an Assistants message can be deleted too', async () => {
    const conversation = await h.client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'hello' }] });
    const [item] = (await h.client.conversations.items.list(conversation.id)).data;
    h.server.script({ kind: 'text', text: 'slow answer', chunkDelayMs: 200 });
    const background = await h.client.responses.create({
      model: 'fake/fake-model',
      conversation: conversation.id,
      input: 'go',
      background: true,
    });
    await assert.rejects(
      h.client.conversations.items.delete(item.id!, { conversation_id: conversation.id }),
      (error: unknown) => error instanceof OpenAI.ConflictError && error.code === 'conversation_busy',
    );
    await h.client.responses.cancel(background.id);

    const [thread] = await h.threads.list();
    const deleted = await h.client.beta.threads.messages.delete(item.id!, { thread_id: thread.id });
    assert.deepEqual(deleted, { id: item.id, object: 'thread.message.deleted', deleted: true });
    const left = await h.client.beta.threads.messages.list(thread.id);
    assert.equal(
      left.data.some((message) => message.id === item.id),
      false,
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
