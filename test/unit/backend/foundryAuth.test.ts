import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { FoundryBackend } from '../../../src/core/backend/foundry';
import { ToolRegistry } from '../../../src/core/tools/toolRegistry';
import { silentLogger } from '../../../src/core/util/logger';
import { startFakeFoundryServer, type FakeFoundryServer } from '../../fixtures/fakeFoundryServer';

const tlsDir = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'tls');
const tls = { key: readFileSync(join(tlsDir, 'localhost.key'), 'utf8'), cert: readFileSync(join(tlsDir, 'localhost.crt'), 'utf8') };

/** A credential like VS Code's Microsoft account one: hands out a token for the scopes asked and counts the asks. */
class CountingCredential implements TokenCredential {
  scopes: string[] = [];
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: 'entra-token-7f3a', expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

describe('Foundry authentication', () => {
  let service: FakeFoundryServer;
  afterEach(async () => service?.close());

  it('sends the Microsoft account token as a bearer token over TLS, for the Foundry scope', async () => {
    service = await startFakeFoundryServer({ apiKey: 'entra-token-7f3a', tls });
    const credential = new CountingCredential();
    // Only this test trusts the fixture certificate: a policy hands the request an agent that does.
    const trustFixture = {
      policy: {
        name: 'trustFixtureCertificate',
        sendRequest: (request: { agent?: unknown }, next: (r: never) => Promise<unknown>) =>
          next(Object.assign(request, { agent: new HttpsAgent({ ca: tls.cert }) }) as never),
      },
      position: 'perCall' as const,
    };
    const backend = new FoundryBackend(
      { endpoint: service.endpoint, auth: { kind: 'entra', credential }, additionalPolicies: [trustFixture as never] },
      new ToolRegistry(),
      silentLogger,
    );
    const agent = await backend.agents.create({ name: 'Secure', model: { profile: 'foundry', name: 'gpt-4o' } });
    assert.equal((await backend.agents.get(agent.id)).name, 'Secure');
    assert.equal(service.requests[0].headers.authorization, 'Bearer entra-token-7f3a');
    assert.deepEqual([...new Set(credential.scopes)], ['https://ai.azure.com/.default']);
    backend.dispose();
  });

  it('refuses to send a token to a plain-http endpoint, and says why', () => {
    assert.throws(
      () =>
        new FoundryBackend(
          { endpoint: 'http://127.0.0.1:9/api/projects/x', auth: { kind: 'entra', credential: new CountingCredential() } },
          new ToolRegistry(),
          silentLogger,
        ),
      /needs an https:\/\/ project endpoint/,
    );
    assert.throws(
      () =>
        new FoundryBackend(
          { endpoint: 'http://example.com/api/projects/x', auth: { kind: 'apiKey', key: async () => 'k' } },
          new ToolRegistry(),
          silentLogger,
        ),
      /must use https:\/\//,
    );
  });

  it('turns a wrong key into a plain 401 message that names the fix and never the key', async () => {
    service = await startFakeFoundryServer({ apiKey: 'right-key' });
    const backend = new FoundryBackend(
      { endpoint: service.endpoint, auth: { kind: 'apiKey', key: async () => 'wrong-key-SECRET' } },
      new ToolRegistry(),
      silentLogger,
    );
    await assert.rejects(backend.agents.list(), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'foundry_unauthorized');
      assert.match(error.message, /401/);
      assert.match(error.message, /API key|Sign in/);
      assert.doesNotMatch(error.message, /SECRET/);
      return true;
    });
    backend.dispose();
  });
});
