/** What several integration suites do the same way: point at the fake model, send from a composer, wait for a run. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui, type WindowUi } from './driver';
import type { DriverTarget } from './driverProtocol';
import { writeThreadExport } from '../fixtures/threadExport';
import { startFakeFoundryServer, type FakeFoundryServer } from '../fixtures/fakeFoundryServer';
import { fakeModel, fakeModelUrl } from './fakeModel';

export type ThreadView = { webview: 'chat' | 'thread' };

/** Clears the fake model's script and configures the model profile `fake` (model `fake-model`) that tests use. */
export async function useFakeModel(): Promise<void> {
  await fakeModel.reset();
  await vscode.workspace
    .getConfiguration('agentThreads')
    .update(
      'models',
      [{ id: 'fake', provider: 'openai-compatible', baseUrl: fakeModelUrl(), model: 'fake-model', contextWindow: 16000 }],
      vscode.ConfigurationTarget.Global,
    );
}

/** The code-server profile's user folder (settings, global and workspace storage), from the runner. */
export function userData(): string {
  const folder = process.env.AGENT_THREADS_TEST_USER_DATA;
  if (!folder) throw new Error('AGENT_THREADS_TEST_USER_DATA is not set: run the integration suite through npm run test:integration.');
  return path.join(folder, 'User');
}

/** How this extension host compiled Agent Threads' bundle, as src/main.ts marks it: 'used' (the code cache), 'none'. */
export function codeCacheUse(): unknown {
  return (performance.getEntriesByName('agent-threads/didLoadBundle')[0] as PerformanceMark | undefined)?.detail;
}

/** The files of Agent Threads' code cache in its global storage (the runner says where the user data is). */
export function codeCacheFiles(): string[] {
  const folder = path.join(userData(), 'globalStorage', 'agent-threads.agent-threads', 'code-cache');
  return fs.existsSync(folder) ? fs.readdirSync(folder).filter((name) => name.endsWith('.v8cache')) : [];
}

/**
 * Shows the Agent Threads view container, as a click on its icon in the activity bar would.
 *
 * VS Code's tree focuses its selected row as the view shows. When the tree's rows were replaced while it was hidden
 * (another backend, a thread gone) and the selection still names a row it is refreshing away, VS Code's own
 * `reveal` throws "Data tree node not found" out of the command after the view is shown (seen on 1.100 and 1.139).
 * The view is shown all the same, which is what the caller needs; any other error still fails the test.
 */
export async function showAgentThreadsView(): Promise<void> {
  try {
    await vscode.commands.executeCommand('workbench.view.extension.agentThreads');
  } catch (error) {
    if (!/Data tree node not found/.test(String(error))) throw error;
    await ui.waitFor('workbench', () =>
      [...document.querySelectorAll('.part.sidebar .pane-header')].some((header) => header.textContent?.includes('Agents')),
    );
  }
}

/**
 * A fake Foundry project (API key `apiKey`) for the tests of the calling describe, with the Agent Threads view shown;
 * after them the workspace is back on local storage with no editor open, and the server is closed.
 */
export function useFakeFoundry(apiKey: string): { readonly service: FakeFoundryServer } {
  const project = {} as { service: FakeFoundryServer };
  before(async () => {
    project.service = await startFakeFoundryServer({ apiKey });
    await showAgentThreadsView();
  });
  after(async () => {
    await vscode.commands.executeCommand('agentThreads.useLocalStorage');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await project.service.close();
  });
  return project;
}

/**
 * The rows the command palette shows for `query`, once its list has settled on them: on a row that includes
 * `expectRow`, or, with null, on any row (the palette lists similar commands, so a hidden one is simply not among them).
 */
export async function paletteRows(query: string, expectRow: string | null): Promise<string[]> {
  // The palette may not open while another quick input or a menu is still closing, or close again as one finishes
  // closing: open it and type until the query is in it.
  for (let attempt = 0; ; attempt++) {
    await vscode.commands.executeCommand('workbench.action.showCommands');
    const shown = await ui
      .waitFor('workbench', () => (document.querySelector('.quick-input-widget') as HTMLElement | null)?.offsetParent != null, 5000)
      .catch(() => false);
    const typed =
      shown &&
      (await ui.fill('workbench', '.quick-input-widget input.input', `>${query}`).then(
        () => true,
        () => false,
      ));
    if (typed) break;
    if (attempt === 2) throw new Error('The command palette did not open after three tries');
  }
  const rows = await ui.waitFor(
    'workbench',
    new Function(`
      const input = document.querySelector('.quick-input-widget input.input');
      if (!input || input.value !== ${JSON.stringify(`>${query}`)}) return undefined;
      const rows = [...document.querySelectorAll('.quick-input-widget .monaco-list-row')].map((r) => r.getAttribute('aria-label') ?? r.textContent ?? '');
      const expected = ${JSON.stringify(expectRow)};
      if (expected === null) return rows.length > 0 ? rows : undefined;
      return rows.some((row) => row.includes(expected)) ? rows : undefined;
    `) as () => string[],
  );
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  return rows;
}

