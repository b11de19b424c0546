import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import {
  dismissNotifications,
  notification,
  paletteRows,
  sendFromComposer,
  treeRow,
  useFakeFoundry,
  waitForRunStatus as runBadge,
} from './helpers';

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

  /** The tool cards on screen once the thread shows `messages` messages: "<title>: <status>" for each one seen. */
  async function shownCards(messages: number): Promise<string[]> {
    return ui.waitFor(
      panel,
      new Function(`
        if (document.querySelectorAll('.message').length < ${messages}) return undefined;
        return [...document.querySelectorAll('.message .tool-call')]
          .filter((card) => card.getBoundingClientRect().height > 0)
          .map((card) => (card.querySelector('.tool-call-title')?.textContent ?? '') + ': ' + (card.querySelector('.tool-call-status')?.textContent ?? ''));
      `) as () => string[] | undefined,
    );
  }

  /** Opens the thread the panel shows again, from the service. */
  async function reopenThread(): Promise<void> {
    const threadId = await ui.evaluate(panel, () => document.body.dataset.threadId ?? '');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.openThread', threadId);
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
    // The decided card stays in the answer, with the call the service then made and its output.
    const expected = ['docs · search: Done', 'docs · search: Done'];
    assert.deepEqual(await shownCards(4), expected, 'the cards stay after the decision');
    const output = await ui.evaluate(panel, () => [...document.querySelectorAll('.message .tool-output')].map((o) => o.textContent));
    assert.ok(output.includes('search result'), JSON.stringify(output));
    await ui.screenshot('foundry-mcp-approved-card');
    await reopenThread();
    assert.deepEqual(await shownCards(4), expected, 'and when the thread is opened again');
  });

  it('Deny sends the refusal; the tool is not called and the run finishes saying so', async () => {
    const requestId = await askForSearch();
    await ui.click(panel, '.tool-call.approval:not(.decided) vscode-button.deny');
    await runBadge(panel, 'Completed');
    assert.equal(await ui.waitFor(panel, lastAnswer), 'MCP search was not called.');
    assert.deepEqual(sentApproval(), { type: 'mcp_approval_response', approval_request_id: requestId, approve: false });
    // The card stays in the answer and says it was denied (not "Completed"), and so it does when opened again.
    assert.deepEqual(await shownCards(3), ['docs · search: Denied'], 'the card says the call was denied');
    await reopenThread();
    assert.deepEqual(await shownCards(3), ['docs · search: Denied'], 'the card says the call was denied');
  });

  it('offers no Upgrade Classic Agent on a project of new agents only, nor on local storage; run anyway, it says why', async () => {
    const upgrade = 'Upgrade Classic Agent';
    const offered = async (): Promise<string[]> =>
      (await paletteRows(`Agent Threads: ${upgrade}`, null)).filter((row) => row.includes(upgrade));
    assert.deepEqual(await offered(), [], 'offered on a project without classic agents');
    await vscode.commands.executeCommand('agentThreads.upgradeClassicAgent');
    const told = await notification('no classic agents');
    assert.match(told.message, /nothing to upgrade/);
    assert.match(told.message, /Create Agent/, 'it says what to do instead');
    await dismissNotifications();

    await vscode.commands.executeCommand('agentThreads.useLocalStorage');
    assert.deepEqual(await offered(), [], 'offered without a Foundry project');
  });
});
