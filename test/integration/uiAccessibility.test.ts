import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { sendFromComposer, settingForSuite, useFakeModel, waitForRunStatus, waitUntilShows } from './helpers';
import { faults } from '../fixtures/fakeModel/replies';

const panel = { webview: 'thread' as const };
const chat = { webview: 'chat' as const };

/** Presses Tab up to `limit` times from where the focus is, recording what each press focuses, until `stop` is focused. */
async function tabOrder(target: typeof panel, stop: string, limit = 40): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < limit; i++) {
    await ui.press('Tab');
    const focused = await ui.evaluate(target, () => {
      const active = document.activeElement as HTMLElement | null;
      if (!active || active === document.body) return 'body';
      return active.id
        ? `#${active.id}`
        : `.${[...active.classList].filter((c) => !c.startsWith('codicon')).join('.') || active.tagName.toLowerCase()}`;
    });
    seen.push(focused);
    if (focused === stop) break;
  }
  return seen;
}

/** Asserts that `order` holds each of `expected` (by prefix) in this order. */
function assertInOrder(order: string[], expected: string[]): void {
  let from = 0;
  for (const item of expected) {
    const at = order.findIndex((seen, index) => index >= from && seen.startsWith(item));
    assert.ok(at >= 0, `Tab never reached ${item} after ${order.slice(0, from).join(' → ')}; order: ${order.join(' → ')}`);
    from = at + 1;
  }
}