/** The id of the run the view's header shows now ('' when none). */
export async function shownRunId(target: ThreadView): Promise<string> {
  // A view VS Code has just re-created (a panel hidden behind another editor is) shows no run until the host's init
  // arrives; read then, the thread's last run would later look like the new one.
  await ui.waitFor(target, () => document.body.dataset.threadId !== undefined);
  return ui.evaluate(target, () => document.getElementById('run-status')?.dataset.runId ?? '');
}

/**
 * Waits until the header shows `label` for a run; pass the run shown before an action to wait for a newer run,
 * since the previous run's status may already read the same.
 */
export function waitForRunStatus(target: ThreadView, label: string, previousRunId?: string, timeoutMs?: number): Promise<string> {
  return ui.waitFor(
    target,
    new Function(`
      const badge = document.getElementById('run-status');
      const newer = ${JSON.stringify(previousRunId ?? null)} === null || badge?.dataset.runId !== ${JSON.stringify(previousRunId ?? null)};
      return badge && !badge.hidden && newer && badge.textContent === ${JSON.stringify(label)} ? badge.dataset.runId : undefined;
    `) as () => string,
    timeoutMs,
  );
}

/** Types into the composer and presses Enter, as a person would; returns the run shown before, for waitForRunStatus. */
export async function sendFromComposer(target: ThreadView, text: string): Promise<string> {
  const before = await shownRunId(target);
  await ui.fill(target, 'vscode-textarea#input', text);
  await ui.press('Enter');
  return before;
}

/**
 * Waits until the Agents tree shows a row containing every one of `texts` (the tree refreshes on events); returns its
 * text. The tree renders only the rows in view, so while the row is missing it scrolls the tree on, a wheel turn per
 * look, turning round at each end, as a person looking for it would.
 */
export async function treeRow(...texts: string[]): Promise<string> {
  await giveTheTreeRoom();
  try {
    return await findTreeRow(texts);
  } catch (error) {
    // What the tree showed instead is the first thing to look at when a row never appears.
    await ui.screenshot(`tree-row-missing-${texts.join('-').slice(0, 40)}`);
    const rows = await ui.evaluate('workbench', () =>
      [...document.querySelectorAll('.pane .monaco-list-row')].map((row) => row.textContent ?? '').join(' | '),
    );
    throw new Error(`No row of the Agents tree shows ${JSON.stringify(texts)}; rows on screen: ${rows}\n${String(error)}`, {
      cause: error,
    });
  }
}

/**
 * Folds the Agents tree, as a person who wants the chat's full height would: tests that found tree rows leave it
 * taller (treeRow drags it to 60% of the sidebar), and a test of the chat's layout must not inherit that.
 */
export async function giveTheChatTheRoom(): Promise<void> {
  await ui.waitFor('workbench', () => {
    const header = [...document.querySelectorAll<HTMLElement>('.part.sidebar .pane .pane-header')].find((h) =>
      h.textContent?.includes('Agents'),
    );
    if (!header) return false;
    if (header.getAttribute('aria-expanded') === 'false') return true;
    header.click();
    return false;
  });
}

/**
 * The chat has most of the sidebar and the Agents tree a few rows: drag the sash between them down, as a person
 * would, so the tree shows enough rows to find one by scrolling (a wheel turn then moves a useful distance). The
 * chat is then short: a test of its layout at a short height uses this too.
 */
