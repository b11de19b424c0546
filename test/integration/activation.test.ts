import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { codeCacheFiles, codeCacheUse, eventually, paletteRows } from './helpers';

const EXTENSION_ID = 'agent-threads.agent-threads';

interface Manifest {
  contributes: { commands: { command: string; category?: string }[] };
}

describe('Agent Threads in a real VS Code', () => {
  let extension: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not installed in this VS Code`);
    extension = found;
  });

  it('is not active until its views or commands are used, then activates', async () => {
    const manifest = extension.packageJSON as { activationEvents: string[] };
    assert.ok(!manifest.activationEvents.includes('*'), 'must not activate on *');
    await vscode.commands.executeCommand('workbench.view.extension.agentThreads');
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every contributed command, all in the "Agent Threads" category', async () => {
    const { contributes } = extension.packageJSON as Manifest;
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const { command, category } of contributes.commands) {
      assert.ok(registered.has(command), `${command} is contributed but not registered`);
      assert.equal(category, 'Agent Threads', `${command} has category ${category}`);
    }
  });

  // Before anything else opens the Agents tree or creates an agent: what a new user's first window shows.
  it('gives the chat most of the sidebar in a fresh window, the Agents tree collapsed above it', async () => {
    await vscode.commands.executeCommand('agentThreads.openChat');
    const sidebarHeight = await ui.waitFor('workbench', () => document.querySelector('.part.sidebar')?.getBoundingClientRect().height);
    const area = await ui.waitFor({ webview: 'chat' }, () => {
      const header = document.querySelector('.thread-header')?.getBoundingClientRect();
      const composer = document.querySelector('.composer')?.getBoundingClientRect();
      return header && composer && composer.top > header.bottom ? Math.round(composer.top - header.bottom) : undefined;
    });
    assert.ok(area >= 0.6 * sidebarHeight, `the conversation area is ${area} px of a ${sidebarHeight} px sidebar`);
  });

  it('with no agents, the chat welcomes with a Create Agent button that starts one, and the composer is off', async () => {
    await vscode.commands.executeCommand('agentThreads.openChat');
    const chat = { webview: 'chat' as const };
    const shown = await ui.waitFor(chat, () => {
      const button = document.getElementById('create-agent');
      const box = button?.getBoundingClientRect();
      const input = document.querySelector<HTMLElement & { disabled: boolean }>('vscode-textarea#input');
      const send = document.querySelector<HTMLElement & { disabled: boolean }>('vscode-button#send');
      if (!button || !box || box.width === 0 || !input || !send) return undefined;
      return {
        button: button.textContent?.trim(),
        inView: box.left >= 0 && box.top >= 0 && box.right <= innerWidth && box.bottom <= innerHeight,
        inputDisabled: input.disabled,
        sendDisabled: send.disabled,
        hint: input.getAttribute('placeholder'),
        pickerShown: !!document.querySelector('vscode-single-select#agent')?.getClientRects().length,
        headerTitle: document.querySelector('.thread-title')?.textContent,
      };
    });
    assert.deepEqual(shown, {
      button: 'Create Agent',
      inView: true,
      inputDisabled: true,
      sendDisabled: true,
      hint: 'Create an agent above to start chatting.',
      pickerShown: false,
      headerTitle: '',
    });
    await ui.screenshot('chat-empty-state');

    await ui.click(chat, '#create-agent');
    const prompt = await ui.waitFor('workbench', () => {
      const widget = document.querySelector<HTMLElement>('.quick-input-widget');
      const text = widget && widget.style.display !== 'none' ? (widget.textContent ?? '') : '';
      return text.includes('Name of the agent') ? text : undefined;
    });
    assert.match(prompt, /New agent/);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('shows the Agents tree with its welcome content in the activity bar container', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.agentThreads');
    const activityItem = await ui.waitFor('workbench', () =>
      document
        .querySelector('.activitybar .action-item [aria-label^="Agent Threads"], .activitybar [aria-label^="Agent Threads"]')
        ?.getAttribute('aria-label'),
    );
    assert.match(String(activityItem), /^Agent Threads/);
    // The tree starts collapsed under its header: open it as a person would.
    await vscode.commands.executeCommand('agentThreads.agents.focus');
    const welcome = await ui.waitFor('workbench', () => {
      const pane = [...document.querySelectorAll('.pane')].find((p) => p.querySelector('.pane-header')?.textContent?.includes('Agents'));
      return pane?.querySelector('.welcome-view-content')?.textContent ?? '';
    });
    assert.match(welcome, /No agents yet/);
  });

  it('offers thread and agent commands in the palette only once there is something to act on', async () => {
    // A control: the palette does list our commands, so an empty answer below means the command is hidden.
    assert.ok((await paletteRows('Agent Threads: Create Agent', 'Create Agent')).length > 0);
    for (const hidden of ['Delete Thread', 'Export Thread', 'Move Thread to the Other Backend', 'Delete Agent']) {
      const rows = await paletteRows(`Agent Threads: ${hidden}`, null);
      assert.deepEqual(
        rows.filter((row) => row.includes(hidden)),
        [],
        `"${hidden}" is offered with nothing to act on`,
      );
    }
  });

  it('loads the chat webview under a strict CSP and answers a ping through the typed protocol', async () => {
    await vscode.commands.executeCommand('agentThreads.openChat');
    const state = await ui.waitFor({ webview: 'chat' }, () => document.getElementById('connection')?.dataset.state);
    assert.equal(state, 'connected');

    const page = await ui.evaluate({ webview: 'chat' }, () => {
      const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
      // VS Code injects its own acquireVsCodeApi script (id _vscodeApiScript); everything else is ours.
      const scripts = [...document.querySelectorAll('script')].filter((s) => s.id !== '_vscodeApiScript');
      return {
        csp,
        scriptCount: scripts.length,
        inlineScripts: scripts.filter((s) => !s.src).length,
        scriptNonces: scripts.map((s) => s.nonce),
        sendButton: document.querySelector('vscode-button#send')?.shadowRoot !== null,
      };
    });
    assert.match(page.csp, /default-src 'none'/);
    assert.match(page.csp, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'(;|$)/);
    assert.doesNotMatch(page.csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.inlineScripts, 0, 'no inline script');
    assert.ok(page.scriptCount >= 1);
    assert.ok(
      page.scriptNonces.every((nonce) => (nonce ?? '').length > 0),
      'every script carries the nonce',
    );
    assert.equal(page.sendButton, true, 'vscode-elements components render (their shadow root exists under the CSP)');

    const screenshot = await ui.screenshot('workbench-with-agent-threads');
    assert.match(screenshot, /\.png$/);
  });

  // The next start, from the cache, is in restart.test.ts: a window reload here would change the layout later suites see.
  it('compiles its code from source on the first start, and saves it to the code cache for the next', async () => {
    await extension.activate();
    assert.equal(codeCacheUse(), 'none', 'a fresh profile has no code cache');
    await eventually(codeCacheFiles, (files) => files.length === 1, 'the code cache saved after start-up', 30_000);
  });
});
