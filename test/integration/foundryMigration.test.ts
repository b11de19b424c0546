import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startFakeFoundryServer, type FakeFoundryServer } from '../fixtures/fakeFoundryServer';
import { ui } from './driver';
import { sendFromComposer, treeRow, waitForRunStatus as runBadge } from './helpers';

const panel = { webview: 'thread' as const };
const KEY = 'foundry-migration-key-8c2e';

/**
 * One Foundry project with both APIs, in the real UI: a workspace on the classic agents upgrades its agent to a new
 * (versioned) one and copies its thread into a conversation, then switches to the new agents and goes on there.
 */
describe('a Foundry project from classic agents to new ones', () => {
  let service: FakeFoundryServer;

  before(async () => {
    service = await startFakeFoundryServer({ apiKey: KEY });
    await vscode.commands.executeCommand('workbench.view.extension.agentThreads');
  });

  after(async () => {
    await vscode.commands.executeCommand('agentThreads.useLocalStorage');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await service.close();
  });

  it('upgrades a classic agent, copies its thread into a conversation, and continues it on the new agents', async () => {
    assert.equal(await vscode.commands.executeCommand('agentThreads.connectFoundry', service.endpoint, 'apiKey', KEY, 'classic'), true);
    const classicAgent = await vscode.commands.executeCommand<{ id: string }>('agentThreads.createAgent', {
      name: 'Billing Helper',
      model: { profile: 'foundry', name: 'gpt-4o' },
      instructions: 'Answer billing questions.',
      tools: [{ name: 'read_file' }],
    });
    assert.match(classicAgent.id, /^asst_/, 'a classic assistant');
    const thread = await vscode.commands.executeCommand<{ id: string }>('agentThreads.newThread', classicAgent.id);
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    const before = await sendFromComposer(panel, 'Why was I billed twice?');
    await runBadge(panel, 'Completed', before);

    const upgraded = await vscode.commands.executeCommand<{ agentId: string; notCarried: string[] }>(
      'agentThreads.upgradeClassicAgent',
      classicAgent.id,
    );
    assert.equal(upgraded.agentId, 'Billing-Helper');
    assert.deepEqual(upgraded.notCarried, [], 'a classic agent made here has only workspace tools');
    const version = service.requests.find((r) => r.method === 'POST' && r.path.endsWith('/agents/Billing-Helper/versions'));
    assert.equal((version?.body?.definition as { instructions?: string } | undefined)?.instructions, 'Answer billing questions.');

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const conversationId = await vscode.commands.executeCommand<string>('agentThreads.moveThread', thread.id, true, 'conversation');
    assert.match(conversationId, /^conv_/);
    assert.ok(!service.requests.some((r) => r.method === 'DELETE' && r.path.includes(thread.id)), 'the classic thread is kept');
    assert.match(await treeRow('Why was I billed twice?'), /Why was I billed twice\?/, 'and still shown on the classic agents');

    // The workspace moves to the new agents: the upgraded agent has the copied conversation, which goes on there.
    assert.equal(await vscode.commands.executeCommand('agentThreads.connectFoundry', service.endpoint, 'apiKey', KEY, 'agents'), true);
    assert.match(await treeRow('Billing Helper'), /Billing Helper/);
    await vscode.commands.executeCommand('agentThreads.openThread', conversationId);
    const texts = await ui.waitFor(panel, () => {
      const messages = [...document.querySelectorAll('.message .message-body')].map((m) => m.textContent ?? '');
      return messages.length === 2 ? messages : undefined;
    });
    assert.match(texts[0], /Why was I billed twice\?/);
    assert.match(texts[1], /Echo: Why was I billed twice\?/);
    const next = await sendFromComposer(panel, 'And the refund?');
    await runBadge(panel, 'Completed', next);
    await ui.screenshot('foundry-migrated-conversation');
    const response = service.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/openai/v1/responses')).at(-1);
    assert.deepEqual(response?.body?.agent, { type: 'agent_reference', name: 'Billing-Helper', version: '1' });
    assert.equal(response?.body?.conversation, conversationId);
  });
});
