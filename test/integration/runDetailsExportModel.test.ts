/**
 * Three things a new user trips on (the chat experience issue, problems 6, 12 and 15), seen on screen in the real
 * VS Code: Run Details reads as a page, not Markdown source; Export goes to a dated file and offers to open it;
 * Configure Model tries the profile and says what happened.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel, fakeModelUrl } from './fakeModel';
import { notification, sendFromComposer as send, useFakeModel, waitForRunStatus as runBadge } from './helpers';

const panel = { webview: 'thread' as const };
const details = { webview: 'runDetails' as const };

/** Whether the quick input (pick, input box or the simple file dialog) is on screen. */
const quickInputShown = () => {
  const widget = document.querySelector<HTMLElement>('.quick-input-widget');
  return widget !== null && widget.style.display !== 'none' && widget.offsetParent !== null;
};

async function quickInputGone(): Promise<void> {
  await ui.waitFor('workbench', new Function(`return !(${quickInputShown.toString()})()`) as () => boolean);
}

/** Waits for a quick input whose text includes `prompt`, types `text` (unless undefined) and presses Enter. */
async function answer(prompt: string, text?: string): Promise<void> {
  await ui.waitFor(
    'workbench',
    new Function(`
      // The widget is created the first time a quick input opens: until then there is nothing to read.
      if (!(${quickInputShown.toString()})()) return false;
      const widget = document.querySelector('.quick-input-widget');
      const text = widget.textContent + ' ' + (widget.querySelector('.quick-input-box input')?.placeholder ?? '');
      return text.includes(${JSON.stringify(prompt)});
    `) as () => boolean,
  );
  if (text !== undefined) await ui.fill('workbench', '.quick-input-widget .quick-input-box input', text);
  await ui.press('Enter');
}

