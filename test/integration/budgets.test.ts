/**
 * Budgets in the real UI: a run pauses at its budget before the model call, with a budget card on screen (inside the
 * viewport, in three themes at 240 and 600 px); Continue resumes it, Stop ends it cancelled with the reason; a window
 * reload in between keeps the pause.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import {
  giveTheChatTheRoom,
  giveTheTreeRoom,
  pickAgentInComposer,
  sendFromComposer,
  setSidebarWidth,
  sidebarWidth,
  THEMES,
  useFakeModel,
  useTheme,
  waitForRunStatus,
  waitUntilShows,
} from './helpers';
import { acrossRestart } from './restart';

const panel = { webview: 'thread' as const };
const chat = { webview: 'chat' as const };
const PAUSED = 'Paused at budget';

const budgets = () => vscode.workspace.getConfiguration('agentThreads.budgets');

/** The budget card as a person sees it: its text, and whether it and its buttons lie inside the viewport. */
function shownBudgetCard(): { title: string; text: string; continueLabel: string; inside: boolean } | undefined {
  const card = document.querySelector('.budget-card:not(.decided)') as HTMLElement | null;
  if (!card || card.offsetParent === null) return undefined;
  const boxes = [card, ...card.querySelectorAll('vscode-button')].map((e) => e.getBoundingClientRect());
  const inside = boxes.every(
    (b) => b.width > 0 && b.left >= 0 && b.top >= 0 && b.right <= window.innerWidth && b.bottom <= window.innerHeight,
  );
  return {
    title: card.querySelector('.budget-title')?.textContent?.trim() ?? '',
    text: card.textContent ?? '',
    continueLabel: card.querySelector('.budget-continue')?.textContent?.trim() ?? '',
    inside,
  };
}

/**
 * Whether the budget card shows whole, and which of the controls a person needs now can be clicked: the middle of each one's box shows that control, not the
 * edge of a scrolled panel, another view or the window's end (the composer's run button is Cancel while it waits).
 */
function controlsWithinReach(): Record<string, boolean> {
  const reachable = (selector: string) => {
    const element = document.querySelector(selector);
    const box = element?.getBoundingClientRect();
    if (!element || !box || box.width === 0 || box.height === 0) return false;
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit !== null && (hit === element || element.contains(hit));
  };
  const card = document.querySelector('.budget-card:not(.decided)')?.getBoundingClientRect();
  const panel = document.querySelector('.budget-card:not(.decided)')?.closest('.run-details')?.getBoundingClientRect();
  return {
    wholeCard: !!card && !!panel && card.top >= panel.top && card.bottom <= panel.bottom + 0.5,
    continue: reachable('.budget-card:not(.decided) .budget-continue'),
    stop: reachable('.budget-card:not(.decided) .budget-stop'),
    input: reachable('#input'),
    cancel: reachable('#cancel'),
  };
}
const ALL_WITHIN_REACH = { wholeCard: true, continue: true, stop: true, input: true, cancel: true };

async function modelCalls(): Promise<number> {
  return (await fakeModel.requests()).filter((r) => r.path.endsWith('/chat/completions')).length;
}

