import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { sendFromComposer, settingForSuite, treeRow, useFakeModel, waitForRunStatus, showAgentThreadsView } from './helpers';

const panel = { webview: 'thread' as const };

function workspaceFile(relative: string): string {
  return path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, relative);
}

function runBadge(label: string): Promise<string> {
  return waitForRunStatus(panel, label);
}

/** Resolves once an editor tab satisfies `match`, listening to tab changes rather than polling. */
function tabWhere(match: (tab: vscode.Tab) => boolean, timeoutMs = 15_000): Promise<vscode.Tab> {
  const find = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find(match);
  const now = find();
  if (now) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const listeners: vscode.Disposable[] = [
      vscode.window.tabGroups.onDidChangeTabs(check),
      vscode.window.tabGroups.onDidChangeTabGroups(check),
    ];
    const timer = setTimeout(() => finish(() => reject(new Error('No matching editor tab opened.'))), timeoutMs);
    function check(): void {
      const tab = find();
      if (tab) finish(() => resolve(tab));
    }
    function finish(settle: () => void): void {
      clearTimeout(timer);
      for (const listener of listeners) listener.dispose();
      settle();
    }
  });
}

/** The tool outputs the fake model has been sent since the last reset (title requests carry none, so look at all). */
async function toolOutputsSent(): Promise<string[]> {
  const chats = (await fakeModel.requests()).filter((r) => r.path.endsWith('/chat/completions'));
  return chats.flatMap((chat) => (chat.body?.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.content)));
}

async function newThreadWith(agentName: string, policy: Record<string, 'ask' | 'auto'>): Promise<void> {
  const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
    name: agentName,
    model: { profile: 'fake', name: 'fake-model' },
    instructions: 'Use the workspace tools.',
    tools: Object.keys(policy).map((name) => ({ name })),
    approval_policy: policy,
  })) as { id: string };
  await vscode.commands.executeCommand('agentThreads.newThread', agent.id);
  await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
}

async function send(text: string): Promise<string> {
  return sendFromComposer(panel, text);
}

