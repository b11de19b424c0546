import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import {
  dismissNotifications,
  notification,
  paletteRows,
  sendFromComposer,
  setSidebarWidth,
  sidebarWidth,
  THEMES,
  treeRow,
  useFakeFoundry,
  useTheme,
  waitForRunStatus as runBadge,
} from './helpers';

const panel = { webview: 'thread' as const };
const chat = { webview: 'chat' as const };
const KEY = 'foundry-migration-key-8c2e';
const VERSION_COMMANDS = ['View Agent Version', 'Compare Agent Versions…', 'New Thread on This Version'];

type MessageHeader = { author: string; time: string; dateTime: string };

/** Each message's header as the view shows it: who, the time shown, and the time it stands for. */
function messageHeaders(): MessageHeader[] {
  return [...document.querySelectorAll('.message:not(.summary)')].map((message) => {
    const time = message.querySelector<HTMLTimeElement>('.message-time');
    return {
      author: message.querySelector('.message-author')?.textContent ?? '',
      time: time?.textContent ?? '',
      dateTime: time?.dateTime ?? '',
    };
  });
}

/** The headers of the view's messages once it shows `count` messages, each with its time. */
function timedHeaders(target: typeof panel, count: number): Promise<MessageHeader[]> {
  return ui.waitFor(
    target,
    new Function(`
      const headers = (${messageHeaders.toString()})();
      return headers.length === ${count} && headers.every((h) => h.dateTime) ? headers : undefined;
    `) as () => MessageHeader[],
  );
}

/** The items of the context menu of the Agents tree row showing `row`, closed again after reading. */
async function treeMenu(row: string): Promise<string[]> {
  await ui.click('workbench', `.pane .monaco-list-row:has-text("${row}")`, 'right');
  const items = await ui.waitFor('workbench', () => {
    const labels = [...document.querySelectorAll('.context-view .action-item .action-label')].map((a) => a.textContent ?? '');
    return labels.length ? labels : undefined;
  });
  await ui.press('Escape');
  // The menu fades out: a right-click on the next row before it is gone can open a menu a click then misses.
  await ui.waitFor('workbench', () => !document.querySelector('.context-view .action-item'));
  return items;
}

/**
 * One Foundry project with both APIs, in the real UI: a workspace on the classic agents upgrades its agent to a new
 * (versioned) one and copies its thread into a conversation, then switches to the new agents and goes on there.
 */
