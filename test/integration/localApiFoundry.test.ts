/**
 * The local agent API serves the workspace's active backend: with a Foundry project connected, a script sees the
 * project's agents (the ones the tree shows), and a response it starts with a project agent runs on the service.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { localApiCaller, settingForSuite, treeRow, useFakeFoundry } from './helpers';

const KEY = 'foundry-local-api-key-7c2e';

describe('local agent API: while the workspace uses a Foundry project', function () {
  this.timeout(120_000);
  const project = useFakeFoundry(KEY);
  settingForSuite('agentThreads.localApi', 'enabled', true);

  it("lists the project's agents and runs a response of one on the service", async () => {
    project.service.agentService.addAgentVersion('portal-agent', { kind: 'prompt', model: 'gpt-4o', instructions: 'Be brief.' });
    assert.equal(
      await vscode.commands.executeCommand('agentThreads.connectFoundry', project.service.endpoint, 'apiKey', KEY, 'agents'),
      true,
    );
    await treeRow('portal-agent');
    const call = await localApiCaller();

    const assistants = (await call('GET', '/assistants')).data as { name: string }[];
    assert.deepEqual(
      assistants.map((a) => a.name),
      ['portal-agent'],
      'the agents the tree shows, not local storage',
    );
    const created = await call('POST', '/assistants', { model: 'gpt-4o', name: 'Scripted agent', instructions: 'Be brief.' });
    await treeRow('Scripted agent');

    const conversation = await call('POST', '/conversations', {});
    const response = await call('POST', '/responses', {
      agent: { type: 'agent_reference', name: 'portal-agent' },
      conversation: conversation.id,
      input: 'hello from a script',
    });
    assert.equal(response.status, 'completed', JSON.stringify(response));
    assert.equal(response.output_text, 'Echo: hello from a script');
    const served = project.service.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/openai/v1/responses'));
    assert.deepEqual(
      served.map((r) => [(r.body?.agent as { name?: string } | undefined)?.name, r.body?.conversation]),
      [['portal-agent', conversation.id]],
      'the service ran it',
    );
    await ui.screenshot('local-api-foundry-agents');

    const refused = (await call('POST', '/responses', { model: 'gpt-4o', input: 'hi' })) as { error?: { code?: string } };
    assert.equal(refused.error?.code, 'unsupported_on_backend');
    await call('DELETE', `/assistants/${String(created.id)}`);
    await vscode.commands.executeCommand('notifications.clearAll');
  });
});