/** Polls `check` until it returns something truthy, or fails after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('workspace tools in the real UI', () => {
  before(() => useFakeModel());
  settingForSuite('agentThreads.run', 'maxRetries', 0);
  // A test that failed midway must not leave its scripted replies to the next one.
  beforeEach(() => fakeModel.reset());
  const restoreAfterwards: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const restore of restoreAfterwards) await restore();
  });
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('reads a file, then edits it after approval with a diff preview, undoably', async () => {
    const original = await fs.readFile(workspaceFile('src/greet.ts'), 'utf8');
    // Other suites read greet.ts: whatever happens here, it is put back.
    restoreAfterwards.push(() => fs.writeFile(workspaceFile('src/greet.ts'), original));
    await newThreadWith('Editor', { read_file: 'auto', edit_file: 'ask' });
    const edits = [
      { search: 'Hello, ${name}!', replace: 'Hi there, ${name}!' },
      { search: 'export function greet', replace: 'export function greetWarmly' },
    ];
    await fakeModel.script(
      { kind: 'tool_calls', calls: [{ name: 'read_file', arguments: JSON.stringify({ path: 'src/greet.ts' }) }] },
      { kind: 'tool_calls', calls: [{ name: 'edit_file', arguments: JSON.stringify({ path: 'src/greet.ts', edits }) }] },
      { kind: 'text', text: 'Greeting updated.' },
    );
    await send('Make the greeting warmer');

    await runBadge('Needs approval');
    assert.ok(
      (await toolOutputsSent()).some((output) => output.includes('return `Hello, ${name}!`;')),
      'the model received the file text',
    );
    const card = await ui.waitFor(panel, () => document.querySelector('.approval')?.textContent);
    assert.match(card, /edit src\/greet\.ts: 2 replacements/);
    assert.equal(await fs.readFile(workspaceFile('src/greet.ts'), 'utf8'), original, 'nothing changes before approval');
    await ui.screenshot('tools-approval-edit');

    await ui.click(panel, '.approval vscode-button.show-diff');
    const diffTab = await tabWhere((tab) => tab.input instanceof vscode.TabInputTextDiff);
    const input = diffTab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.fsPath, workspaceFile('src/greet.ts'));
    assert.equal(input.modified.scheme, 'agent-threads-proposed');
    const proposed = await vscode.workspace.openTextDocument(input.modified);
    assert.match(proposed.getText(), /export function greetWarmly[\s\S]*Hi there, \$\{name\}!/);
    await ui.screenshot('tools-diff-preview');

    await ui.click(panel, '.approval vscode-button.approve');
    await runBadge('Completed');
    const onDisk = await fs.readFile(workspaceFile('src/greet.ts'), 'utf8');
    assert.match(onDisk, /export function greetWarmly\(name: string\)/);
    assert.match(onDisk, /Hi there, \$\{name\}!/);
    const outputs = await toolOutputsSent();
    assert.ok(
      outputs.some((output) => /Edited src\/greet\.ts \(2 replacements\)/.test(output)),
      `tool outputs sent to the model: ${JSON.stringify(outputs)}`,
    );

    const greet = await vscode.workspace.openTextDocument(vscode.Uri.file(workspaceFile('src/greet.ts')));
    // In the diff's group, so the thread panel stays visible for the next test.
    await vscode.window.showTextDocument(greet, { viewColumn: diffTab.group.viewColumn });
    await vscode.commands.executeCommand('undo');
    assert.equal(greet.getText(), original, 'Undo takes the agent edit back');
    await greet.save();
    // Close the diff and the file (both in the group beside) so typing goes to the thread panel again.
    await vscode.commands.executeCommand('workbench.action.closeEditorsInGroup');
  });

  it('refuses a path outside the workspace and tells the model so', async () => {
    await fakeModel.script(
      { kind: 'tool_calls', calls: [{ name: 'read_file', arguments: JSON.stringify({ path: '../../etc/passwd' }) }] },
      { kind: 'text', text: 'I cannot read that.' },
    );
    await send('Read ../../etc/passwd');
    // The badge already says Completed from the previous run, so wait for this run's answer instead.
    await ui.waitFor(panel, () =>
      [...document.querySelectorAll('.message.assistant')].some((m) => m.textContent?.includes('I cannot read that.')),
    );
    const output = (await toolOutputsSent()).find((text) => text.includes('etc/passwd')) ?? '';
    assert.match(output, /outside the workspace/);
    assert.match(output, /path_outside_workspace/);
    assert.doesNotMatch(output, /root:/, 'nothing was read');
  });

  it('asks before editing .vscode/settings.json even when the policy is auto', async () => {
    const settings = await fs.readFile(workspaceFile('.vscode/settings.json'), 'utf8');
    await newThreadWith('Autopilot', { read_file: 'auto', edit_file: 'auto' });
    await fakeModel.script(
      {
        kind: 'tool_calls',
        calls: [
          {
            name: 'edit_file',
            arguments: JSON.stringify({ path: '.vscode/settings.json', content: '{ "task.allowAutomaticTasks": "on" }\n' }),
          },
        ],
      },
      { kind: 'text', text: 'Denied, fine.' },
    );
    await send('Turn on automatic tasks');
    await runBadge('Needs approval');
    const card = await ui.waitFor(panel, () => document.querySelector('.approval')?.textContent);
    assert.match(card, /\.vscode\/settings\.json is a protected path/);
    await ui.screenshot('tools-protected-approval');
    await ui.click(panel, '.approval vscode-button.deny');
    await runBadge('Completed');
    assert.equal(await fs.readFile(workspaceFile('.vscode/settings.json'), 'utf8'), settings, 'the protected file is untouched');
  });

  it('denying an edit leaves the file byte for byte intact and tells the model', async () => {
    const before = await fs.readFile(workspaceFile('src/greet.ts'));
    await newThreadWith('Careful editor', { edit_file: 'ask' });
    await fakeModel.script(
      {
        kind: 'tool_calls',
        calls: [{ name: 'edit_file', arguments: JSON.stringify({ path: 'src/greet.ts', content: 'export const gone = true;\n' }) }],
      },
      { kind: 'text', text: 'Understood, I left it alone.' },
    );
    const previous = await send('Replace greet.ts');
    await waitForRunStatus(panel, 'Needs approval', previous);
    await ui.click(panel, '.approval vscode-button.deny');
    await runBadge('Completed');
    assert.deepEqual(await fs.readFile(workspaceFile('src/greet.ts')), before, 'the file is byte-for-byte unchanged');
    const outputs = await toolOutputsSent();
    assert.ok(
      outputs.some((output) => /the user denied the call to 'edit_file'/.test(output)),
      `tool outputs sent to the model: ${JSON.stringify(outputs)}`,
    );
    // The call's card in the answer says so.
    const card = await ui.waitFor(panel, () => {
      const cards = [...document.querySelectorAll('#messages .tool-call[data-call-name="edit_file"]')];
      return cards.pop()?.querySelector('.tool-call-header')?.textContent;
    });
    assert.match(card, /^Edit file src\/greet\.tsDenied/);
  });

  it('runs a command only after approval, returns its output and exit code, and Cancel kills a long one', async () => {
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-threads-cmd-'));
    restoreAfterwards.push(() => fs.rm(scratch, { recursive: true, force: true }));
    const ranMarker = path.join(scratch, 'ran-early');
    await newThreadWith('Shell', { run_command: 'ask' });
    await fakeModel.script(
      {
        kind: 'tool_calls',
        calls: [
          { name: 'run_command', arguments: JSON.stringify({ command: `sh -c 'echo hello-from-tool; touch ${ranMarker}; exit 3'` }) },
        ],
      },
      { kind: 'text', text: 'The command printed hello.' },
    );
    let previous = await send('Say hello from the shell');
    await waitForRunStatus(panel, 'Needs approval', previous);
    const card = await ui.waitFor(panel, () => document.querySelector('.approval')?.textContent);
    assert.match(card, /run: sh -c 'echo hello-from-tool/);
    await assert.rejects(fs.stat(ranMarker), 'nothing runs before approval');
    await ui.screenshot('tools-approval-command');
    await ui.click(panel, '.approval vscode-button.approve');
    // The first command opens a terminal and waits for its shell integration, slower on newer VS Code: allow 45 s.
    await waitForRunStatus(panel, 'Completed', undefined, 45_000);
    const output = (await toolOutputsSent()).find((text) => text.includes('hello-from-tool')) ?? '';
    assert.match(output, /exit code 3/, `the exit code reaches the model: ${output}`);
    assert.match(output, /\nhello-from-tool/, `the output reaches the model: ${output}`);
    // The call's card shows the tool, the command, its status and, once the step is finished, how long it took.
    const shown = await ui.waitFor(panel, () => {
      const header = [...document.querySelectorAll('#messages .tool-call[data-call-name="run_command"] .tool-call-header')].pop();
      return header?.querySelector('.tool-call-duration') ? header.textContent : undefined;
    });
    assert.match(shown, /^Run command sh -c 'echo hello-from-tool.*Done(under 1 s|\d+(\.\d)? s)$/);

    // A long command, killed by Cancel: it writes the PID of the process that becomes `sleep`, so we can look for it.
    const pidFile = path.join(scratch, 'pid');
    await fakeModel.reset();
    await fakeModel.script(
      {
        kind: 'tool_calls',
        calls: [{ name: 'run_command', arguments: JSON.stringify({ command: `sh -c 'echo $$ > ${pidFile}; exec sleep 30'` }) }],
      },
      { kind: 'text', text: 'never sent' },
    );
    previous = await send('Run the slow one');
    await waitForRunStatus(panel, 'Needs approval', previous);
    await ui.click(panel, '.approval vscode-button.approve');
    const pid = await eventually(
      async () => Number((await fs.readFile(pidFile, 'utf8').catch(() => '')).trim()) || undefined,
      'the command to start',
    );
    assert.ok(isAlive(pid), 'the command is running');
    await waitForRunStatus(panel, 'Running', previous);
    const cancelledAt = Date.now();
    await ui.click(panel, 'vscode-button#cancel');
    await waitForRunStatus(panel, 'Cancelled', previous, 10_000);
    const cancelMs = Date.now() - cancelledAt;
    await eventually(() => !isAlive(pid), `process ${pid} to end`, 5_000);
    console.log(`[tools] cancel ended the run in ${cancelMs} ms and killed pid ${pid}; first command's output: ${JSON.stringify(output)}`);
    assert.ok(cancelMs < 5_000, `the run ended ${cancelMs} ms after Cancel`);
    await ui.screenshot('tools-command-cancelled');
  });

  it('shows run details from the thread context menu and the palette: status, model, usage, steps, error', async () => {
    // The thread of the previous test has two runs: the command that exited 3 (completed), then the cancelled one.
    await showAgentThreadsView();
    await treeRow('Say hello from the shell');
    const rowSelector = '.pane .monaco-list-row:has-text("Say hello from the shell")';
    const menuItem = '.context-view .action-item:has-text("Show Run Details")';
    // A click can land while the tree re-renders the row: open the menu again until it offers the command.
    await eventually(async () => {
      await ui.click('workbench', rowSelector, 'right');
      return ui
        .waitFor('workbench', () => document.querySelector('.context-view .monaco-menu, .context-view') !== null, 2_000)
        .then(
          () => true,
          () => undefined,
        );
    }, 'the thread context menu');
    await ui.screenshot('run-details-context-menu');
    await ui.click('workbench', menuItem);
    // Two runs: a quick pick lists them, latest first; take the older, completed one.
    await ui.waitFor('workbench', () => document.querySelectorAll('.quick-input-widget .monaco-list-row').length >= 2);
    await ui.screenshot('run-details-pick');
    // Clicked, not chosen with the keyboard: on a busy machine keys pressed before the pick has focus go elsewhere.
    await ui.click('workbench', '.quick-input-widget .monaco-list-row:has-text("completed")');
    const details = { webview: 'runDetails' as const };
    // Arguments are folded away at first: unfold them, as a person would, to read everything.
    const text = await ui.waitFor(details, () => {
      if (!document.getElementById('steps')) return undefined;
      for (const fold of document.querySelectorAll('details')) fold.open = true;
      return document.body.innerText;
    });
    assert.match(text, /Status\s+Completed/);
    assert.match(text, /Thread\s+Say hello from the shell/);
    assert.match(text, /Model\s+fake-model \(fake\)/);
    assert.match(text, /Tokens\s+[\d,]+ \([\d,]+ in, [\d,]+ out\)/);
    assert.match(text, /Called run_command\s*completed/);
    assert.match(text, /"command": "sh -c 'echo hello-from-tool/);
    assert.match(text, /\$ sh -c 'echo hello-from-tool[^\n]*exit code 3\)[\s\S]*hello-from-tool/);
    assert.match(text, /Wrote a message\s*completed/);
    await ui.screenshot('run-details-document');
    // The page's footer names the ids, for bug reports.
    const threadId = /thread (\S+)$/.exec(await ui.evaluate(details, () => document.querySelector('.ids')?.textContent ?? ''))?.[1];
    assert.ok(threadId, 'the thread id is in the footer');

    // From the palette with the thread given, the latest run is first in the pick: the cancelled one.
    // The first pick's widget stays in the DOM, hidden: wait until it is gone so its old rows cannot answer for the new one.
    const quickPickShown = () => {
      const widget = document.querySelector<HTMLElement>('.quick-input-widget');
      return widget !== null && widget.style.display !== 'none' && widget.offsetParent !== null;
    };
    await ui.waitFor('workbench', new Function(`return !(${quickPickShown.toString()})()`) as () => boolean);
    const shown = vscode.commands.executeCommand<string>('agentThreads.showRunDetails', threadId);
    await ui.waitFor(
      'workbench',
      new Function(`
      return (${quickPickShown.toString()})() && document.querySelector('.quick-input-widget .monaco-list-row')?.textContent?.includes('cancelled');
    `) as () => boolean,
    );
    await ui.press('Enter');
    await shown;
    const latest = await ui.waitFor(details, () =>
      /Cancelled/.test(document.getElementById('facts')?.textContent ?? '') ? document.body.innerText : undefined,
    );
    assert.doesNotMatch(latest, /What went wrong/);
    assert.match(latest, /Called run_command\s*cancelled[\s\S]*stopped because the run was cancelled/);
  });
});