describe('a Foundry project from classic agents to new ones', () => {
  const project = useFakeFoundry(KEY);
  let originalWidth: number;

  before(async () => {
    originalWidth = await sidebarWidth();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await setSidebarWidth(originalWidth);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('agentThreads.newChatThread');
  });

  it('upgrades a classic agent, copies its thread into a conversation, and continues it on the new agents', async () => {
    const { service } = project;
    assert.equal(await vscode.commands.executeCommand('agentThreads.connectFoundry', service.endpoint, 'apiKey', KEY, 'classic'), true);
    const classicAgent = await vscode.commands.executeCommand<{ id: string }>('agentThreads.createAgent', {
      name: 'Billing Helper',
      model: { profile: 'foundry', name: 'gpt-4o' },
      instructions: 'Answer billing questions.',
      tools: [{ name: 'read_file' }],
    });
    assert.match(classicAgent.id, /^asst_/, 'a classic assistant');
    const thread = await vscode.commands.executeCommand<{ id: string }>('agentThreads.newThread', classicAgent.id);
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    const before = await sendFromComposer(panel, 'Why was I billed twice?');
    await runBadge(panel, 'Completed', before);
    const classicHeaders = await timedHeaders(panel, 2);
    assert.deepEqual(
      classicHeaders.map((h) => h.author),
      ['You', 'Billing Helper'],
    );

    // Classic agents have no versions: nothing offers them; the classic agent offers its upgrade instead.
    for (const command of VERSION_COMMANDS) {
      const rows = await paletteRows(`Agent Threads: ${command}`, null);
      assert.deepEqual(
        rows.filter((row) => row.includes(command)),
        [],
        `"${command}" is offered on classic agents`,
      );
    }
    const upgradeRows = await paletteRows('Agent Threads: Upgrade Classic Agent', 'Upgrade Classic Agent…');
    assert.ok(
      upgradeRows.some((row) => row.includes('Upgrade Classic Agent…')),
      'the palette offers the upgrade on classic agents',
    );
    await treeRow('Billing Helper');
    const classicMenu = await treeMenu('Billing Helper');
    assert.ok(classicMenu.includes('Upgrade Classic Agent…'), classicMenu.join(' | '));
    assert.ok(!classicMenu.some((item) => VERSION_COMMANDS.includes(item)), classicMenu.join(' | '));

    // The menu offers it (above); the command it runs, with the agent of the row, as the menu would.
    await vscode.commands.executeCommand('agentThreads.upgradeClassicAgent', classicAgent.id);
    const upgraded = await notification('Upgraded "Billing Helper"');
    assert.match(upgraded.message, /everything was carried over/, 'a classic agent made here has only workspace tools');
    await vscode.commands.executeCommand('notifications.hideList');
    const version = service.requests.find((r) => r.method === 'POST' && r.path.endsWith('/agents/Billing-Helper/versions'));
    assert.equal((version?.body?.definition as { instructions?: string } | undefined)?.instructions, 'Answer billing questions.');

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const conversationId = await vscode.commands.executeCommand<string>('agentThreads.moveThread', thread.id, true, 'conversation');
    assert.match(conversationId, /^conv_/);
    assert.ok(!service.requests.some((r) => r.method === 'DELETE' && r.path.includes(thread.id)), 'the classic thread is kept');
    assert.match(await treeRow('Why was I billed twice?'), /Why was I billed twice\?/, 'and still shown on the classic agents');

    // The workspace moves to the new agents: the upgraded agent has the copied conversation, which goes on there.
    assert.equal(await vscode.commands.executeCommand('agentThreads.connectFoundry', service.endpoint, 'apiKey', KEY, 'agents'), true);
    assert.match(await treeRow('Billing Helper'), /Billing Helper/);
    assert.ok(
      (await paletteRows('Agent Threads: Compare Agent Versions', 'Compare Agent Versions')).length > 0,
      'new agents have versions',
    );
    assert.ok(!(await treeMenu('Billing Helper')).includes('Upgrade Classic Agent…'), 'a new agent is upgraded already');

    await vscode.commands.executeCommand('agentThreads.openThread', conversationId);
    const texts = await ui.waitFor(panel, () => {
      const messages = [...document.querySelectorAll('.message .message-body')].map((m) => m.textContent ?? '');
      return messages.length === 2 ? messages : undefined;
    });
    assert.match(texts[0], /Why was I billed twice\?/);
    assert.match(texts[1], /Echo: Why was I billed twice\?/);
    // The copy shows what the classic thread showed: the same authors, written at the same times (not Jan 1, 1970).
    assert.deepEqual(await ui.evaluate(panel, messageHeaders), classicHeaders);

    const next = await sendFromComposer(panel, 'And the refund?');
    await runBadge(panel, 'Completed', next);
    const headers = await timedHeaders(panel, 4);
    const today = new Date().toDateString();
    for (const header of headers) assert.equal(new Date(header.dateTime).toDateString(), today, JSON.stringify(header));
    assert.deepEqual(
      headers.map((h) => h.author),
      ['You', 'Billing Helper', 'You', 'Billing Helper'],
    );
    await ui.screenshot('foundry-migrated-conversation');
    const response = service.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/openai/v1/responses')).at(-1);
    assert.deepEqual(response?.body?.agent, { type: 'agent_reference', name: 'Billing-Helper', version: '1' });
    assert.equal(response?.body?.conversation, conversationId);

    // The copied thread in the dark and light themes: wide in its panel, and in the chat beside it at 300 px.
    await vscode.commands.executeCommand('agentThreads.openChat');
    await vscode.commands.executeCommand('agentThreads.openThreadInChat', conversationId);
    await ui.waitFor(chat, () => document.querySelectorAll('.message .message-time').length === 4);
    await setSidebarWidth(300);
    for (const [theme, bodyClass, tag] of THEMES.slice(0, 2)) {
      await useTheme(theme, bodyClass, [panel, chat]);
      await ui.screenshot(`foundry-copied-thread-${tag}`);
      for (const target of [panel, chat]) {
        // A narrow view hides the time and keeps it in the author's tooltip; what is shown must be whole and inside.
        const shown = await ui.evaluate(target, () =>
          [...document.querySelectorAll('.message:not(.summary) .message-role')].map((role) => {
            const parts = [role.querySelector('.message-author'), role.querySelector('.message-time')].filter(
              (part): part is Element => part !== null && getComputedStyle(part).display !== 'none',
            );
            return {
              tooltip: role.querySelector<HTMLElement>('.message-author')?.title ?? '',
              inside: parts.every((part) => {
                const box = part.getBoundingClientRect();
                return box.width > 0 && box.left >= 0 && box.right <= document.documentElement.clientWidth;
              }),
            };
          }),
        );
        assert.equal(shown.length, 4);
        for (const { tooltip, inside } of shown) {
          assert.ok(inside, `the author and time are shown whole in the ${target.webview} view (${tag})`);
          assert.ok(tooltip.includes(String(new Date().getFullYear())), tooltip);
        }
      }
    }
  });

  it('says a budget set while the project is the backend (here, its new agents) is not enforced for its runs, and why', async () => {
    const budgets = vscode.workspace.getConfiguration('agentThreads.budgets');
    try {
      await budgets.update('threadTokens', 50_000, vscode.ConfigurationTarget.Global);
      const shown = await notification('Budgets are not enforced for runs in');
      assert.match(shown.message, /the service calls the model there/);
    } finally {
      await budgets.update('threadTokens', undefined, vscode.ConfigurationTarget.Global);
      await dismissNotifications();
    }
  });
});
