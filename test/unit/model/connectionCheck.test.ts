import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { checkConnection } from '../../../src/core/model/connectionCheck';
import type { ModelProfile } from '../../../src/core/model';
import { startFakeModelServer, type FakeModelServer } from '../../fixtures/fakeModelServer';

const profile = (baseUrl: string, model = 'fake-model'): ModelProfile => ({
  id: 'p',
  provider: 'openai-compatible',
  baseUrl,
  model,
  contextWindow: 16000,
});

/** A loopback server that accepts connections and never answers; close() ends them too. */
async function silentServer(): Promise<{ base: string; close: () => Promise<void> }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/v1`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('trying a model profile', () => {
  let server: FakeModelServer;
  beforeEach(async () => {
    server = await startFakeModelServer({ expectedApiKey: 'sk-secret-123' });
  });
  afterEach(() => server.close());
  const signal = new AbortController().signal;

  it('lists the models of a server that answers', async () => {
    const outcome = await checkConnection(profile(server.url), { apiKey: 'sk-secret-123', signal });
    assert.deepEqual(outcome, { ok: true, endpoint: server.url, via: 'models', models: ['fake-model'] });
  });

  it('names the models that exist when the profile names another', async () => {
    const outcome = await checkConnection(profile(server.url, 'llama3.1'), { apiKey: 'sk-secret-123', signal });
    assert.deepEqual(outcome, { ok: false, endpoint: server.url, problem: 'model_missing', models: ['fake-model'] });
  });

  it('says the key was refused, without repeating what the server echoed', async () => {
    const outcome = await checkConnection(profile(server.url), { apiKey: 'sk-wrong-456', signal });
    assert.deepEqual(outcome, { ok: false, endpoint: server.url, problem: 'unauthorized', status: 401 });
    assert.ok(!JSON.stringify(outcome).includes('sk-wrong-456'));
  });

  it('says a wrong base URL is not found after the one-token fallback', async () => {
    const base = server.url.replace(/\/v1$/, '/nope');
    const outcome = await checkConnection(profile(base), { apiKey: 'sk-secret-123', signal });
    assert.deepEqual(outcome, { ok: false, endpoint: base, problem: 'not_found', status: 404 });
  });

  it('says the connection was refused at a closed port', async () => {
    const base = `http://127.0.0.1:${await closedPort()}/v1`;
    const outcome = await checkConnection(profile(base), { apiKey: undefined, signal });
    assert.deepEqual(outcome, { ok: false, endpoint: base, problem: 'refused' });
  });

  it('gives up after its timeout on a server that never answers', async () => {
    const silent = await silentServer();
    try {
      const outcome = await checkConnection(profile(silent.base), { apiKey: undefined, signal, timeoutMs: 200 });
      assert.deepEqual(outcome, { ok: false, endpoint: silent.base, problem: 'timeout' });
    } finally {
      await silent.close();
    }
  });

  it('stops when the user cancels', async () => {
    const silent = await silentServer();
    const cancel = new AbortController();
    try {
      const tried = checkConnection(profile(silent.base), { apiKey: undefined, signal: cancel.signal });
      cancel.abort();
      await assert.rejects(tried);
    } finally {
      await silent.close();
    }
  });
});
