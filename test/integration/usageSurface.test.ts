/**
 * Where a thread's tokens and cost show at a glance: the header of the chat and of a thread panel (one line, inside
 * the viewport at 240 and 600 px in three themes, updated when a run finishes), and the Agents tree's tooltips.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel, fakeModelUrl } from './fakeModel';
import {
  giveTheChatTheRoom,
  pickAgentInComposer,
  sendFromComposer,
  setSidebarWidth,
  sidebarWidth,
  THEMES,
  treeRow,
  useFakeModel,
  useTheme,
  waitForRunStatus,
  waitUntilShows,
} from './helpers';

const chat = { webview: 'chat' as const };
const panel = { webview: 'thread' as const };
const AGENT = 'Metered';
const QUESTION = 'How much does this cost?';

/** The header's meter as a person sees it, and whether it and the header's other controls fit beside each other. */
interface ShownMeter {
  text: string;
  tooltip: string;
  oneLine: boolean;
  inside: boolean;
  overlaps: boolean;
  clipped: boolean;
  /** Shortened with an ellipsis. */
  truncated: boolean;
  layout: string;
}

function shownMeter(): ShownMeter | undefined {
  const meter = document.getElementById('thread-usage');
  const header = document.querySelector('.thread-header');
  if (!meter || !header || meter.hidden || meter.offsetParent === null) return undefined;
  const visible = [...meter.children].find(
    (child) => getComputedStyle(child).display !== 'none' && child.getBoundingClientRect().width > 1,
  );
  const controls = [...header.children].filter(
    (child) => child !== meter && !child.classList.contains('spacer') && (child as HTMLElement).offsetParent !== null,
  );
  const box = meter.getBoundingClientRect();
  const boxes = [box, ...controls.map((c) => c.getBoundingClientRect())];
  const lineHeight = parseFloat(getComputedStyle(meter).lineHeight) || parseFloat(getComputedStyle(meter).fontSize) * 1.5;
  return {
    text: visible?.textContent ?? '',
    tooltip: meter.title,
    oneLine: box.height <= lineHeight + 1,
    inside: boxes.every((b) => b.width > 0 && b.left >= 0 && b.top >= 0 && b.right <= window.innerWidth && b.bottom <= window.innerHeight),
    // In a narrow header the meter wraps below the title: it overlaps a control only where their boxes meet.
    overlaps: controls.some((c) => {
      const other = c.getBoundingClientRect();
      return other.left < box.right - 0.5 && other.right > box.left + 0.5 && other.top < box.bottom - 0.5 && other.bottom > box.top + 0.5;
    }),
    // Shortened is fine when it ends in an ellipsis and the tooltip says it all; cut off without one is not.
    clipped: meter.scrollWidth > meter.clientWidth + 1 && getComputedStyle(meter).textOverflow !== 'ellipsis',
    // In fractional pixels: an ellipsis replaces the text's end as soon as it lacks a fraction of one.
    truncated: !!visible && visible.getBoundingClientRect().width > box.width + 0.01,
    // For the failure message: each box, left to right, and the window's width.
    layout: `${window.innerWidth}: ${[meter, ...controls].map((e) => `${e.id || e.className} ${JSON.stringify(e.getBoundingClientRect())}`).join(', ')}`,
  };
}

/** The text of the hover VS Code shows for a row of the Agents tree, once pointed at. */
async function treeTooltip(rowText: string): Promise<string> {
  await treeRow(rowText);
  await ui.hover('workbench', `.pane .monaco-list-row:has-text(${JSON.stringify(rowText)})`);
  return ui.waitFor(
    'workbench',
    new Function(`
      const hovers = [...document.querySelectorAll('.monaco-hover, .workbench-hover')].filter((h) => h.offsetParent !== null);
      const text = hovers.map((h) => h.textContent ?? '').join('\\n');
      return text.includes(${JSON.stringify(rowText)}) ? text : undefined;
    `) as () => string,
  );
}

