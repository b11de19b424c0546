/**
 * A background response of the local agent API that a window reload cuts off mid-answer goes on in the next window:
 * the new extension host starts its model turn again from the stored thread, and the script that started it
 * retrieves it completed, with the whole answer.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fakeModel } from './fakeModel';
import { eventually, localApiCaller, settingForSuite, useFakeModel } from './helpers';
import { acrossRestart } from './restart';

const AFTER_RELOAD = 'The whole answer, written after the reload.';

describe('local agent API: a background response across a window reload', function () {
  this.timeout(120_000);
  settingForSuite('agentThreads.localApi', 'enabled', true);

  acrossRestart<{ responseId: string }>('completes after the reload with the whole answer', 'reload-window', {
    async before() {
      await vscode.commands.executeCommand('agentThreads.openChat'); // activates the extension when run on its own
      await useFakeModel();
      const call = await localApiCaller();
      await fakeModel.script(
        { kind: 'text', text: `Slowly ${'streaming word '.repeat(300)}`, chunkDelayMs: 100 },
        { kind: 'text', text: AFTER_RELOAD },
      );
      const started = await call('POST', '/responses', { model: 'fake/fake-model', input: 'Answer at length', background: true });
      const responseId = String(started.id);
      // Reloaded once part of the answer is stored: the run is mid-turn.
      await eventually(
        () => call('GET', `/responses/${responseId}`),
        (response) => response.status === 'in_progress' && String(response.output_text).includes('Slowly streaming'),
        'a partly written answer',
        30_000,
      );
      return { responseId };
    },
    async after({ responseId }) {
      await vscode.commands.executeCommand('agentThreads.openChat');
      const call = await localApiCaller();
      const done = await eventually(
        () => call('GET', `/responses/${responseId}`),
        (response) => response.status !== 'in_progress' && response.status !== 'queued',
        'the response to end',
        60_000,
      );
      assert.equal(done.status, 'completed', JSON.stringify(done.error));
      assert.equal(done.output_text, AFTER_RELOAD);
      assert.equal(done.background, true);
      await vscode.commands.executeCommand('notifications.clearAll');
    },
  });
});