describe('run details, export and model setup', () => {
  let threadId: string;

  before(async () => {
    await useFakeModel();
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Details Helper',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Read files when asked.',
      tools: [{ name: 'read_file' }],
      approval_policy: { read_file: 'auto' },
    })) as { id: string };
    await vscode.commands.executeCommand('agentThreads.newThread', agent.id);
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    threadId = await ui.evaluate(panel, () => document.body.dataset.threadId ?? '');
    // First run: a tool call, then an answer full of Markdown and HTML that must stay text in the details.
    await fakeModel.script(
      { kind: 'tool_calls', calls: [{ name: 'read_file', arguments: JSON.stringify({ path: 'src/greet.ts' }) }] },
      { kind: 'text', text: '# Heading\n\n**bold** <img src=x onerror="document.title=1">' },
    );
    let before = await send(panel, 'Please read greet.ts <b>now</b> and **explain** it');
    await runBadge(panel, 'Completed', before);
    before = await send(panel, 'Second question about the greeting');
    await runBadge(panel, 'Completed', before);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    await useFakeModel(); // Configure Model added profiles
  });

  it('Run Details: the picker names runs by their message; the page is rendered, names the agent, shows local times, opens in place', async () => {
    const groupsBefore = vscode.window.tabGroups.all.length;
    const shown = vscode.commands.executeCommand<string | undefined>('agentThreads.showRunDetails');
    // Asked from the open thread's panel: no thread pick, straight to its two runs, labelled by what the user wrote.
    const labels = await ui.waitFor('workbench', () => {
      // A row's first label is its label; its detail line has one too.
      const rows = [...document.querySelectorAll('.quick-input-widget .monaco-list-row')].map(
        (row) => row.querySelector('.label-name')?.textContent ?? '',
      );
      return rows.length >= 2 ? rows : undefined;
    });
    assert.match(labels[0].trim(), /^Second question about the greeting$/);
    assert.match(labels[1].trim(), /^Please read greet\.ts <b>now<\/b> and \*\*explain\*\* it$/);
    assert.ok(
      labels.every((label) => !label.includes('run_')),
      `run ids are not labels: ${labels.join(' | ')}`,
    );
    await ui.screenshot('run-details-pick-by-message');
    await ui.press('ArrowDown');
    await ui.press('Enter');
    const shownRun = await shown;
    assert.ok(shownRun);

    const page = await ui.waitFor(details, () => {
      const headline = document.getElementById('headline');
      const time = document.querySelector('time');
      if (!headline || !time) return undefined;
      const box = headline.getBoundingClientRect();
      return {
        headline: headline.textContent ?? '',
        text: document.body.innerText,
        time: { shown: time.textContent ?? '', iso: time.getAttribute('datetime') ?? '' },
        headlineInView: box.left >= 0 && box.right <= window.innerWidth && box.top >= 0 && box.bottom <= window.innerHeight,
        overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth,
        hostile: document.querySelectorAll('main img, main b, main strong, main script').length,
        promptShown: document.getElementById('prompt')?.textContent ?? '',
      };
    });
    assert.match(page.headline, /Details Helper \(v\d+\)/);
    assert.doesNotMatch(page.headline, /asst_/);
    assert.ok(page.headlineInView, 'the headline is on screen');
    assert.equal(page.overflow, false, 'nothing overflows sideways');
    // Rendered, not Markdown source: no heading marks or emphasis stars at line starts, tables as text.
    assert.ok(!page.text.split('\n').some((line) => /^\s*(#{1,6} |\*\*|\|)/.test(line)), page.text);
    // The user's message is shown as they typed it, its HTML inert.
    assert.equal(page.promptShown, 'Please read greet.ts <b>now</b> and **explain** it');
    assert.equal(page.hostile, 0, 'no element came from message or tool text');
    // Local time in the user's locale, not ISO UTC.
    const expected = new Intl.DateTimeFormat(vscode.env.language, { dateStyle: 'medium', timeStyle: 'medium' }).format(
      new Date(page.time.iso),
    );
    assert.equal(page.time.shown, expected);
    assert.doesNotMatch(page.time.shown, /\d{4}-\d\d-\d\dT|Z$/);
    assert.match(page.text, /Called read_file\s*completed/);
    assert.match(page.text, /Tokens\s+[\d,]+ \([\d,]+ in, [\d,]+ out\)/);
    assert.match(page.text, /Duration\s+(under a second|\d+ s)/);
    // In the thread panel's group, as a tab, not a surprise split.
    assert.equal(vscode.window.tabGroups.all.length, groupsBefore);
    assert.match(vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '', /^Run: Details Helper/);
    await ui.screenshot('run-details-page');

    // Costs: none without prices, with the reason; with the profile's prices, the run's and the thread's.
    assert.match(page.text, /Cost\s+— \(no prices set for the model profile fake\)/);
    const models = vscode.workspace.getConfiguration('agentThreads');
    const [fake] = models.get<Record<string, unknown>[]>('models', []);
    await models.update('models', [{ ...fake, prices: { input: 1_000, output: 1_000 } }], vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('agentThreads.showRunDetails', threadId, shownRun);
    // Both runs ran before the profile had prices, so the ledger holds no cost for them: today's prices, said so.
    const costRow = await ui.waitFor(
      details,
      () => /Cost\s+\$[\d.,]+ \(thread so far: \$[\d.,]+; at today's prices\)/.exec(document.body.innerText)?.[0],
    );
    const [runCost, threadCost] = [...costRow.matchAll(/\$([\d.,]+)/g)].map((match) => Number(match[1].replace(/,/g, '')));
    assert.ok(runCost > 0 && threadCost > runCost, `two runs cost more than one: ${costRow}`);
    await useFakeModel(); // the profile without prices again

    // Readable in every theme: the status badge's words against its background pass WCAG AA (4.5:1).
    const workbench = () => vscode.workspace.getConfiguration('workbench');
    const previous = workbench().inspect('colorTheme')?.globalValue;
    try {
      for (const [theme, bodyClass] of [
        ['Default Dark Modern', 'vscode-dark'],
        ['Default Light Modern', 'vscode-light'],
        ['Default High Contrast', 'vscode-high-contrast'],
      ] as const) {
        await workbench().update('colorTheme', theme, vscode.ConfigurationTarget.Global);
        const contrast = await ui.waitFor(
          details,
          new Function(`
            if (!document.body.classList.contains(${JSON.stringify(bodyClass)})) return undefined;
            const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
            const lum = (c) => { const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
            const badge = getComputedStyle(document.querySelector('.badge'));
            const [a, b] = [lum(badge.color), lum(badge.backgroundColor)].sort((x, y) => y - x);
            return { ratio: (a + 0.05) / (b + 0.05), color: badge.color, background: badge.backgroundColor };
          `) as () => { ratio: number; color: string; background: string },
        );
        assert.ok(
          contrast.ratio >= 4.5,
          `${theme}: badge contrast ${contrast.ratio.toFixed(2)} (${contrast.color} on ${contrast.background})`,
        );
        await ui.screenshot(`run-details-${bodyClass}`);
      }
    } finally {
      await workbench().update('colorTheme', previous, vscode.ConfigurationTarget.Global);
    }
  });

  it('Export: the open thread, a dated file name without a trailing dash, and a notification whose Open opens the file', async () => {
    await vscode.commands.executeCommand('agentThreads.renameThread', threadId, 'Please export this run');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.openThread', threadId);
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    await quickInputGone();
    await vscode.commands.executeCommand('notifications.clearAll');

    const exported = vscode.commands.executeCommand<vscode.Uri | undefined>('agentThreads.exportThread');
    // The first thing asked is where to save (the simple file dialog of the web workbench), not which thread.
    const offered = await ui.waitFor('workbench', () => {
      const input = document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input');
      return input && input.offsetParent !== null && /\.md$/.test(input.value) ? input.value : undefined;
    });
    const day = new Date();
    const date = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    assert.equal(path.basename(offered), `please-export-this-run-${date}.md`);
    await ui.screenshot('export-save-dialog');
    await ui.press('Enter');
    const file = await exported;
    assert.ok(file, 'the export was written');
    assert.doesNotMatch(path.basename(file.fsPath), /-\.md$/);
    assert.match(await fs.readFile(file.fsPath, 'utf8'), /^# Please export this run/);

    const notice = await notification('Exported "Please export this run"');
    assert.ok(notice.buttons.includes('Open'), `buttons: ${notice.buttons.join(', ')}`);
    await ui.screenshot('export-notification');
    await ui.click('workbench', '.notifications-center .notification-list-item-buttons-container .monaco-button:has-text("Open")');
    await new Promise<void>((resolve) => {
      const opened = () => vscode.window.activeTextEditor?.document.uri.fsPath === file.fsPath;
      if (opened()) return resolve();
      const watch = vscode.window.onDidChangeActiveTextEditor(() => opened() && (watch.dispose(), resolve()));
    });
    await fs.rm(file.fsPath, { force: true });
  });

  it('Configure Model tries the profile: the models it found, or "connection refused" with fixes', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    const configure = async (profileId: string, baseUrl: string) => {
      await quickInputGone();
      const done = vscode.commands.executeCommand('agentThreads.configureModel');
      await answer('Where does the model run?', 'OpenAI-compatible');
      await answer('Base URL of the server', baseUrl);
      await answer('Model name', 'fake-model');
      await answer('Context window');
      await answer('A name for this profile', profileId);
      await answer('No key needed');
      await done;
    };

    await configure('tried-ok', fakeModelUrl());
    const works = await notification('Model profile "tried-ok" works');
    assert.match(works.message, /has 1 model\(s\), including "fake-model"/);
    await ui.screenshot('configure-model-works');

    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const closedUrl = `http://127.0.0.1:${port}/v1`;
    await vscode.commands.executeCommand('notifications.clearAll');
    await configure('tried-closed', closedUrl);
    const refused = await notification('Model profile "tried-closed" is saved, but the test failed');
    assert.ok(refused.message.includes(`Connection refused at ${closedUrl}`), refused.message);
    assert.ok(refused.buttons.includes('Reconfigure') && refused.buttons.includes('Open Settings'), refused.buttons.join(', '));
    await ui.screenshot('configure-model-refused');
  });

  it('Configure Model asks an Azure OpenAI profile which API it speaks, Responses first, and saves the choice', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await quickInputGone();
    const done = vscode.commands.executeCommand('agentThreads.configureModel');
    await answer('Where does the model run?', 'Azure OpenAI');
    await answer('Endpoint of the Azure OpenAI resource', new URL(fakeModelUrl()).origin);
    await answer('Deployment name', 'fake-model');
    await answer('API version');
    // The API question: both choices on screen, Responses first and marked recommended.
    const shown = await ui.waitFor('workbench', () => {
      const widget = document.querySelector('.quick-input-widget');
      const input = widget?.querySelector<HTMLInputElement>('.quick-input-box input');
      if (!input?.placeholder.includes('Which API should this profile use?')) return undefined;
      const rows = [...widget!.querySelectorAll('.monaco-list-row')].map((row) => row.textContent ?? '');
      return rows.length >= 2 ? rows : undefined;
    });
    assert.match(shown[0], /Responses API.*recommended/);
    assert.match(shown[1], /Chat Completions API/);
    await ui.screenshot('configure-model-api');
    await answer('Which API should this profile use?', 'Chat Completions');
    await answer('Model name');
    await answer('Context window');
    await answer('A name for this profile', 'azure-chat');
    await answer('Stored in VS Code secret storage', 'azure-test-key');
    await done;
    const saved = vscode.workspace.getConfiguration('agentThreads').get<{ id: string; api?: string; provider: string }[]>('models', []);
    const profile = saved.find((p) => p.id === 'azure-chat');
    assert.deepEqual(profile && { provider: profile.provider, api: profile.api }, { provider: 'azure-openai', api: 'chat-completions' });
    await notification('Model profile "azure-chat"'); // tried, whatever the answer: the test waits for it to settle
  });
});