describe('usage at a glance: the thread header and the Agents tree', () => {
  let threadId = '';

  before(async () => {
    await fakeModel.reset();
    // Prices for the fake model: 12,000 prompt tokens at $20 and 345 completion tokens at $80 per million = $0.2676.
    await vscode.workspace.getConfiguration('agentThreads').update(
      'models',
      [
        {
          id: 'fake',
          provider: 'openai-compatible',
          baseUrl: fakeModelUrl(),
          model: 'fake-model',
          contextWindow: 16000,
          prices: { input: 20, output: 80 },
        },
      ],
      vscode.ConfigurationTarget.Global,
    );
    await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: AGENT,
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Answer.',
    });
  });

  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await useFakeModel();
    await giveTheChatTheRoom();
  });

  it('shows the thread’s tokens and cost in the chat header on one line at 240 and 600 px in three themes, and updates after a run', async () => {
    const originalWidth = await sidebarWidth();
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await giveTheChatTheRoom();
    await pickAgentInComposer(chat, AGENT);
    await fakeModel.script({ kind: 'text', text: 'About a quarter.', usage: { prompt_tokens: 12_000, completion_tokens: 345 } });
    await waitForRunStatus(chat, 'Completed', await sendFromComposer(chat, QUESTION));
    threadId = await ui.evaluate(chat, () => document.body.dataset.threadId ?? '');
    try {
      for (const [theme, bodyClass, short] of THEMES) {
        await useTheme(theme, bodyClass, [chat]);
        for (const width of [240, 600]) {
          await setSidebarWidth(width);
          const expected = width === 240 ? '$0.27' : '12,345 tokens · $0.27';
          await waitUntilShows(chat, () => document.querySelector('#thread-usage')?.textContent ?? '', /12,345 tokens · \$0\.27/);
          const meter = await ui.waitFor(chat, shownMeter);
          await ui.screenshot(`usage-header-${short}-${width}`);
          assert.equal(meter.text, expected, `the header shows the figures (${theme}, ${width} px)`);
          assert.match(meter.tooltip, /^This thread used 12,345 tokens · \$0\.27\nin 1 model call$/);
          const where = `(${theme}, ${width} px; ${meter.layout})`;
          assert.ok(meter.oneLine, `the meter stays on one line ${where}`);
          assert.ok(meter.inside, `the meter and the header's controls are inside the viewport ${where}`);
          assert.ok(!meter.overlaps, `the meter overlaps no other header control ${where}`);
          assert.ok(!meter.clipped, `the meter is not cut off without an ellipsis ${where}`);
          assert.ok(!meter.truncated, `the figures show whole ${where}`);
        }
      }
    } finally {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
      await setSidebarWidth(originalWidth);
    }

    // The next run's 1,000 prompt tokens ($0.02) show as soon as it finishes.
    await fakeModel.script({ kind: 'text', text: 'A little more.', usage: { prompt_tokens: 1_000, completion_tokens: 0 } });
    await waitForRunStatus(chat, 'Completed', await sendFromComposer(chat, 'And now?'));
    await waitUntilShows(
      chat,
      () => document.getElementById('thread-usage')?.title.split('\n')[0],
      'This thread used 13,345 tokens · $0.29',
    );
  });

  it('shows the same figures in a thread panel’s header', async () => {
    assert.ok(threadId, 'the chat test made a thread');
    await vscode.commands.executeCommand('agentThreads.openThread', threadId);
    const meter = await ui.waitFor(panel, shownMeter);
    assert.equal(meter.text, '13,345 tokens · $0.29');
    assert.ok(meter.inside && meter.oneLine && !meter.overlaps, `the meter fits the panel header: ${meter.layout}`);
    await ui.screenshot('usage-header-panel');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('puts the thread’s total in its tooltip in the Agents tree, and the agent’s today and in total in the agent’s', async () => {
    // Open the tree, then show the thread in the chat, which brings its row into view (a long tree need not be searched).
    await ui.waitFor('workbench', () => {
      const header = [...document.querySelectorAll<HTMLElement>('.part.sidebar .pane .pane-header')].find((h) =>
        h.textContent?.includes('Agents'),
      );
      if (header?.getAttribute('aria-expanded') === 'false') header.click();
      return header?.getAttribute('aria-expanded') === 'true';
    });
    await vscode.commands.executeCommand('agentThreads.openThreadInChat', threadId);
    const thread = await treeTooltip(QUESTION);
    assert.match(thread, /Used:\s13,345\stokens\s·\s\$0\.29/);
    await ui.screenshot('usage-tree-thread-tooltip');
    const agent = await treeTooltip(AGENT);
    assert.match(agent, /Used\stoday:\s13,345\stokens\s·\s\$0\.29/);
    assert.match(agent, /Used\sin\stotal:\s13,345\stokens\s·\s\$0\.29/);
    await ui.screenshot('usage-tree-agent-tooltip');
  });
});
