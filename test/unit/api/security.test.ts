import { strict as assert } from 'node:assert';
import { Agent, request } from 'node:http';
import OpenAI from 'openai';
import { LocalAgentApi } from '../../../src/core/api';
import { type ApiHarness, startApiHarness } from './apiHarness';

/** A raw request, for headers the openai package would not send (a foreign Host, no Authorization). */
function rawRequest(port: number, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/v1/assistants', method: body === undefined ? 'GET' : 'POST', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('local agent API: who may call it', function () {
  // As in test/unit/.mocharc.json: runs load the tokenizer and talk HTTP twice, which can take seconds on a busy machine.
  this.timeout(20_000);
  let h: ApiHarness;
  beforeEach(async () => {
    h = await startApiHarness();
  });
  afterEach(() => h.close());

  it('listens on 127.0.0.1 only, with a 43-character base64url token', () => {
    const url = new URL(h.address.url);
    assert.equal(url.hostname, '127.0.0.1');
    assert.equal(url.pathname, '/v1');
    assert.match(h.address.token, /^[A-Za-z0-9_-]{43}$/);
  });

  it('answers 401 in the OpenAI error shape without a token or with a wrong one, and never echoes the token', async () => {
    const missing = await rawRequest(h.address.port, { Host: `127.0.0.1:${h.address.port}` });
    assert.equal(missing.status, 401);
    const body = JSON.parse(missing.body) as { error: { type: string; code: string; message: string; param: null } };
    assert.equal(body.error.type, 'authentication_error');
    assert.equal(body.error.code, 'invalid_api_key');
    assert.equal(body.error.param, null);

    const wrong = h.clientWith(`${h.address.token.slice(0, -1)}x`);
    await assert.rejects(wrong.beta.assistants.list(), (error: unknown) => {
      assert.ok(error instanceof OpenAI.AuthenticationError);
      assert.equal(error.status, 401);
      assert.ok(!error.message.includes(h.address.token.slice(0, 20)));
      return true;
    });
    const right = await h.client.beta.assistants.list();
    assert.deepEqual(right.data, []);
  });

  it('refuses browser requests (any Origin) with 403, even with the right token', async () => {
    const fromPage = h.clientWith(h.address.token, { Origin: 'http://127.0.0.1:5173' });
    await assert.rejects(
      fromPage.beta.assistants.list(),
      (error: unknown) => error instanceof OpenAI.PermissionDeniedError && error.status === 403,
    );
  });

  it('refuses a Host other than 127.0.0.1/localhost on its port with 403 (DNS rebinding)', async () => {
    const auth = { Authorization: `Bearer ${h.address.token}` };
    const rebound = await rawRequest(h.address.port, { ...auth, Host: `attacker.example:${h.address.port}` });
    assert.equal(rebound.status, 403);
    assert.equal((JSON.parse(rebound.body) as { error: { code: string } }).error.code, 'host_not_allowed');
    const otherPort = await rawRequest(h.address.port, { ...auth, Host: `127.0.0.1:${h.address.port + 1}` });
    assert.equal(otherPort.status, 403);
    const localhost = await rawRequest(h.address.port, { ...auth, Host: `localhost:${h.address.port}` });
    assert.equal(localhost.status, 200);
  });

  it('refuses bodies over 10 MB with 413', async () => {
    const huge = JSON.stringify({ model: 'fake/fake-model', instructions: 'x'.repeat(10 * 1024 * 1024 + 1) });
    const response = await rawRequest(
      h.address.port,
      { Host: `127.0.0.1:${h.address.port}`, Authorization: `Bearer ${h.address.token}`, 'Content-Type': 'application/json' },
      huge,
    );
    assert.equal(response.status, 413);
    assert.deepEqual(await h.agents.list(), []);
  });

  it('answers 413 with Connection: close, so a keep-alive client sends its next request on a fresh socket', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const headers = { Host: `127.0.0.1:${h.address.port}`, Authorization: `Bearer ${h.address.token}` };
    const send = (method: string, body?: string) =>
      new Promise<{ status: number; connection?: string; reusedSocket: boolean }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: h.address.port,
            path: '/v1/assistants',
            method,
            agent,
            headers: { ...headers, 'Content-Type': 'application/json' },
          },
          (res) => {
            res.resume();
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, reusedSocket: req.reusedSocket }),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      const huge = JSON.stringify({ model: 'fake/fake-model', instructions: 'x'.repeat(10 * 1024 * 1024 + 1) });
      const refused = await send('POST', huge);
      assert.equal(refused.status, 413);
      assert.equal(refused.connection, 'close');
      const next = await send('GET');
      assert.equal(next.status, 200);
      assert.equal(next.reusedSocket, false, 'the closed socket was not reused');
    } finally {
      agent.destroy();
    }
  });

  it('makes a new token on every start, and the old one stops working', async () => {
    const first = h.address;
    await h.api.stop();
    const second = await h.api.start();
    assert.notEqual(second.token, first.token);
    const stale = new OpenAI({ baseURL: second.url, apiKey: first.token, maxRetries: 0 });
    await assert.rejects(stale.beta.assistants.list(), (error: unknown) => error instanceof OpenAI.AuthenticationError);
    const fresh = new OpenAI({ baseURL: second.url, apiKey: second.token, maxRetries: 0 });
    assert.equal((await fresh.beta.assistants.list()).data.length, 0);
  });

  it('refuses a second start while running and a port outside 0..65535', async () => {
    await assert.rejects(h.api.start(), /already running/);
    const other = new LocalAgentApi({
      ...h,
      engine: h.engine,
      resolveModelName: () => undefined,
      logger: { info() {}, warn() {}, error() {} },
    });
    await assert.rejects(other.start({ port: 70_000 }), /0 to 65535/);
  });
});
