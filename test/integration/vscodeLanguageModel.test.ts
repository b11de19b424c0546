import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { TEST_VENDOR } from '../fixtures/extensions/lmProvider/extension';
import { ui } from './driver';
import { sendFromComposer, treeRow, waitForRunStatus, showAgentThreadsView } from './helpers';

const panel = { webview: 'thread' as const };

/**
 * Extensions offer chat models through vscode.lm.registerLanguageModelChatProvider, stable from VS Code 1.104. VS Code
 * 1.100 (our minimum) has no such API, so there a test cannot offer a model and this suite is skipped; the runner
 * loads the provider (test/fixtures/extensions/lmProvider) only into the newer VS Code.
 */
const canProvideLanguageModels = 'registerLanguageModelChatProvider' in vscode.lm;

/** Has the fixture offer (or withdraw) its two models, and waits until VS Code's model list says so. */
async function offerTestModels(offer: boolean): Promise<void> {
  const expected = offer ? 2 : 0;
  const settled = new Promise<void>((resolve) => {
    const subscription = vscode.lm.onDidChangeChatModels(async () => {
      if ((await vscode.lm.selectChatModels({ vendor: TEST_VENDOR })).length !== expected) return;
      subscription.dispose();
      resolve();
    });
  });
  await vscode.commands.executeCommand('agentThreadsTest.offerLanguageModels', offer);
  await settled;
}

(canProvideLanguageModels ? describe : describe.skip)(
  'no setup: a VS Code language model (needs lm.registerLanguageModelChatProvider, VS Code 1.104+; skipped on 1.100)',
  () => {
    let savedProfiles: unknown;

    before(async () => {
      // No model profiles: the only models are the ones VS Code offers.
      const settings = vscode.workspace.getConfiguration('agentThreads');
      savedProfiles = settings.inspect('models')?.globalValue;
      await settings.update('models', undefined, vscode.ConfigurationTarget.Global);
      // Agent Threads' model registry hears the same change event first, so it knows the models once this returns.
      await offerTestModels(true);
    });

    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await offerTestModels(false);
      await vscode.workspace.getConfiguration('agentThreads').update('models', savedProfiles, vscode.ConfigurationTarget.Global);
    });

    it('offers the VS Code language models when creating an agent, and streams the chosen one’s answer', async () => {
      await showAgentThreadsView();
      const created = vscode.commands.executeCommand<{ id: string; model: { profile: string; name: string } }>('agentThreads.createAgent');
      await ui.fill('workbench', '.quick-input-widget input.input', 'No-setup helper');
      await ui.press('Enter');
      const offered = await ui.waitFor('workbench', () => {
        const title = document.querySelector('.quick-input-widget .quick-input-title')?.textContent ?? '';
        const rows = [...document.querySelectorAll('.quick-input-widget .monaco-list-row')].map((row) => row.textContent ?? '');
        return title.includes('Which model') && rows.length >= 2 ? rows : undefined;
      });
      for (const name of ['Test Echo Small', 'Test Echo Large']) {
        assert.ok(
          offered.some((row) => row.includes(name) && row.includes('no API key needed')),
          `${name} offered as a VS Code model: ${offered.join(' | ')}`,
        );
      }
      await ui.screenshot('no-setup-model-picker');
      await ui.fill('workbench', '.quick-input-widget input.input', 'Test Echo Large');
      await ui.press('Enter');
      await ui.waitFor('workbench', () =>
        document.querySelector('.quick-input-widget .quick-input-title')?.textContent?.includes('Instructions'),
      );
      await ui.press('Enter');
      const agent = await created;
      assert.match(agent.model.profile, /^vscode-lm:/);
      assert.equal(agent.model.name, 'test-echo-large');
      await treeRow('No-setup helper');

      await vscode.commands.executeCommand('agentThreads.newThread', agent.id);
      await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
      // Every text the answer shows on its way, to see it arrive in parts rather than all at once.
      await ui.evaluate(panel, () => {
        const seen: string[] = [];
        (window as unknown as { answerTexts: string[] }).answerTexts = seen;
        new MutationObserver(() => {
          const body = [...document.querySelectorAll('.message.assistant')].pop()?.querySelector('.message-body');
          const text = body?.textContent ?? '';
          if (text && seen.at(-1) !== text) seen.push(text);
        }).observe(document.getElementById('messages')!, { childList: true, characterData: true, subtree: true });
      });
      const before = await sendFromComposer(panel, 'Hello without an API key');
      const answer = await ui.waitFor(panel, () => {
        const last = [...document.querySelectorAll('.message.assistant')].pop() as HTMLElement | undefined;
        return last?.dataset.status === 'completed' ? last.querySelector('.message-body')?.textContent : undefined;
      });
      assert.match(answer, /Test Echo Large answers through vscode\.lm: you said "Hello without an API key"\./);
      await waitForRunStatus(panel, 'Completed', before);
      const texts = await ui.evaluate(panel, () => (window as unknown as { answerTexts: string[] }).answerTexts);
      const partial = texts.filter((text) => text.trim() && !text.includes('API key"'));
      assert.ok(partial.length > 0, `the answer showed in parts before it was complete: ${JSON.stringify(texts)}`);
      await ui.screenshot('no-setup-model-answer');
    });
  },
);
