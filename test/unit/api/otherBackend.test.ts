import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { type ApiHarness, startApiHarness } from './apiHarness';

describe('local agent API: while the workspace uses another backend', function () {
  this.timeout(20_000);
  let h: ApiHarness;
  let other: string | undefined;
  beforeEach(async () => {
    other = 'Foundry: myresource.services.ai.azure.com / myproject';
    h = await startApiHarness({ api: { otherBackend: () => other } });
  });
  afterEach(() => h.close());

  const refusal = (error: unknown): boolean =>
    error instanceof OpenAI.ConflictError &&
    error.code === 'backend_not_local' &&
    /uses Foundry: myresource.*Use Local Storage/.test(error.message);

  it('refuses every route with backend_not_local and says what to do, so no script sees threads the views do not show', async () => {
    await h.thread('a local thread');
    await assert.rejects(h.client.conversations.create(), refusal);
    await assert.rejects(h.client.responses.create({ model: 'fake/fake-model', input: 'hi' }), refusal);
    await assert.rejects(h.client.beta.threads.create(), refusal);
    await assert.rejects(h.client.beta.assistants.list(), refusal);
    assert.equal((await h.threads.list()).length, 1, 'nothing was created');
    // The token is still checked first: without it, nothing is said about the workspace.
    await assert.rejects(h.clientWith('wrong-token').conversations.create(), OpenAI.AuthenticationError);
  });

  it('serves local storage again once the workspace is back on it', async () => {
    other = undefined;
    const conversation = await h.client.conversations.create();
    assert.match(conversation.id, /^conv_/);
  });
});
