/**
 * Compaction that forgets nothing (issue 19): when the next call would not fit the agent's model, the older part of the
 * thread is summarized into a summary appended to the thread; the next request carries the summary and the newest
 * messages, not the summarized ones; the originals stay in the thread, and search finds them. The thread view shows
 * "Earlier conversation summarized (N messages)" where it happened, expandable to the summary.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel, fakeModelUrl } from './fakeModel';
import {
  sendFromComposer,
  setSidebarWidth,
  sidebarWidth,
  THEMES,
  threadExportFile,
  useFakeModel,
  useTheme,
  waitUntilShows,
} from './helpers';

const chat = { webview: 'chat' as const };
/** About 90 tokens each, with a word of its own that search can find. */
const original = (i: number): string => `Original zebra${i}q ${'word '.repeat(88).trim()}`;
const SUMMARY = 'CompactedSummary: the user sent eight numbered originals.';

describe('compaction keeps a summary in the thread and sends it instead of the older messages', () => {
  let agentId: string;
  const threadIds: string[] = [];
  let originalWidth: number;

  before(async () => {
    await useFakeModel();
    // The agent's own profile has a 1,024-token window (the smallest the settings take): the thread below does not fit it, though it fits the 16,000 of `fake`.
    await vscode.workspace.getConfiguration('agentThreads').update(
      'models',
      [
        { id: 'fake', provider: 'openai-compatible', baseUrl: fakeModelUrl(), model: 'fake-model', contextWindow: 16000 },
        { id: 'fake-small', provider: 'openai-compatible', baseUrl: fakeModelUrl(), model: 'fake-small', contextWindow: 1024 },
      ],
      vscode.ConfigurationTarget.Global,
    );
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Compacting Agent',
      model: { profile: 'fake-small', name: 'fake-small' },
      instructions: 'Answer briefly.',
      context_overflow: 'compact',
    })) as { id: string };
    agentId = agent.id;
    originalWidth = await sidebarWidth();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await setSidebarWidth(originalWidth);
    // Its threads too, not only its agent: they would lengthen the tree later suites search.
    for (const threadId of threadIds) await vscode.commands.executeCommand('agentThreads.deleteThread', threadId, true);
    await vscode.commands.executeCommand('agentThreads.deleteAgent', agentId, true);
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await useFakeModel();
  });

  it('summarizes before the call, sends the summary and the newest messages, and keeps the originals findable', async () => {
    const file = threadExportFile(8, 'compact0001', agentId, {
      title: 'Compaction thread',
      texts: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [i, original(i)])),
    });
    const imported = (await vscode.commands.executeCommand('agentThreads.importThread', file)) as { id: string };
    threadIds.push(imported.id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.openChat');
    await vscode.commands.executeCommand('agentThreads.openThreadInChat', imported.id);
    await ui.waitFor(chat, () => document.body.dataset.threadId !== undefined && document.querySelectorAll('.message').length >= 8);
    await fakeModel.reset();
    // As many summary replies as the summary may take calls (a part that does not fit one call goes in the next).
    await fakeModel.script({ kind: 'text', text: SUMMARY }, { kind: 'text', text: SUMMARY }, { kind: 'text', text: SUMMARY });
    await sendFromComposer(chat, 'What did I send?');
    const ended = await ui
      .waitFor(
        chat,
        () => {
          const badge = document.getElementById('run-status');
          return badge && !badge.hidden && ['Completed', 'Failed', 'Cancelled', 'Incomplete'].includes(badge.textContent ?? '')
            ? `${badge.textContent}: ${document.body.innerText.slice(-600)}`
            : undefined;
        },
        60_000,
      )
      .catch(async (error: unknown) => {
        await ui.screenshot('compaction-run-stuck');
        const text = await ui.evaluate(chat, () => document.body.innerText.replace(/(word\s+)+/g, '… '));
        const asked = (await fakeModel.requests()).map((r) => r.path).join(', ');
        throw new Error(`${String(error).slice(0, 200)}\nrequests: ${asked}\nview: ${text}`);
      });
    assert.match(ended, /^Completed/, ended);

    const requests = (await fakeModel.requests()).filter((r) => r.body?.messages);
    assert.ok(requests.length >= 2, 'summary calls, then the answer');
    const summaryInput = JSON.stringify(requests.slice(0, -1).map((r) => r.body!.messages));
    assert.ok(summaryInput.includes('zebra0q'), 'the oldest message went to the summary');
    const sent = requests
      .at(-1)!
      .body!.messages.map((m) => `${m.role}:${typeof m.content === 'string' ? m.content : JSON.stringify(m.content)}`);
    assert.ok(
      sent.some((m) => m.startsWith('system:') && m.includes(SUMMARY)),
      'the summary is in the next request',
    );
    assert.ok(sent.some((m) => m.includes('zebra7q')) && sent.at(-1) === 'user:What did I send?', 'the newest messages are in it');
    assert.ok(!sent.some((m) => /zebra[0-3]q/.test(m)), `the summarized messages are not: ${sent.join(' | ')}`);

    // Where it happened, folded: the line says how many messages it stands for, inside the view at a narrow width.
    await setSidebarWidth(260);
    const line = await waitUntilShows(
      chat,
      () => document.querySelector('.compaction-summary-label')?.textContent ?? '',
      /^Earlier conversation summarized \(\d+ messages\)$/,
    );
    const count = Number(/\((\d+) messages\)/.exec(line)![1]);
    assert.ok(count >= 4 && count <= 6, line);
    await ui.click(chat, '.compaction-summary-line');
    const shown = await ui.waitFor(chat, () => {
      const body = document.querySelector('.compaction-summary[open] .compaction-summary-body') as HTMLElement | null;
      const label = document.querySelector('.compaction-summary-label')!.getBoundingClientRect();
      return body && body.offsetHeight > 0
        ? {
            text: body.textContent ?? '',
            items: [...body.querySelectorAll('li')].map((item) => item.textContent?.trim() ?? ''),
            right: Math.max(label.right, body.getBoundingClientRect().right),
            width: document.documentElement.clientWidth,
          }
        : undefined;
    });
    assert.ok(shown.text.includes(SUMMARY) && shown.text.includes('Record of the summarized messages'), shown.text);
    // Each kind of fact on a line of its own (they once ran together into one paragraph).
    assert.deepEqual(
      shown.items.map((item) => item.split(':')[0]),
      ['Files changed', 'Files read', 'Approvals', 'Tool calls (0)'],
    );
    assert.ok(shown.right <= shown.width + 1, `nothing overflows: ${shown.right} > ${shown.width}`);
    // The opened summary in view for the screenshots, as a reader scrolling to it would have it.
    await ui.evaluate(chat, () => document.querySelector('.compaction-summary')!.scrollIntoView({ block: 'start' }));
    for (const [theme, bodyClass, short] of THEMES) {
      await useTheme(theme, bodyClass, [chat]);
      const colours = await ui.evaluate(chat, () => {
        const label = getComputedStyle(document.querySelector('.compaction-summary-label')!);
        const link = getComputedStyle(document.querySelector('.show-originals')!);
        return { label: label.color, link: link.color, background: getComputedStyle(document.body).backgroundColor };
      });
      assert.notEqual(colours.label, colours.background, `${theme}: the line is readable`);
      assert.notEqual(colours.link, colours.background, `${theme}: the link is readable`);
      await ui.screenshot(`compaction-summary-${short}-260`);
    }

    // The originals are still in the thread, reachable from the summary, and search finds them.
    await ui.click(chat, '.show-originals');
    await ui.waitFor(chat, () => [...document.querySelectorAll('.message')].some((m) => m.textContent?.includes('zebra0q')));
    void vscode.commands.executeCommand('agentThreads.searchThreads');
    await ui.fill('workbench', '.quick-input-widget input.input', 'zebra0q');
    await ui.waitFor('workbench', () =>
      [...document.querySelectorAll('.quick-input-widget .monaco-list-row')].some((row) => row.textContent?.includes('zebra0q')),
    );
    await ui.press('Escape');
  });
});
