import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { faults } from '../fixtures/fakeModel/replies';
import type { ScriptedReply } from '../fixtures/fakeModel/replies';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { dismissNotifications, sendFromComposer, useFakeModel, waitForRunStatus } from './helpers';

const panel = { webview: 'thread' as const };

function runBadge(label: string, previousRunId: string, timeoutMs?: number): Promise<string> {
  return waitForRunStatus(panel, label, previousRunId, timeoutMs);
}

function send(text: string): Promise<string> {
  return sendFromComposer(panel, text);
}

/** Model faults end to end through the UI: each ends in a state a person understands, the thread intact, retry possible. */
describe('model faults, seen through the UI', () => {
  before(async () => {
    // The suite before may leave its thread panel open: this suite's panel is then the only one (see restart.test.ts).
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await dismissNotifications();
    await useFakeModel();
    const run = vscode.workspace.getConfiguration('agentThreads.run');
    await run.update('maxRetries', 1, vscode.ConfigurationTarget.Global);
    await run.update('streamIdleTimeoutSeconds', 5, vscode.ConfigurationTarget.Global);
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Sturdy',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Answer.',
    })) as { id: string };
    await vscode.commands.executeCommand('agentThreads.newThread', agent.id);
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
  });

  after(async () => {
    const run = vscode.workspace.getConfiguration('agentThreads.run');
    await run.update('maxRetries', undefined, vscode.ConfigurationTarget.Global);
    await run.update('streamIdleTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('waits out a 429 with Retry-After and completes', async () => {
    await fakeModel.script(faults.rateLimited({ ms: 300 }), { kind: 'text', text: 'Worth the wait.' });
    await runBadge('Completed', await send('Busy service?'));
    assert.ok(
      await ui.waitFor(panel, () =>
        [...document.querySelectorAll('.message.assistant')].some((m) => m.textContent?.includes('Worth the wait.')),
      ),
    );
  });

  it('restarts a dropped stream without duplicating text', async () => {
    await fakeModel.script(
      { kind: 'drop_connection', text: 'Half of an answer that drops', afterChunks: 3 },
      { kind: 'text', text: 'A whole answer.' },
    );
    await runBadge('Completed', await send('Flaky network?'));
    const last = await ui.waitFor(panel, () => [...document.querySelectorAll('.message.assistant .message-body')].pop()?.textContent);
    assert.equal(last.trim(), 'A whole answer.');
  });

  const failures: { name: string; replies: ScriptedReply[]; says: RegExp; timeoutMs?: number }[] = [
    { name: 'a 500 storm', replies: [faults.serverError(), faults.serverError()], says: /server/i },
    { name: 'an unknown model (404)', replies: [faults.modelNotFound('fake-model')], says: /model/i },
    { name: 'a context that is too long (400)', replies: [faults.contextLengthExceeded()], says: /context|too long|tokens/i },
    {
      name: 'a stream that stalls past the timeout',
      replies: [
        { kind: 'stall', text: 'Starts and stops', afterChunks: 2 },
        { kind: 'stall', text: 'Starts and stops', afterChunks: 2 },
      ],
      says: /stopped sending|did not start answering/i,
      timeoutMs: 30_000,
    },
  ];
  for (const failure of failures) {
    it(`explains ${failure.name} and recovers with Retry`, async () => {
      await fakeModel.script(...failure.replies);
      const failed = await runBadge('Failed', await send(`Trigger ${failure.name}`), failure.timeoutMs);
      const error = await ui.waitFor(panel, () => document.querySelector('.run-error-text')?.textContent);
      assert.match(error, failure.says);
      await fakeModel.script({ kind: 'text', text: `Recovered from ${failure.name}.` });
      await ui.click(panel, 'vscode-button.retry-run');
      await runBadge('Completed', failed);
      const messages = await ui.waitFor(
        panel,
        new Function(`
        const texts = [...document.querySelectorAll('.message')].map((m) => m.textContent ?? '');
        return texts.some((t) => t.includes(${JSON.stringify(`Recovered from ${failure.name}.`)})) ? texts : undefined;
      `) as () => string[] | undefined,
      );
      assert.ok(
        messages.some((m) => m.includes(`Trigger ${failure.name}`)),
        'the question is still in the thread',
      );
    });
  }
});