describe('accessibility and themes of the thread webviews', () => {
  before(async () => {
    await useFakeModel();
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Accessible',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Answer briefly.',
      tools: [{ name: 'echo' }],
      approval_policy: { echo: 'ask' },
    })) as { id: string };
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.newThread', agent.id);
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
  });
  settingForSuite('agentThreads.run', 'maxRetries', 0);
  beforeEach(() => fakeModel.reset());
  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('names every control, labels the approval, keeps Tab order, and announces a finished answer once', async () => {
    await fakeModel.script(
      { kind: 'text', text: 'Hello there.' },
      { kind: 'tool_calls', calls: [{ name: 'echo', arguments: JSON.stringify({ text: 'ping' }) }] },
      { kind: 'text', text: 'The echo said **ping**.' },
    );
    let previous = await sendFromComposer(panel, 'Say hello');
    await waitForRunStatus(panel, 'Completed', previous);
    previous = await sendFromComposer(panel, 'Echo ping');
    await waitForRunStatus(panel, 'Needs approval', previous);

    const audit = await ui.waitFor(panel, () => {
      const card = document.querySelector('.approval');
      if (!card) return undefined;
      const attr = (selector: string, name: string) => document.querySelector(selector)?.getAttribute(name) ?? null;
      const visible = (e: Element) => (e as HTMLElement).offsetParent !== null;
      const nameOf = (e: Element) =>
        (e.getAttribute('aria-label') || e.getAttribute('title') || e.getAttribute('label') || e.textContent || '').trim();
      const controls = [
        ...document.querySelectorAll('button, vscode-button, vscode-textarea, vscode-single-select, vscode-checkbox, a[href]'),
      ].filter(visible);
      const headers = [...document.querySelectorAll('.tool-call-header, .run-footer-summary')];
      return {
        log: [attr('#messages', 'role'), attr('#messages', 'aria-label'), attr('#messages', 'aria-live')],
        announcer: [attr('#announcer', 'role'), attr('#announcer', 'aria-live'), attr('#announcer', 'aria-atomic')],
        badge: attr('#run-status', 'role'),
        card: [card.getAttribute('role'), document.getElementById(card.getAttribute('aria-labelledby') ?? '')?.textContent],
        buttons: [
          attr('.approval .approve', 'aria-label'),
          attr('.approval .deny', 'aria-label'),
          attr('#cancel', 'aria-label'),
          attr('#attach', 'aria-label'),
        ],
        input: attr('#input', 'label'),
        articles: [...document.querySelectorAll('article.message')].map((a) => a.getAttribute('aria-label')),
        unnamed: controls.filter((e) => !nameOf(e)).map((e) => e.outerHTML.slice(0, 120)),
        collapsibleHeaders: headers.map((h) => `${h.tagName.toLowerCase()}:${h.getAttribute('aria-expanded')}`),
      };
    });
    assert.deepEqual(audit.log, ['log', 'Conversation', 'off'], 'the conversation is a log that streaming does not make chatty');
    assert.deepEqual(audit.announcer, ['status', 'polite', 'true']);
    assert.equal(audit.badge, 'status');
    assert.deepEqual(audit.card, ['group', 'Echo ping']);
    assert.deepEqual(audit.buttons, ['Approve Echo', 'Deny Echo', 'Cancel the running answer', 'Attach workspace files or images']);
    assert.match(audit.input ?? '', /Message to the agent/);
    assert.deepEqual(audit.articles.slice(0, 2), ['You', 'Accessible'], 'answers are labelled with the agent that wrote them');
    assert.deepEqual(audit.unnamed, [], 'every visible control has an accessible name');
    assert.ok(
      audit.collapsibleHeaders.length > 1 && audit.collapsibleHeaders.every((h) => /^button:(true|false)$/.test(h)),
      JSON.stringify(audit.collapsibleHeaders),
    );

    // The keyboard reaches everything in reading order: header, messages with the first run's footer, the card
    // waiting for approval, composer.
    await ui.click(panel, '.thread-title');
    const order = await tabOrder(panel, '#cancel');
    assertInOrder(order, [
      '#new-thread',
      '.message-action',
      '.run-footer-summary',
      '.tool-call-header',
      '.approve',
      '.deny',
      '.approval-always',
      '#input',
      '#agent',
      '#attach',
      '#cancel',
    ]);
    await ui.screenshot('a11y-approval-focus');

    // Approving from the keyboard: focus the button, press Enter.
    await ui.evaluate(panel, () => (document.querySelector('.approval .approve') as HTMLElement).focus());
    await ui.press('Enter');
    const runId = await waitForRunStatus(panel, 'Completed', previous);
    // The approval card is gone; the keyboard focus does not fall to the page but lands in the composer.
    assert.equal(await ui.waitFor(panel, () => document.activeElement?.id === 'input' && 'input'), 'input');
    const announced = await ui.waitFor(
      panel,
      () => document.getElementById('announcer')?.textContent?.includes('ping') && document.getElementById('announcer')!.textContent,
    );
    assert.equal(announced, 'Accessible answered: The echo said ping.', 'the rendered answer is announced, without Markdown syntax');
    await waitUntilShows(panel, () => document.getElementById('messages')?.getAttribute('aria-busy'), 'false');

    // "Run Details" in the answer's footer opens its page beside the panel, so the conversation stays in view.
    const groupsBefore = vscode.window.tabGroups.all.length;
    await ui.click(panel, '#messages article:last-of-type .run-footer-summary');
    await ui.click(panel, '#messages article:last-of-type .run-details-link');
    const details = await ui.waitFor({ webview: 'runDetails' }, () => {
      for (const fold of document.querySelectorAll('details')) fold.open = true;
      return document.querySelector('.ids') && document.body.innerText;
    });
    assert.ok(details.includes(`Run ${runId} `), details);
    assert.match(details, /Called echo\s*completed[\s\S]*ping/);
    assert.equal(vscode.window.tabGroups.all.length, groupsBefore + 1, 'beside the thread panel');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('reaches Retry from the keyboard after a failed run, with the error in an alert', async () => {
    await fakeModel.script(faults.serverError());
    const previous = await sendFromComposer(panel, 'This will fail');
    await waitForRunStatus(panel, 'Failed', previous);
    const error = await ui.waitFor(panel, () => {
      const alert = document.querySelector('.run-error');
      return alert ? [alert.getAttribute('role'), document.querySelector('.retry-run')?.getAttribute('aria-label')] : undefined;
    });
    assert.deepEqual(error, ['alert', 'Retry the run']);
    await ui.click(panel, '.thread-title');
    assertInOrder(await tabOrder(panel, '.retry-run'), ['#new-thread', '.retry-run']);
  });

  for (const [theme, bodyClass] of [
    ['Default High Contrast', 'vscode-high-contrast'],
    ['Default High Contrast Light', 'vscode-high-contrast-light'],
    ['Default Light Modern', 'vscode-light'],
  ] as const) {
    it(`follows the ${theme} theme in the chat view and the thread panel`, async () => {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('agentThreads.openChat');
      await ui.waitFor(chat, new Function(`return document.body.classList.contains(${JSON.stringify(bodyClass)})`) as () => boolean);
      const colours = await ui.waitFor(
        panel,
        new Function(`
          if (!document.body.classList.contains(${JSON.stringify(bodyClass)})) return undefined;
          const style = (selector, property) => { const e = document.querySelector(selector); return e ? getComputedStyle(e)[property] : null; };
          return {
            text: getComputedStyle(document.body).color,
            background: getComputedStyle(document.body).backgroundColor,
            composerBorder: style('.composer', 'borderTopColor'),
            headerBorder: style('.thread-header', 'borderBottomColor'),
            error: style('.run-error', 'color'),
          };
        `) as () => Record<string, string | null>,
      );
      assert.notEqual(colours.text, colours.background, `text and background differ: ${JSON.stringify(colours)}`);
      if (bodyClass.startsWith('vscode-high-contrast')) {
        // High contrast themes draw every boundary: the separators must not be transparent.
        for (const border of [colours.composerBorder, colours.headerBorder])
          assert.ok(border && !/rgba\(0, 0, 0, 0\)|transparent/.test(border), JSON.stringify(colours));
      }
      await ui.screenshot(`theme-${bodyClass}`);
    });
  }
});
