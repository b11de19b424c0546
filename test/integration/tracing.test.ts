import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type FakeOtlpReceiver, startFakeOtlpReceiver } from '../fixtures/fakeOtlpReceiver';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { sendFromComposer, useFakeModel, waitForRunStatus } from './helpers';

const panel = { webview: 'thread' as const };
const SECRET = 'tracing secret words';

/** Waits until VS Code has read the workspace's settings file again (it announces every change it sees). */
function configurationChange(): Promise<void> {
  return new Promise((resolve) => {
    const listener = vscode.workspace.onDidChangeConfiguration(() => {
      listener.dispose();
      resolve();
    });
  });
}

describe('run tracing settings', () => {
  let fromWorkspace: FakeOtlpReceiver;
  let fromUser: FakeOtlpReceiver;
  const settingsFile = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json');
  let originalSettings: string;
  let agentId = '';

  before(async () => {
    await useFakeModel();
    fromWorkspace = await startFakeOtlpReceiver();
    fromUser = await startFakeOtlpReceiver();
    originalSettings = await fs.readFile(settingsFile, 'utf8');
  });
  after(async () => {
    const tracing = vscode.workspace.getConfiguration('agentThreads.tracing');
    await tracing.update('endpoint', undefined, vscode.ConfigurationTarget.Global);
    await tracing.update('captureContent', undefined, vscode.ConfigurationTarget.Global);
    if ((await fs.readFile(settingsFile, 'utf8')) !== originalSettings) {
      const changed = configurationChange();
      await fs.writeFile(settingsFile, originalSettings);
      await changed;
    }
    if (agentId) await vscode.commands.executeCommand('agentThreads.deleteAgent', agentId, true);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fakeModel.reset();
    await fromWorkspace.close();
    await fromUser.close();
  });

  async function runInNewThread(): Promise<void> {
    await vscode.commands.executeCommand('agentThreads.newThread', agentId);
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    await fakeModel.script(
      { kind: 'tool_calls', calls: [{ name: 'echo', arguments: JSON.stringify({ text: SECRET }) }] },
      { kind: 'text', text: 'Echoed.' },
    );
    const before = await sendFromComposer(panel, `Please echo: ${SECRET}`);
    await waitForRunStatus(panel, 'Completed', before);
  }

  it('ignores an endpoint a workspace sets, and traces to the one the user sets, without message text', async () => {
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Traced',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Echo what you are asked to.',
      tools: [{ name: 'echo' }],
      approval_policy: { echo: 'auto' },
    })) as { id: string };
    agentId = agent.id;

    // A repository's settings try to send runs, with their text, to a receiver of its choosing.
    const read = configurationChange();
    const workspaceSettings = {
      ...(JSON.parse(originalSettings) as object),
      'agentThreads.tracing.endpoint': fromWorkspace.url,
      'agentThreads.tracing.captureContent': true,
      // A setting a workspace may set, so VS Code announces that it read the file whatever it makes of the rest.
      'agentThreads.run.maxToolRounds': 9,
    };
    await fs.writeFile(settingsFile, JSON.stringify(workspaceSettings, null, 2));
    await read;
    await runInNewThread();

    const tracing = vscode.workspace.getConfiguration('agentThreads.tracing');
    await tracing.update('endpoint', fromUser.url, vscode.ConfigurationTarget.Global);
    await runInNewThread();

    const spans = await fromUser.waitFor((all) => all.some((span) => span.name === 'invoke_agent Traced'));
    const root = spans.find((span) => span.name === 'invoke_agent Traced')!;
    assert.deepEqual(
      spans.filter((span) => span.parentSpanId === root.spanId).map((span) => span.name),
      ['chat fake-model', 'execute_tool echo', 'chat fake-model'],
    );
    assert.equal(spans.filter((span) => span.name.startsWith('invoke_agent')).length, 1, 'only the run after the user setting');
    assert.ok(!JSON.stringify(spans).includes(SECRET), 'the workspace cannot turn content capture on');
    // The user's receiver got the second run's spans, sent after the first run's would have been (the exporter
    // is swapped only after the old one has sent everything): had the workspace's endpoint been used, they are here.
    assert.deepEqual(fromWorkspace.spans, []);
  });
});