export async function giveTheTreeRoom(): Promise<void> {
  const sash = await ui.waitFor('workbench', () => {
    const sidebar = document.querySelector('.part.sidebar')?.getBoundingClientRect();
    const pane = [...document.querySelectorAll('.part.sidebar .pane')].find((p) =>
      p.querySelector('.pane-header')?.textContent?.includes('Agents'),
    );
    const header = pane?.querySelector('.pane-header');
    if (!sidebar || !pane || !header) return undefined;
    // Open the tree first, as a person would click its header.
    if (header.getAttribute('aria-expanded') === 'false') {
      (header as HTMLElement).click();
      return undefined;
    }
    const box = pane.getBoundingClientRect();
    const wanted = sidebar.top + sidebar.height * 0.6;
    if (box.bottom >= wanted - 10) return { done: true, x: 0, y: 0, to: 0 };
    const below = [...document.querySelectorAll('.part.sidebar .monaco-sash.horizontal')]
      .map((element) => element.getBoundingClientRect())
      .find((rect) => Math.abs(rect.top + rect.height / 2 - box.bottom) < 4);
    return below && { done: false, x: below.left + below.width / 2, y: below.top + below.height / 2, to: wanted };
  });
  if (!sash.done) await ui.drag({ x: sash.x, y: sash.y }, { x: sash.x, y: sash.to });
}

let treeLooks = 0;

function findTreeRow(texts: string[]): Promise<string> {
  // Each search goes up first (a tree left scrolled by an earlier test hides the rows above), then down.
  const search = ++treeLooks;
  return ui.waitFor(
    'workbench',
    new Function(`
      // The Agents tree starts collapsed (the chat has the sidebar): open it, as a person would click its header.
      const agentsHeader = [...document.querySelectorAll('.pane .pane-header')].find((h) => h.textContent?.includes('Agents'));
      if (agentsHeader?.getAttribute('aria-expanded') === 'false') {
        agentsHeader.click();
        return undefined;
      }
      const rows = [...document.querySelectorAll('.pane .monaco-list-row')];
      const found = rows.find((r) => ${JSON.stringify(texts)}.every((text) => (r.textContent ?? '').includes(text)));
      const pane = [...document.querySelectorAll('.pane')].find((p) => p.querySelector('.pane-header')?.textContent?.includes('Agents'));
      const scrollable = pane?.querySelector('.monaco-list .monaco-scrollable-element');
      const wheel = (deltaY) => scrollable?.dispatchEvent(new WheelEvent('wheel', { deltaY, deltaMode: 0, bubbles: true, cancelable: true }));
      if (window.agentThreadsTreeSearch !== ${search}) {
        // A new search goes up to the top first, then down to the end, then up again, and so on.
        window.agentThreadsTreeSearch = ${search};
        window.agentThreadsTreeLook = undefined;
        window.agentThreadsTreeDirection = -1;
      }
      if (found) {
        // A row under the tree's sticky header (its agent, pinned at the top) is there but cannot be clicked.
        const sticky = pane?.querySelector('.monaco-tree-sticky-container');
        const stickyBottom = sticky && sticky.childElementCount > 0 ? sticky.getBoundingClientRect().bottom : 0;
        if (found.getBoundingClientRect().top >= stickyBottom - 1) return found.textContent ?? '';
        wheel(-60);
        return undefined;
      }
      const list = pane?.querySelector('.monaco-list-rows');
      if (scrollable && list) {
        // The list moves on the next frame: compare with where it was at the previous look, not just now. Where it
        // did not move, this end of the tree is reached: turn round. (One huge wheel turn to jump to the top does
        // not land reliably, so the way up is read too.)
        const position = list.style.top + list.style.transform;
        if (window.agentThreadsTreeLook === position) window.agentThreadsTreeDirection = -window.agentThreadsTreeDirection;
        window.agentThreadsTreeLook = position;
        wheel(window.agentThreadsTreeDirection * 120);
      }
      return undefined;
    `) as () => string,
  );
}

/**
 * The text of the row the Agents tree shows the row containing `text` under (its agent), once that row is in view:
 * the nearest row above it one level up, with every row between them rendered.
 */
export async function treeParentOf(text: string): Promise<string> {
  await treeRow(text);
  return ui.waitFor(
    'workbench',
    new Function(`
      const pane = [...document.querySelectorAll('.pane')].find((p) => p.querySelector('.pane-header')?.textContent?.includes('Agents'));
      const rows = [...(pane?.querySelectorAll('.monaco-list-row') ?? [])].filter((r) => !r.closest('.monaco-tree-sticky-container'));
      const indexOf = (r) => Number(r.getAttribute('data-index'));
      const levelOf = (r) => Number(r.getAttribute('aria-level'));
      const row = rows.find((r) => (r.textContent ?? '').includes(${JSON.stringify(text)}));
      if (!row) return undefined;
      const above = rows.filter((r) => indexOf(r) < indexOf(row)).sort((a, b) => indexOf(b) - indexOf(a));
      const parent = above.find((r) => levelOf(r) < levelOf(row));
      const contiguous = parent && above.indexOf(parent) === indexOf(row) - indexOf(parent) - 1;
      return contiguous ? parent.textContent ?? '' : undefined;
    `) as () => string,
  );
}

