/**
 * Picking another agent in the chat (the chat experience issue, problem 3): the pick decides the next run only. The
 * thread stays under the agent it began with, each answer is labelled with the agent that wrote it, and the next
 * request goes to the picked agent's model.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel, fakeModelUrl } from './fakeModel';
import {
  pickAgentInComposer,
  sendFromComposer as send,
  treeParentOf,
  useFakeModel,
  waitForRunStatus as runBadge,
  waitUntilShows,
} from './helpers';

const chat = { webview: 'chat' as const };

describe('the agent picked in the chat answers the next message', () => {
  const question = 'Per-run question one';
  let alphaId: string;
  let betaId: string;

  before(async () => {
    await useFakeModel();
    // Two profiles, each with its own model name, so the fake model's requests tell which agent's model was asked.
    await vscode.workspace.getConfiguration('agentThreads').update(
      'models',
      [
        { id: 'fake', provider: 'openai-compatible', baseUrl: fakeModelUrl(), model: 'fake-model', contextWindow: 16000 },
        { id: 'fake-beta', provider: 'openai-compatible', baseUrl: fakeModelUrl(), model: 'fake-model-beta', contextWindow: 16000 },
      ],
      vscode.ConfigurationTarget.Global,
    );
    alphaId = (
      (await vscode.commands.executeCommand('agentThreads.createAgent', {
        name: 'Per Run Alpha',
        model: { profile: 'fake', name: 'fake-model' },
        instructions: 'Answer as Alpha.',
      })) as { id: string }
    ).id;
    const beta = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Per Run Beta',
      model: { profile: 'fake-beta', name: 'fake-model-beta' },
      instructions: 'Answer as Beta.',
    })) as { id: string };
    betaId = beta.id;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The chat keeps its pick: with these agents gone it falls back to the first, as later suites expect.
    for (const id of [alphaId, betaId]) await vscode.commands.executeCommand('agentThreads.deleteAgent', id, true);
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await useFakeModel();
  });

  it('keeps the thread under its first agent, labels each answer with its agent, and sends to the picked agent’s model', async () => {
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await pickAgentInComposer(chat, 'Per Run Alpha');
    await fakeModel.script({ kind: 'text', text: 'Alpha answers first.' });
    const first = await send(chat, question);
    await runBadge(chat, 'Completed', first);

    await pickAgentInComposer(chat, 'Per Run Beta');
    // The composer names the agent the next message goes to.
    await waitUntilShows(
      chat,
      () => (document.querySelector('#input') as HTMLElement & { placeholder: string }).placeholder,
      /^Message Per Run Beta…/,
    );
    await fakeModel.script({ kind: 'text', text: 'Beta answers second.' });
    const second = await send(chat, 'Per-run question two');
    await runBadge(chat, 'Completed', second);

    // Each answer, scrolled into view as a reader scrolling back would (the chat may be too short for both at once).
    const answers = await waitUntilShows(chat, () => {
      const box = document.getElementById('messages')!.getBoundingClientRect();
      return [...document.querySelectorAll('.message.assistant')].map((message) => {
        message.scrollIntoView({ block: 'nearest' });
        const rect = message.getBoundingClientRect();
        return {
          author: message.querySelector('.message-author')?.textContent,
          text: message.querySelector('.message-body')?.textContent?.trim(),
          onScreen: rect.top >= box.top - 1 && rect.bottom <= box.bottom + 1 && rect.height > 0,
        };
      });
    }, [
      { author: 'Per Run Alpha', text: 'Alpha answers first.', onScreen: true },
      { author: 'Per Run Beta', text: 'Beta answers second.', onScreen: true },
    ]);
    assert.equal(answers.length, 2);
    await ui.screenshot('chat-two-agents-one-thread');

    const models = (await fakeModel.requests()).filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body?.model);
    assert.deepEqual(models.slice(-2), ['fake-model', 'fake-model-beta'], 'the second message went to Beta’s model');

    const parent = await treeParentOf(question);
    assert.match(parent, /Per Run Alpha/, 'the thread stays under the agent it began with');
    assert.doesNotMatch(parent, /Per Run Beta/);

    // Reopened (here in a panel, picked by its title), the thread's picker starts at the agent that answered last.
    void vscode.commands.executeCommand('agentThreads.openThread');
    await ui.fill('workbench', '.quick-input-widget input.input', question);
    await ui.waitFor(
      'workbench',
      new Function(`
        return [...document.querySelectorAll('.quick-input-widget .monaco-list-row')].some((row) => row.textContent?.includes(${JSON.stringify(question)}));
      `) as () => boolean,
    );
    await ui.press('Enter');
    const panel = { webview: 'thread' as const, title: question };
    const picked = await waitUntilShows(
      panel,
      () => {
        const select = document.querySelector<HTMLElement & { value: string }>('#agent');
        return { value: select?.value, shown: select?.shadowRoot?.querySelector('.select-face .text')?.textContent?.trim() };
      },
      { value: betaId, shown: 'Per Run Beta' },
    );
    assert.equal(picked.shown, 'Per Run Beta');
  });
});
