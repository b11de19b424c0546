import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { startFakeModelServer, type FakeModelServer } from '../../fixtures/fakeModelServer';

const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('fake model server', () => {
  let server: FakeModelServer;
  beforeEach(async () => {
    server = await startFakeModelServer({ expectedApiKey: 'k-123' });
  });
  afterEach(() => server.close());

  it('answers non-streamed requests with a whole completion', async () => {
    server.script({ kind: 'tool_calls', calls: [{ name: 'read_file', arguments: '{}' }] });
    const toolReply = await post(
      `${server.url}/chat/completions`,
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      { authorization: 'Bearer k-123' },
    );
    const completion = (await toolReply.json()) as { choices: { message: { tool_calls: unknown[] }; finish_reason: string }[] };
    assert.equal(completion.choices[0].finish_reason, 'tool_calls');
    assert.deepEqual(completion.choices[0].message.tool_calls, [
      { id: 'call_0', type: 'function', function: { name: 'read_file', arguments: '{}' } },
    ]);
    const echo = await post(
      `${server.url}/chat/completions`,
      { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      { authorization: 'Bearer k-123' },
    );
    assert.equal(((await echo.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content, 'You said: hi');
  });

  it('rejects a wrong key with an OpenAI-style 401 and lists models for the right one', async () => {
    const wrong = await fetch(`${server.url}/models`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: { code: string } }).error.code, 'invalid_api_key');
    const models = await fetch(`${server.url}/models`, { headers: { authorization: 'Bearer k-123' } });
    assert.equal(((await models.json()) as { data: { id: string }[] }).data[0].id, 'fake-model');
  });

  it('can be scripted over HTTP by another process', async () => {
    const queued = await post(`${server.azureEndpoint}/__fake/script`, [{ kind: 'text', text: 'scripted' }]);
    assert.deepEqual(await queued.json(), { pending: 1 });
    const reply = await post(
      `${server.url}/chat/completions`,
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      { authorization: 'Bearer k-123' },
    );
    assert.equal(((await reply.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content, 'scripted');
    const recorded = (await (await fetch(`${server.azureEndpoint}/__fake/requests`)).json()) as { path: string }[];
    assert.deepEqual(
      recorded.map((request) => request.path),
      ['/v1/chat/completions'],
    );
  });

  it('closes while a stream is stalled', async () => {
    server.script({ kind: 'stall', text: 'a b', afterChunks: 1 });
    const response = await post(
      `${server.url}/chat/completions`,
      { model: 'm', stream: true, messages: [] },
      { authorization: 'Bearer k-123' },
    );
    const reader = response.body!.getReader();
    await reader.read();
    await server.close();
    await assert.rejects(async () => {
      for (;;) if ((await reader.read()).done) throw new Error('ended cleanly instead of being cut off');
    }, /terminated/);
  });

  it('runs standalone and prints its URL', async () => {
    const script = path.join(__dirname, '../../fixtures/fakeModelServer.js');
    const child = spawn(process.execPath, [script, '--port', '0', '--word-delay-ms', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const match = /^FAKE_MODEL_URL=(http:\/\/127\.0\.0\.1:\d+\/v1)$/.exec(line);
      assert.ok(match, line);
      const reply = await post(`${match[1]}/chat/completions`, {
        model: 'm',
        stream: true,
        messages: [{ role: 'user', content: 'demo time' }],
      });
      const sse = await reply.text();
      assert.match(sse, /"content":" time"/);
      assert.match(sse, /data: \[DONE\]/);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