/**
 * Picks an agent in a composer's agent picker as a person would with the keyboard: opens the list, moves to the
 * agent's name with the arrow keys and presses Enter. (The keyboard, since on VS Code 1.100 the list that opens
 * below the picker at the bottom of the view is partly under the status bar.)
 */
export async function pickAgentInComposer(target: ThreadView, name: string): Promise<void> {
  await ui.click(target, 'vscode-single-select#agent');
  const steps = await ui.waitFor(
    target,
    new Function(`
      const select = document.querySelector('vscode-single-select#agent');
      const items = [...(select?.shadowRoot?.querySelectorAll('li.option') ?? [])];
      const wanted = items.findIndex((item) => item.textContent.trim() === ${JSON.stringify(name)});
      const active = items.findIndex((item) => item.classList.contains('active'));
      return wanted >= 0 && active >= 0 ? { count: wanted - active } : undefined;
    `) as () => { count: number },
  );
  for (let i = 0; i < Math.abs(steps.count); i++) await ui.press(steps.count > 0 ? 'ArrowDown' : 'ArrowUp');
  await ui.press('Enter');
  await waitUntilShows(
    target,
    new Function(
      `return document.querySelector('vscode-single-select#agent')?.shadowRoot?.querySelector('.select-face .text')?.textContent?.trim();`,
    ) as () => string,
    name,
  );
}

/**
 * Unfolds the Agents tree's row containing `text` by a click on its twistie, as a person would. It clicks only while
 * the row shows folded, so a tree that unfolds the row itself meanwhile (a refresh, a Collapse All landing late) is
 * never folded back by the click.
 */
export async function expandTreeRow(text: string): Promise<void> {
  const stateOfRow = new Function(`
    const row = [...document.querySelectorAll('.part.sidebar .pane .monaco-list-row')].find((r) => (r.textContent ?? '').includes(${JSON.stringify(text)}));
    return row?.getAttribute('aria-expanded') ?? undefined;
  `) as () => string;
  for (let click = 0; click < 3; click++) {
    await treeRow(text);
    if ((await ui.waitFor('workbench', stateOfRow)) === 'true') return;
    await ui.click(
      'workbench',
      `.part.sidebar .pane .monaco-list-row[aria-expanded="false"]:has-text(${JSON.stringify(text)}) .monaco-tl-twistie`,
    );
    const unfolded = await ui
      .waitFor('workbench', new Function(`return (${stateOfRow.toString()})() === 'true';`) as () => boolean, 5000)
      .catch(() => false);
    if (unfolded) return;
  }
  throw new Error(`The Agents tree's row "${text}" stayed folded after three clicks on its twistie`);
}

/** Waits until no row of the Agents tree contains `text`. */
export function treeRowGone(text: string): Promise<boolean> {
  return ui.waitFor(
    'workbench',
    new Function(`
      return ![...document.querySelectorAll('.pane .monaco-list-row')].some((r) => (r.textContent ?? '').includes(${JSON.stringify(text)}));
    `) as () => boolean,
  );
}

/**
 * Waits until `read` (run here, in the extension host: a setting, a file, a VS Code API) returns what `done` accepts,
 * re-reading on a short interval until the deadline; the timeout names the last value read.
 */
