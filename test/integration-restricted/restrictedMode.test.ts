import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from '../integration/driver';
import { fakeModel } from '../integration/fakeModel';
import { sendFromComposer, useFakeModel, waitForRunStatus } from '../integration/helpers';

const panel = { webview: 'thread' as const };

function workspaceFile(relative: string): string {
  return path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, relative);
}

async function toolOutputsSent(): Promise<string[]> {
  const chats = (await fakeModel.requests()).filter((r) => r.path.endsWith('/chat/completions'));
  return chats.flatMap((chat) => (chat.body?.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.content)));
}

describe('Restricted Mode (untrusted workspace)', () => {
  before(async () => {
    await useFakeModel();
    await vscode.workspace.getConfiguration('agentThreads.run').update('maxRetries', 0, vscode.ConfigurationTarget.Global);
  });

  it('opens the folder untrusted and the extension still activates', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the runner must open this suite in Restricted Mode');
    const extension = vscode.extensions.getExtension('agent-threads.agent-threads')!;
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('runs read-only tools, refuses changing ones without asking, and says why in the panel', async () => {
    const original = await fs.readFile(workspaceFile('src/greet.ts'), 'utf8');
    const marker = workspaceFile('ran.txt');
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Untrusted helper',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Use the workspace tools.',
      tools: [{ name: 'read_file' }, { name: 'edit_file' }, { name: 'run_command' }],
      approval_policy: { read_file: 'auto', edit_file: 'ask', run_command: 'ask' },
    })) as { id: string };
    await vscode.commands.executeCommand('agentThreads.newThread', agent.id);
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');

    const banner = await ui.waitFor(panel, () => {
      const element = document.getElementById('restricted-mode');
      return element && !element.hidden && element.getBoundingClientRect().height > 0 ? element.textContent : undefined;
    });
    assert.match(banner, /Restricted Mode/);
    assert.match(banner, /Manage Workspace Trust/);

    await fakeModel.script(
      { kind: 'tool_calls', calls: [{ name: 'read_file', arguments: JSON.stringify({ path: 'src/greet.ts' }) }] },
      {
        kind: 'tool_calls',
        calls: [
          { name: 'edit_file', arguments: JSON.stringify({ path: 'src/greet.ts', content: 'hacked\n' }) },
          { name: 'run_command', arguments: JSON.stringify({ command: 'echo ran > ran.txt' }) },
        ],
      },
      { kind: 'text', text: 'This folder is in Restricted Mode, so I could only read it.' },
    );
    const before = await sendFromComposer(panel, 'Make the greeting warmer and run the tests');
    await waitForRunStatus(panel, 'Completed', before);

    const outputs = await toolOutputsSent();
    assert.ok(
      outputs.some((output) => output.includes('return `Hello, ${name}!`;')),
      'read_file still works',
    );
    const refusals = outputs.filter((output) => /Restricted Mode/.test(output));
    assert.equal(refusals.length, 2, `both changing calls were refused: ${JSON.stringify(outputs)}`);
    for (const refusal of refusals) assert.match(refusal, /workspace_untrusted[\s\S]*Manage Workspace Trust/);
    assert.equal(await fs.readFile(workspaceFile('src/greet.ts'), 'utf8'), original, 'the file is untouched');
    await assert.rejects(fs.stat(marker), 'the command never ran');

    // The calls' cards in the answer say what was refused and why, without opening anything else.
    const steps = await ui.waitFor(panel, () => {
      const calls = [...document.querySelectorAll<HTMLElement>('#messages .tool-call')];
      const refused = calls.filter((call) => call.textContent?.includes('Restricted Mode'));
      return refused.length === 2
        ? calls.map((call) => `${call.dataset.callName} ${call.dataset.status}: ${call.querySelector('.tool-output')?.textContent ?? ''}`)
        : undefined;
    });
    assert.ok(
      steps.some((step) => /^edit_file failed/.test(step)),
      JSON.stringify(steps),
    );
    assert.ok(
      steps.some((step) => /^run_command failed/.test(step)),
      JSON.stringify(steps),
    );
    assert.equal(await ui.evaluate(panel, () => document.querySelectorAll('.approval').length), 0, 'no approval was asked');
    await ui.evaluate(panel, () => {
      for (const call of document.querySelectorAll<HTMLElement>('#messages .tool-call[data-status="failed"] .tool-call-header'))
        call.click();
      return true;
    });
    await ui.screenshot('restricted-mode-refused');
  });

  it('shows the Restricted Mode banner in the sidebar chat too', async () => {
    await vscode.commands.executeCommand('agentThreads.openChat');
    const banner = await ui.waitFor({ webview: 'chat' }, () => {
      const element = document.getElementById('restricted-mode');
      return element && !element.hidden && element.getBoundingClientRect().height > 0 ? element.textContent : undefined;
    });
    assert.match(banner, /Restricted Mode: agents can only read and search this folder/);
    await ui.screenshot('restricted-mode-chat');
  });
});
