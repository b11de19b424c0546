import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import {
  sendFromComposer,
  setSidebarWidth,
  showAgentThreadsView,
  sidebarWidth,
  treeRow,
  useFakeFoundry,
  useTheme,
  waitForRunStatus as runBadge,
} from './helpers';

const panel = { webview: 'thread' as const };
const chat = { webview: 'chat' as const };
const KEY = 'foundry-hc-key-2e91';
const HIGH_CONTRAST = [
  ['Default High Contrast', 'vscode-high-contrast', 'hc-dark'],
  ['Default High Contrast Light', 'vscode-high-contrast-light', 'hc-light'],
] as const;
const WIDTHS = [240, 600] as const;

/** What the tool cards of a thread view show: each card's box, status text and colours, and the view's width. */
function cardLooks(): {
  width: number;
  cards: {
    status: string;
    text: string;
    color: string;
    background: string;
    border: string;
    left: number;
    right: number;
    /** Whether the chevron that opens the card is on the line of its status (not wrapped alone onto a line of its own). */
    chevronBesideStatus: boolean;
  }[];
} {
  const cards = [...document.querySelectorAll<HTMLElement>('.message .tool-call')].map((card) => {
    const badge = card.querySelector<HTMLElement>('.tool-call-status')!;
    const box = card.getBoundingClientRect();
    const text = badge.querySelector<HTMLElement>('.tool-call-status-text')!;
    const status = badge.getBoundingClientRect();
    const chevron = card.querySelector('.tool-call-chevron')!.getBoundingClientRect();
    return {
      status: card.dataset.status ?? '',
      text: text.getBoundingClientRect().width > 0 ? (text.textContent ?? '') : '',
      color: getComputedStyle(badge).color,
      background: getComputedStyle(card).backgroundColor,
      border: getComputedStyle(card).borderTopColor,
      left: box.left,
      right: box.right,
      chevronBesideStatus: chevron.top < status.bottom && chevron.bottom > status.top && chevron.left >= status.right,
    };
  });
  return { width: document.documentElement.clientWidth, cards };
}

/** The run footers under the answers on screen, once there is one. */
function footerTexts(): (string | null)[] | undefined {
  const texts = [...document.querySelectorAll('#messages article.message.assistant .run-footer-summary')].map(
    (footer) => footer.textContent,
  );
  return texts.length > 0 ? texts : undefined;
}

/**
 * The Foundry views in the two high contrast themes, in a 240 px sidebar and a wide one: the Agents tree with an
 * agent's versions, the diff of two versions, and a thread whose MCP tool cards are decided and waiting.
 */
describe('the Foundry views in high contrast', () => {
  const project = useFakeFoundry(KEY);
  let originalWidth: number;
  let threadId: string;

  before(async () => {
    originalWidth = await sidebarWidth();
    for (const instructions of ['Use the docs server.', 'Use the docs server; answer in one line.'])
      project.service.agentService.addAgentVersion('docs-agent', {
        kind: 'prompt',
        model: 'gpt-4o',
        instructions,
        tools: [{ type: 'mcp', server_label: 'docs', server_url: 'https://mcp.example.invalid', require_approval: 'always' }],
      });
    assert.equal(
      await vscode.commands.executeCommand('agentThreads.connectFoundry', project.service.endpoint, 'apiKey', KEY, 'agents'),
      true,
    );
    await treeRow('docs-agent');
    // One call approved (its card and the call the service made stay), one waiting for approval.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.newThread', 'docs-agent');
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    let before = await sendFromComposer(panel, 'mcp search {"q":"refunds"}');
    await runBadge(panel, 'Needs approval', before);
    await ui.click(panel, '.tool-call.approval:not(.decided) vscode-button.approve');
    await runBadge(panel, 'Completed');
    before = await sendFromComposer(panel, 'mcp search {"q":"a very long query that names the refunds policy of the whole company"}');
    await runBadge(panel, 'Needs approval', before);
    threadId = await ui.evaluate(panel, () => document.body.dataset.threadId ?? '');
    await vscode.commands.executeCommand('agentThreads.openThreadInChat', threadId);
    await ui.waitFor(chat, () => document.querySelectorAll('.message .tool-call').length === 3);
  });

  after(async () => {
    await ui.click(panel, '.tool-call.approval:not(.decided) vscode-button.deny').catch(() => undefined);
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await setSidebarWidth(originalWidth);
    await vscode.commands.executeCommand('agentThreads.newChatThread');
  });

  it('keeps the footer of every finished run when the thread is opened again', async () => {
    // The webview hears of a run through its events, which are the newest run's: a view opened again learns the
    // finished runs behind its answers from the page (the first run here; the second still waits for approval).
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.openThread', threadId);
    await ui.waitFor(panel, () => document.querySelectorAll('.message .tool-call').length === 3);
    const inPanel = await ui.waitFor(panel, footerTexts);
    assert.equal(inPanel.length, 1, `one finished run, one footer: ${JSON.stringify(inPanel)}`);
    assert.match(inPanel[0] ?? '', /^\d+ steps? · /);
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await vscode.commands.executeCommand('agentThreads.openThreadInChat', threadId);
    await ui.waitFor(chat, () => document.querySelectorAll('.message .tool-call').length === 3);
    assert.deepEqual(await ui.waitFor(chat, footerTexts), inPanel);
  });

  for (const [theme, bodyClass, tag] of HIGH_CONTRAST) {
    it(`shows the tree with versions, the thread's tool cards and the versions' diff in ${theme}`, async () => {
      await showAgentThreadsView();
      await useTheme(theme, bodyClass, [panel, chat]);
      if (!(await ui.evaluate('workbench', () => document.body.textContent?.includes('Version 1') ?? false))) {
        await ui.click('workbench', '.pane .monaco-list-row:has-text("Versions")');
      }
      await treeRow('Version 1');
      for (const width of WIDTHS) {
        await setSidebarWidth(width);
        await ui.screenshot(`foundry-${tag}-${width}`);
        for (const target of [panel, chat]) {
          const looks = await ui.evaluate(target, cardLooks);
          assert.deepEqual(
            looks.cards.map((card) => `${card.status}: ${card.text}`),
            ['completed: Done', 'completed: Done', 'pending_approval: Needs approval'],
            `every card shows its status in words at ${width} px`,
          );
          for (const card of looks.cards) {
            assert.ok(card.left >= 0 && card.right <= looks.width + 0.5, `a card is inside the view: ${JSON.stringify(card)}`);
            assert.ok(!/rgba\(0, 0, 0, 0\)|transparent/.test(card.border), `a card has a visible border: ${card.border}`);
            assert.notEqual(card.color, card.background, 'a status is not drawn in the colour of its card');
            assert.ok(card.chevronBesideStatus, `the chevron stays beside the status at ${width} px: ${JSON.stringify(card)}`);
          }
        }
      }
      await vscode.commands.executeCommand('agentThreads.compareAgentVersions', 'docs-agent', 1, 2);
      await ui.waitFor('workbench', () =>
        (document.querySelector('.monaco-diff-editor')?.textContent ?? '').replace(/\u00a0/g, ' ').includes('one line'),
      );
      await ui.screenshot(`foundry-${tag}-versions-diff`);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });
  }
});
