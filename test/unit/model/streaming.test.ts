import { strict as assert } from 'node:assert';
import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';
import { OpenAIChatClient } from '../../../src/core/model/openAIChatClient';
import type { ChatStreamEvent } from '../../../src/core/model/types';
import { startFakeModelServer, type FakeModelServer } from '../../fixtures/fakeModelServer';
import { clientFor, collect, testApiKey, textOf, userRequest } from './helpers';

describe('OpenAIChatClient streaming', () => {
  let server: FakeModelServer;
  beforeEach(async () => {
    server = await startFakeModelServer({ expectedApiKey: testApiKey });
  });
  afterEach(() => server.close());

  it('streams text deltas in order, then usage, then done', async () => {
    server.script({
      kind: 'text',
      text: 'ignored',
      chunks: ['Hel', 'lo, ', 'wor', 'ld!'],
      usage: { prompt_tokens: 11, completion_tokens: 4 },
    });
    const events = await collect(clientFor(server).streamChat(userRequest('hi'), new AbortController().signal));
    assert.deepEqual(events, [
      { type: 'text', delta: 'Hel' },
      { type: 'text', delta: 'lo, ' },
      { type: 'text', delta: 'wor' },
      { type: 'text', delta: 'ld!' },
      { type: 'usage', prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 },
      { type: 'done', finish_reason: 'stop' },
    ]);
    const body = server.requests[0].body!;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(server.requests[0].headers.authorization, `Bearer ${testApiKey}`);
  });

  it('echoes the last user message when nothing is scripted', async () => {
    const events = await collect(clientFor(server).streamChat(userRequest('the quick brown fox'), new AbortController().signal));
    assert.equal(textOf(events), 'You said: the quick brown fox');
    assert.ok(events.filter((event) => event.type === 'text').length >= 5, 'echo arrives word by word');
  });

  it('passes sampling options, tools and response format to the server', async () => {
    await collect(
      clientFor(server).streamChat(
        {
          ...userRequest('hi'),
          temperature: 0.2,
          top_p: 0.9,
          max_completion_tokens: 50,
          response_format: { type: 'json_object' },
          tools: [
            { name: 'read_file', description: 'Reads a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
          ],
        },
        new AbortController().signal,
      ),
    );
    const body = server.requests[0].body!;
    assert.equal(body.temperature, 0.2);
    assert.equal(body.top_p, 0.9);
    assert.equal(body.max_completion_tokens, 50);
    assert.deepEqual(body.response_format, { type: 'json_object' });
    assert.deepEqual(body.tools, [
      {
        type: 'function',
        function: {
          name: 'read_file',
          description: 'Reads a file',
          parameters: { type: 'object', properties: { path: { type: 'string' } } },
        },
      },
    ]);
  });

  it('emits a single tool call complete, with arguments split across chunks', async () => {
    server.script({
      kind: 'tool_calls',
      calls: [{ id: 'call_a', name: 'read_file', arguments: '{"path":"src/greet.ts"}' }],
      argumentChunks: 5,
    });
    const events = await collect(clientFor(server).streamChat(userRequest('read it'), new AbortController().signal));
    const calls = events.filter((event) => event.type === 'tool_call');
    assert.deepEqual(calls, [{ type: 'tool_call', index: 0, id: 'call_a', name: 'read_file', arguments: '{"path":"src/greet.ts"}' }]);
    assert.deepEqual(events.at(-1), { type: 'done', finish_reason: 'tool_calls' });
  });

  it('assembles parallel tool calls whose argument chunks interleave', async () => {
    server.script({
      kind: 'tool_calls',
      text: 'Reading both.',
      interleave: true,
      argumentChunks: 4,
      calls: [
        { id: 'call_1', name: 'read_file', arguments: '{"path":"a.ts"}' },
        { id: 'call_2', name: 'list_dir', arguments: '{"path":"src","recursive":true}' },
        { id: 'call_3', name: 'read_file', arguments: '{}' },
      ],
    });
    const events = await collect(clientFor(server).streamChat(userRequest('go'), new AbortController().signal));
    assert.equal(textOf(events), 'Reading both.');
    assert.deepEqual(
      events.filter((event) => event.type === 'tool_call'),
      [
        { type: 'tool_call', index: 0, id: 'call_1', name: 'read_file', arguments: '{"path":"a.ts"}' },
        { type: 'tool_call', index: 1, id: 'call_2', name: 'list_dir', arguments: '{"path":"src","recursive":true}' },
        { type: 'tool_call', index: 2, id: 'call_3', name: 'read_file', arguments: '{}' },
      ],
    );
  });

  it('passes malformed tool-call arguments through raw', async () => {
    server.script({ kind: 'tool_calls', calls: [{ id: 'call_x', name: 'write_file', arguments: '{"path": "a.ts", "content": ' }] });
    const events = await collect(clientFor(server).streamChat(userRequest('write'), new AbortController().signal));
    const call = events.find((event): event is Extract<ChatStreamEvent, { type: 'tool_call' }> => event.type === 'tool_call');
    assert.equal(call?.arguments, '{"path": "a.ts", "content": ');
    assert.deepEqual(events.at(-1), { type: 'done', finish_reason: 'tool_calls' });
  });

  it('sends the assistant tool calls and tool results of earlier turns back to the server', async () => {
    await collect(
      clientFor(server).streamChat(
        {
          model: 'fake-model',
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'read a.ts' },
            { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', name: 'read_file', arguments: '{"path":"a.ts"}' }] },
            { role: 'tool', tool_call_id: 'call_1', content: 'export {}' },
          ],
        },
        new AbortController().signal,
      ),
    );
    const messages = server.requests[0].body!.messages;
    assert.deepEqual(messages[2], {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } }],
    });
    assert.deepEqual(messages[3], { role: 'tool', tool_call_id: 'call_1', content: 'export {}' });
  });

  it('sends images as content parts', async () => {
    const dataUrl =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const events = await collect(
      clientFor(server).streamChat(
        {
          model: 'fake-model',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is in these?' },
                { type: 'image', url: dataUrl },
                { type: 'image', url: 'https://example.com/cat.png', detail: 'low' },
              ],
            },
          ],
        },
        new AbortController().signal,
      ),
    );
    assert.equal(textOf(events), 'You said: What is in these?');
    const content = server.requests[0].body!.messages[0].content as ChatCompletionContentPart[];
    assert.deepEqual(content, [
      { type: 'text', text: 'What is in these?' },
      { type: 'image_url', image_url: { url: dataUrl } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
    ]);
  });

  it('uses the Azure route with the api-key header and api-version', async () => {
    const client = new OpenAIChatClient({
      profile: {
        id: 'azure',
        provider: 'azure-openai',
        endpoint: server.azureEndpoint,
        deployment: 'gpt-4o-prod',
        apiVersion: '2024-10-21',
        model: 'gpt-4o',
        contextWindow: 128_000,
      },
      getApiKey: async () => testApiKey,
    });
    const events = await collect(client.streamChat(userRequest('hello azure'), new AbortController().signal));
    assert.equal(textOf(events), 'You said: hello azure');
    const request = server.requests[0];
    assert.equal(request.path, '/openai/deployments/gpt-4o-prod/chat/completions');
    assert.equal(request.deployment, 'gpt-4o-prod');
    assert.equal(request.query['api-version'], '2024-10-21');
    assert.equal(request.headers['api-key'], testApiKey);
    assert.equal(request.headers.authorization, undefined);
  });

  it('sends a placeholder key to keyless OpenAI-compatible servers', async () => {
    const keyless = await startFakeModelServer();
    try {
      const events = await collect(
        clientFor(keyless, { getApiKey: async () => undefined }).streamChat(userRequest('ollama'), new AbortController().signal),
      );
      assert.equal(textOf(events), 'You said: ollama');
      assert.match(String(keyless.requests[0].headers.authorization), /^Bearer \S+/);
    } finally {
      await keyless.close();
    }
  });
});