describe('budgets: a run pauses before the model call that would pass a budget', () => {
  after(async () => {
    for (const key of ['threadTokens', 'runTokens']) await budgets().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await useFakeModel();
  });

  acrossRestart<{ threadId: string; runId: string; calls: number }>(
    'the pause and its card survive a window reload, and Continue then lets the model call happen',
    'reload-window',
    {
      async before() {
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        await useFakeModel();
        await budgets().update('threadTokens', 10_000, vscode.ConfigurationTarget.Global);
        const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
          name: 'Budgeted',
          model: { profile: 'fake', name: 'fake-model' },
          instructions: 'Answer.',
        })) as { id: string };
        const thread = (await vscode.commands.executeCommand('agentThreads.newThread', agent.id)) as { id: string };
        await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
        // The first answer uses 9,995 of the thread's 10,000 tokens (the next prompt, with the tools, is a few hundred).
        await fakeModel.script({ kind: 'text', text: 'First answer.', usage: { prompt_tokens: 9_990, completion_tokens: 5 } });
        await waitForRunStatus(panel, 'Completed', await sendFromComposer(panel, 'First question'));
        const calls = await modelCalls();
        const runId = await waitForRunStatus(panel, PAUSED, await sendFromComposer(panel, 'Second question'));
        const card = await ui.waitFor(panel, shownBudgetCard);
        assert.equal(card.title, '10,000-token thread budget reached');
        assert.equal(card.continueLabel, 'Continue (+5,000)');
        assert.match(card.text, /Used so far: 9,995\./);
        assert.ok(card.inside, 'the card and its buttons are inside the viewport');
        assert.equal(await modelCalls(), calls, 'the paused run made no model call');
        await ui.screenshot('budget-card-panel-before-reload');
        return { threadId: thread.id, runId, calls };
      },
      async after({ threadId, runId, calls }) {
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        await vscode.commands.executeCommand('agentThreads.openThread', threadId);
        assert.equal(await waitForRunStatus(panel, PAUSED, undefined, 30_000), runId, 'the same run is still paused');
        const card = await ui.waitFor(panel, shownBudgetCard);
        assert.equal(card.title, '10,000-token thread budget reached');
        await ui.screenshot('budget-card-panel-after-reload');
        await fakeModel.script({ kind: 'text', text: 'Answer after the budget.', usage: { prompt_tokens: 20, completion_tokens: 4 } });
        await ui.click(panel, '.budget-card .budget-continue');
        await waitForRunStatus(panel, 'Completed', undefined, 30_000);
        await ui.waitFor(panel, () =>
          [...document.querySelectorAll('.message.assistant')].some((m) => m.textContent?.includes('Answer after the budget.')),
        );
        assert.equal(await modelCalls(), calls + 1);
        await budgets().update('threadTokens', undefined, vscode.ConfigurationTarget.Global);
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      },
    },
  );

  it('shows the card in the chat in three themes at 240 and 600 px, and Stop ends the run cancelled with the reason', async () => {
    const originalWidth = await sidebarWidth();
    await useFakeModel();
    await budgets().update('runTokens', 1, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await pickAgentInComposer(chat, 'Budgeted');
    const calls = await modelCalls();
    await waitForRunStatus(chat, PAUSED, await sendFromComposer(chat, 'A question over budget'));
    try {
      for (const [theme, bodyClass, short] of THEMES) {
        await useTheme(theme, bodyClass, [chat]);
        for (const width of [240, 600]) {
          await setSidebarWidth(width);
          const card = await ui.waitFor(chat, shownBudgetCard);
          assert.equal(card.title, '1-token run budget reached');
          assert.ok(card.inside, `the card is inside the viewport (${theme}, ${width} px)`);
          await waitUntilShows(chat, controlsWithinReach, ALL_WITHIN_REACH);
          await ui.screenshot(`budget-card-${short}-${width}`);
        }
      }
      // The Agents tree open over most of the sidebar leaves the chat short: the card's buttons and the composer
      // still show whole (they were once cut off, one under the composer, the other under the next view's header).
      await setSidebarWidth(240);
      await giveTheTreeRoom();
      await ui.waitFor(chat, shownBudgetCard);
      await ui.screenshot('budget-card-short-chat');
      await waitUntilShows(chat, controlsWithinReach, ALL_WITHIN_REACH);
    } finally {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
      await setSidebarWidth(originalWidth);
      await giveTheChatTheRoom();
    }
    await ui.click(chat, '.budget-card .budget-stop');
    await waitForRunStatus(chat, 'Cancelled');
    await waitUntilShows(
      chat,
      () => document.querySelector('.run-error')?.textContent?.trim() ?? '',
      /Stopped at the 1-token run budget\./,
    );
    assert.equal(await modelCalls(), calls, 'no model call was made');
    await budgets().update('runTokens', undefined, vscode.ConfigurationTarget.Global);
  });
});