export async function eventually<T>(
  read: () => Thenable<T> | T,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until `read` (run in the target's document; it must not use anything from the test's scope) gives the
 * expected state: a string matching `expected` when it is a RegExp, else a value equal to it (compared as JSON).
 * Returns what it read. On timeout it fails with what the view shows instead, so an earlier state still on screen
 * (a previous notice, the last page) reads as itself rather than as a bare timeout.
 */
export async function waitUntilShows<T>(
  target: DriverTarget,
  read: () => T,
  expected: T | RegExp,
  timeoutMs?: number,
  window: WindowUi = ui,
): Promise<T> {
  const test =
    expected instanceof RegExp
      ? `typeof value === 'string' && new RegExp(${JSON.stringify(expected.source)}, ${JSON.stringify(expected.flags)}).test(value)`
      : `JSON.stringify(value) === ${JSON.stringify(JSON.stringify(expected))}`;
  try {
    const found = await window.waitFor(
      target,
      new Function(`const value = (${read.toString()})(); return ${test} ? { value } : undefined;`) as () => { value: T } | undefined,
      timeoutMs,
    );
    return found.value;
  } catch (error) {
    if (!/Timed out/.test(String(error))) throw error;
    const shown = await window.evaluate(target, read);
    if (expected instanceof RegExp) assert.match(String(shown), expected, `the view still shows ${JSON.stringify(shown)}`);
    else assert.deepEqual(shown, expected, 'the view never showed the expected state');
    return shown;
  }
}

/**
 * Sets a global setting for the tests of the calling describe and puts back what was there after them, whatever
 * they did, then checks it is back: a suite's setting must not decide how later suites behave.
 */
export function settingForSuite(section: string, key: string, value: unknown): void {
  let previous: unknown;
  before(async () => {
    const config = vscode.workspace.getConfiguration(section);
    previous = config.inspect(key)?.globalValue;
    await config.update(key, value, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace.getConfiguration(section).update(key, previous, vscode.ConfigurationTarget.Global);
    assert.deepEqual(vscode.workspace.getConfiguration(section).inspect(key)?.globalValue, previous, `${section}.${key} is restored`);
  });
}

/**
 * A thread export of `count` alternating messages ("Message number i"), as a file the import command reads; `texts`
 * gives some messages other words (by index, 0 the oldest), `title` the thread another title.
 */
export function threadExportFile(
  count: number,
  tag = 'uitest000',
  agentId: string | null = null,
  { texts = {}, title = `Long thread of ${count}` }: { texts?: Record<number, string>; title?: string } = {},
): vscode.Uri {
  const allTexts = Array.from({ length: count }, (_, i) => texts[i] ?? `Message number ${i}`);
  return vscode.Uri.file(writeThreadExport({ tag, texts: allTexts, title, agentId }));
}

/** The sidebar's width in pixels, as the workbench lays it out now. */
export function sidebarWidth(): Promise<number> {
  return ui.evaluate('workbench', () => Math.round(document.querySelector('.part.sidebar')!.getBoundingClientRect().width));
}

/**
 * Drags the sash between the sidebar and the editor until the sidebar is `width` pixels wide, as a person would, and
 * waits until the chat's webview has been laid out at that width; in the second window with `window: ui.second`.
 */
export async function setSidebarWidth(width: number | undefined, window: WindowUi = ui): Promise<void> {
  // undefined: the suite's `before` failed before it read the width it restores after; that failure is the one to read.
  if (width === undefined) return;
  const sash = await window.waitFor('workbench', () => {
    const bar = document.querySelector('.part.sidebar')?.getBoundingClientRect();
    if (!bar || bar.width === 0) return undefined;
    const found = [...document.querySelectorAll('.monaco-sash.vertical')]
      .map((element) => element.getBoundingClientRect())
      .find((rect) => rect.height > bar.height / 2 && Math.abs(rect.left + rect.width / 2 - bar.right) < 4);
    return found && { x: found.left + found.width / 2, y: found.top + found.height / 2, sidebar: bar.width };
  });
  await window.drag({ x: sash.x, y: sash.y }, { x: sash.x + width - sash.sidebar, y: sash.y });
  const sidebar = () => Math.round(document.querySelector('.part.sidebar')!.getBoundingClientRect().width);
  await waitUntilShows('workbench', sidebar, width, undefined, window);
}

/** Runs a command from the palette (F1), as a person in that window would. */
export async function fromPalette(window: WindowUi, command: string): Promise<void> {
  await window.press('F1');
  await window.fill('workbench', '.quick-input-widget input.input', `>${command}`);
  await window.waitFor(
    'workbench',
    new Function(
      `return [...document.querySelectorAll('.quick-input-widget .monaco-list-row')].some((r) => r.textContent.includes(${JSON.stringify(command)}));`,
    ) as () => boolean,
  );
  await window.press('Enter');
}

/**
 * Clears the notifications and closes their centre (which `notification` opens): left open, the centre covers the
 * bottom right of the window, where a panel's controls sit, and a later suite's click lands on it.
 */
export async function dismissNotifications(): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
  await vscode.commands.executeCommand('notifications.hideList');
}

/**
 * The text and button labels of the newest notification whose message includes `text`. The notification centre is
 * opened first: newer VS Code releases do not always pop a toast while the workbench is busy, and the centre lists
 * every notification with the same buttons.
 */
export async function notification(text: string, timeoutMs = 15_000): Promise<{ message: string; buttons: string[] }> {
  await vscode.commands.executeCommand('notifications.showList');
  return ui
    .waitFor(
      'workbench',
      new Function(`
      const items = [...document.querySelectorAll('.notification-list-item')].filter((t) => t.offsetParent !== null);
      const found = items.reverse().find((t) => t.querySelector('.notification-list-item-message')?.textContent.includes(${JSON.stringify(text)}));
      return found && {
        message: found.querySelector('.notification-list-item-message').textContent,
        buttons: [...found.querySelectorAll('.notification-list-item-buttons-container .monaco-button')].map((b) => b.textContent.trim()),
      };
    `) as () => { message: string; buttons: string[] },
      timeoutMs,
    )
    .catch(async (error: unknown) => {
      // What the centre listed instead is what to look at first.
      await ui.screenshot(`notification-missing-${text.slice(0, 30)}`);
      const listed = await ui.evaluate('workbench', () =>
        [...document.querySelectorAll('.notification-list-item-message')].map((m) => m.textContent ?? '').join(' | '),
      );
      throw new Error(`No notification says ${JSON.stringify(text)}; the centre lists: ${listed || 'nothing'}\n${String(error)}`, {
        cause: error,
      });
    });
}

/** Clicks `button` on the notification whose message includes `text`, in the notification centre (see notification). */
export async function clickNotificationButton(text: string, button: string, timeoutMs = 45_000): Promise<void> {
  await notification(text, timeoutMs);
  await ui.click(
    'workbench',
    `.notifications-center .notification-list-item:has-text(${JSON.stringify(text)}) .monaco-button:has-text(${JSON.stringify(button)})`,
  );
}

/** Waits until no notification on screen, toast or in the centre, says `text` (a choice made closes it). */
export function notificationGone(text: string): Promise<boolean> {
  return ui.waitFor(
    'workbench',
    new Function(`
      return ![...document.querySelectorAll('.notification-list-item')].some((t) => t.offsetParent !== null && t.textContent.includes(${JSON.stringify(text)}));
    `) as () => boolean,
  );
}

/** The three themes a screen is checked in: name, the class VS Code puts on a webview's body, a short tag for files. */
export const THEMES = [
  ['Default Dark Modern', 'vscode-dark', 'dark'],
  ['Default Light Modern', 'vscode-light', 'light'],
  ['Default High Contrast', 'vscode-high-contrast', 'hc'],
] as const;

/** Switches the colour theme and waits until each of `targets` (the chat by default) has taken it. */
export async function useTheme(theme: string, bodyClass: string, targets: DriverTarget[] = [{ webview: 'chat' }]): Promise<void> {
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
  for (const target of targets) {
    await ui.waitFor(target, new Function(`return document.body.classList.contains(${JSON.stringify(bodyClass)})`) as () => boolean);
  }
}

/** Runs "Show Local API Address and Token", presses `button` on its notification and returns what it copied. */
async function copiedFromApiInfo(button: 'Copy URL' | 'Copy Token'): Promise<string> {
  await vscode.env.clipboard.writeText('');
  const shown = vscode.commands.executeCommand('agentThreads.showLocalApiInfo');
  await vscode.commands.executeCommand('notifications.showList');
  await ui.click('workbench', `.notification-list-item:has-text("Local agent API: http") .monaco-button:has-text("${button}")`);
  await shown;
  return vscode.env.clipboard.readText();
}

/** A caller of the running local agent API (address and token read as a user does, from its notification). */
export async function localApiCaller(): Promise<(method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>> {
  // The status bar item shows once the server listens.
  await waitUntilShows(
    'workbench',
    () => [...document.querySelectorAll('.statusbar-item')].some((item) => item.textContent?.includes('Agent API')),
    true,
    30_000,
  );
  const url = await copiedFromApiInfo('Copy URL');
  const token = await copiedFromApiInfo('Copy Token');
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  return async (method, path, body) => {
    const response = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await response.json()) as Record<string, unknown>;
  };
}
