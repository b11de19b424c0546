import { strict as assert } from 'node:assert';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { createOpenAIModelClient } from '../../../src/core/model/openAIModelClient';
import type { ChatRequest, ChatStreamEvent } from '../../../src/core/model/types';
import { startFakeModelServer, type FakeModelServer } from '../../fixtures/fakeModelServer';
import { clientFor, collect, collectFailure, testApiKey, textOf, userRequest } from './helpers';

const never = (): AbortSignal => new AbortController().signal;
const ofType = <T extends ChatStreamEvent['type']>(events: ChatStreamEvent[], type: T): Extract<ChatStreamEvent, { type: T }>[] =>
  events.filter((event): event is Extract<ChatStreamEvent, { type: T }> => event.type === type);

describe('OpenAIResponsesClient', () => {
  let server: FakeModelServer;
  beforeEach(async () => {
    server = await startFakeModelServer({ expectedApiKey: testApiKey });
  });
  afterEach(() => server.close());

  const responses = (overrides = {}) => clientFor(server, { api: 'responses', ...overrides });

  it('streams text from POST /v1/responses, storing nothing server-side and asking for the encrypted reasoning', async () => {
    server.script({ kind: 'text', text: 'Hello from the Responses API.', usage: { prompt_tokens: 12, completion_tokens: 5 } });
    const events = await collect(responses().streamChat(userRequest('hi'), never()));
    assert.equal(textOf(events), 'Hello from the Responses API.');
    assert.ok(ofType(events, 'text').length > 1, 'the text arrives in pieces');
    assert.deepEqual(ofType(events, 'usage'), [{ type: 'usage', prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 }]);
    assert.deepEqual(events.at(-1), { type: 'done', finish_reason: 'stop' });
    const [request] = server.requests;
    assert.equal(request.path, '/v1/responses');
    assert.equal(request.headers.authorization, `Bearer ${testApiKey}`);
    assert.equal(request.responsesBody?.stream, true);
    assert.equal(request.responsesBody?.store, false);
    assert.deepEqual(request.responsesBody?.include, ['reasoning.encrypted_content']);
    assert.deepEqual(request.responsesBody?.input, [{ role: 'user', content: 'hi' }]);
    assert.equal('reasoning' in (request.responsesBody ?? {}), false, 'no reasoning settings unless the agent sets them');
  });

  it('reports function calls whole, in order, after the response completes', async () => {
    server.script({
      kind: 'tool_calls',
      text: 'Let me look.',
      calls: [
        { id: 'call_a', name: 'read_file', arguments: '{"path":"README.md"}' },
        { id: 'call_b', name: 'list_files', arguments: '{"folder":"src"}' },
      ],
    });
    const request: ChatRequest = {
      ...userRequest('look around'),
      tools: [{ name: 'read_file', description: 'Reads a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }],
    };
    const events = await collect(responses().streamChat(request, never()));
    assert.equal(textOf(events), 'Let me look.');
    assert.deepEqual(ofType(events, 'tool_call'), [
      { type: 'tool_call', index: 0, id: 'call_a', name: 'read_file', arguments: '{"path":"README.md"}' },
      { type: 'tool_call', index: 1, id: 'call_b', name: 'list_files', arguments: '{"folder":"src"}' },
    ]);
    assert.deepEqual(events.at(-1), { type: 'done', finish_reason: 'tool_calls' });
    assert.deepEqual(server.requests[0].responsesBody?.tools, [
      {
        type: 'function',
        name: 'read_file',
        description: 'Reads a file',
        parameters: { type: 'object', properties: { path: { type: 'string' } } },
        strict: false,
      },
    ]);
  });

  it('streams the reasoning summary, then the finished reasoning item with its encrypted content', async () => {
    server.script({
      kind: 'text',
      text: 'The answer is 42.',
      reasoning: { id: 'rs_1', summary: ['Reading the question.', 'Working out the answer.'], encryptedContent: 'gAAAA-secret' },
    });
    const events = await collect(responses().streamChat({ ...userRequest('why?'), reasoning_effort: 'high' }, never()));
    const deltas = ofType(events, 'reasoning_delta');
    assert.equal(
      deltas
        .filter((d) => d.summaryIndex === 0)
        .map((d) => d.delta)
        .join(''),
      'Reading the question.',
    );
    assert.equal(
      deltas
        .filter((d) => d.summaryIndex === 1)
        .map((d) => d.delta)
        .join(''),
      'Working out the answer.',
    );
    assert.deepEqual(ofType(events, 'reasoning'), [
      {
        type: 'reasoning',
        reasoning: { id: 'rs_1', summary: ['Reading the question.', 'Working out the answer.'], encrypted_content: 'gAAAA-secret' },
      },
    ]);
    const firstText = events.findIndex((event) => event.type === 'text');
    assert.ok(events.findIndex((event) => event.type === 'reasoning') < firstText, 'the reasoning comes before the answer');
    assert.deepEqual(server.requests[0].responsesBody?.reasoning, { effort: 'high', summary: 'auto' });
  });

  it('sends an earlier answer’s encrypted reasoning back before its text and calls, never the summary alone', async () => {
    const request: ChatRequest = {
      model: 'fake-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Read it.' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 'call_a', name: 'read_file', arguments: '{"path":"a.md"}' }],
          reasoning: { id: 'rs_1', summary: ['Need the file.'], encrypted_content: 'gAAAA-one' },
        },
        { role: 'tool', tool_call_id: 'call_a', content: 'file text' },
        { role: 'assistant', content: 'It says hello.', reasoning: { id: 'rs_2', summary: ['Shown only.'] } },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'And this?' },
            { type: 'image', url: 'data:image/png;base64,AAAA' },
          ],
        },
      ],
    };
    await collect(responses().streamChat(request, never()));
    const expected: ResponseInputItem[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Read it.' },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Need the file.' }], encrypted_content: 'gAAAA-one' },
      { type: 'function_call', call_id: 'call_a', name: 'read_file', arguments: '{"path":"a.md"}' },
      { type: 'function_call_output', call_id: 'call_a', output: 'file text' },
      { role: 'assistant', content: 'It says hello.' },
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'And this?' },
          { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'auto' },
        ],
      },
    ];
    assert.deepEqual(server.requests[0].responsesBody?.input, expected);
  });

  it('finishes with length when the response is incomplete for max_output_tokens', async () => {
    server.script({ kind: 'text', text: 'cut off here', finishReason: 'length' });
    const events = await collect(responses().streamChat({ ...userRequest('long'), max_completion_tokens: 3 }, never()));
    assert.deepEqual(events.at(-1), { type: 'done', finish_reason: 'length' });
    assert.equal(server.requests[0].responsesBody?.max_output_tokens, 3);
  });

  it('uses Azure’s v1 route with the key in api-key and the deployment as the model', async () => {
    const client = createOpenAIModelClient({
      profile: {
        id: 'az',
        provider: 'azure-openai',
        endpoint: server.azureEndpoint,
        deployment: 'my-o4',
        model: 'o4-mini',
        contextWindow: 200_000,
      },
      getApiKey: async () => testApiKey,
    });
    server.script({ kind: 'text', text: 'From Azure.', reasoning: { summary: ['Thinking on Azure.'] } });
    const events = await collect(client.streamChat(userRequest('hi'), never()));
    assert.equal(textOf(events), 'From Azure.');
    assert.equal(ofType(events, 'reasoning')[0].reasoning.summary[0], 'Thinking on Azure.');
    const [request] = server.requests;
    assert.equal(request.path, '/openai/v1/responses');
    assert.equal(request.headers['api-key'], testApiKey);
    assert.equal(request.headers.authorization, undefined, 'the key is not also sent as a bearer token');
    assert.equal(request.responsesBody?.model, 'my-o4');
  });

  it('is the default for openai profiles; openai-compatible profiles keep Chat Completions', async () => {
    const openai = createOpenAIModelClient({
      profile: { id: 'oa', provider: 'openai', baseUrl: server.url, model: 'gpt-5', contextWindow: 400_000 },
      getApiKey: async () => testApiKey,
    });
    await collect(openai.streamChat(userRequest('one'), never()));
    await collect(clientFor(server).streamChat(userRequest('two'), never()));
    assert.deepEqual(
      server.requests.map((request) => request.path),
      ['/v1/responses', '/v1/chat/completions'],
    );
  });

  it('stops at once when cancelled mid-stream, closing the connection', async () => {
    server.script({
      kind: 'text',
      text: 'one two three four five six seven eight',
      chunkDelayMs: 30,
      reasoning: { summary: ['Slow thought.'] },
    });
    const controller = new AbortController();
    const seen: ChatStreamEvent[] = [];
    const { error } = await collectFailure(
      (async function* () {
        for await (const event of responses().streamChat(userRequest('hi'), controller.signal)) {
          seen.push(event);
          if (event.type === 'text') controller.abort();
          yield event;
        }
      })(),
    );
    assert.equal(error.code, 'cancelled');
    assert.equal(ofType(seen, 'text').length, 1);
    assert.equal(await server.requests[0].ended, 'client_closed');
    assert.equal(server.requests.length, 1, 'a cancel is not retried');
  });
});
