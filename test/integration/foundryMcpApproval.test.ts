import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { sendFromComposer, treeRow, useFakeFoundry, waitForRunStatus as runBadge } from './helpers';

const panel = { webview: 'thread' as const };
const KEY = 'foundry-mcp-key-71b0';

/** The text of the newest answer once it is complete. */
function lastAnswer(): string | undefined {
  const last = [...document.querySelectorAll('.message.assistant')].pop() as HTMLElement | undefined;
  return last?.dataset.status === 'completed' ? (last.querySelector('.message-body')?.textContent?.trim() ?? undefined) : undefined;
}

/**
 * An agent of the new Foundry agents with an MCP server that asks before each call: the service's
 * mcp_approval_request becomes our approval card, and the user's answer goes back as an mcp_approval_response.
 */
describe("a Foundry agent's MCP tool asks before each call", () => {
  const project = useFakeFoundry(KEY);

  before(async () => {
    // Made in the portal: this window's agent editor declares workspace tools only.
    project.service.agentService.addAgentVersion('docs-agent', {
      kind: 'prompt',
      model: 'gpt-4o',
      instructions: 'Use the docs server.',
      tools: [{ type: 'mcp', server_label: 'docs', server_url: 'https://mcp.example.invalid', require_approval: 'always' }],
    });
    assert.equal(
      await vscode.commands.executeCommand('agentThreads.connectFoundry', project.service.endpoint, 'apiKey', KEY, 'agents'),
      true,
    );
    await treeRow('docs-agent');
  });

  /** Asks for the MCP tool in a new thread and waits for its approval card; returns the request's id. */
  async function askForSearch(): Promise<string> {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.newThread', 'docs-agent');
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    const before = await sendFromComposer(panel, 'mcp search {"q":"refunds"}');
    await runBadge(panel, 'Needs approval', before);
    const card = await ui.waitFor(panel, () => {
      const pending = document.querySelector<HTMLElement>('.tool-call.approval:not(.decided)');
      const approve = pending?.querySelector('vscode-button.approve');
      return pending && approve
        ? { title: pending.querySelector('.tool-call-title')?.textContent ?? '', text: pending.textContent ?? '' }
        : undefined;
    });
    assert.match(card.title, /docs · search/, 'the card names the MCP server and its tool');
    assert.match(card.text, /refunds/, 'and shows what it is asked with');
    const asked = project.service.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/openai/v1/responses')).at(-1);
    assert.deepEqual(asked?.body?.agent, { type: 'agent_reference', name: 'docs-agent', version: '1' });
    // The request the service made, as it keeps it: the answer must name it.
    const responseId = project.service.agentService.responseIds().at(-1)!;
    const response = await fetch(`${project.service.endpoint}/openai/v1/responses/${responseId}`, { headers: { 'api-key': KEY } });
    const output = ((await response.json()) as { output: { type: string; id: string }[] }).output;
    const request = output.find((item) => item.type === 'mcp_approval_request');
    assert.ok(request, JSON.stringify(output));
    return request.id;
  }

  /** The approval answer the extension sent the service last. */
  function sentApproval(): unknown {
    const sent = project.service.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/openai/v1/responses')).at(-1);
    return (sent?.body?.input as unknown[] | undefined)?.[0];
  }

  it('Approve sends the approval; the service calls the tool and the run finishes with its answer', async () => {
    const requestId = await askForSearch();
    await ui.screenshot('foundry-mcp-approval');
    await ui.click(panel, '.tool-call.approval:not(.decided) vscode-button.approve');
    await runBadge(panel, 'Completed');
    assert.equal(await ui.waitFor(panel, lastAnswer), 'MCP search said: search result');
    assert.deepEqual(sentApproval(), { type: 'mcp_approval_response', approval_request_id: requestId, approve: true });
  });

  it('Deny sends the refusal; the tool is not called and the run finishes saying so', async () => {
    const requestId = await askForSearch();
    await ui.click(panel, '.tool-call.approval:not(.decided) vscode-button.deny');
    await runBadge(panel, 'Completed');
    assert.equal(await ui.waitFor(panel, lastAnswer), 'MCP search was not called.');
    assert.deepEqual(sentApproval(), { type: 'mcp_approval_response', approval_request_id: requestId, approve: false });
    // Opened again, the thread shows the request as a card that says it was denied (not "Completed").
    const threadId = await ui.evaluate(panel, () => document.body.dataset.threadId ?? '');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.openThread', threadId);
    const cards = await ui.waitFor(panel, () => {
      const shown = [...document.querySelectorAll<HTMLElement>('.tool-call')].map(
        (card) =>
          `${card.querySelector('.tool-call-title')?.textContent ?? ''}: ${card.querySelector('.tool-call-status')?.textContent ?? ''}`,
      );
      return document.querySelectorAll('.message').length >= 3 ? shown : undefined;
    });
    assert.deepEqual(cards, ['docs · search: Denied'], 'the card says the call was denied');
  });
});
