import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { codeCacheFiles, codeCacheUse, eventually, sendFromComposer, useFakeModel, waitForRunStatus, waitUntilShows } from './helpers';
import { acrossRestart } from './restart';

const panel = { webview: 'thread' as const };
// CRLF, a BOM and no final newline: what a text round trip would damage.
const BEFORE_THE_RUN = Buffer.from('\uFEFFexport const kept = 1;\r\n// ü', 'utf8');

/** The texts of the user messages the panel shows, in order (read in the webview). */
const userMessageTexts = () => [...document.querySelectorAll('.message.user .message-body')].map((m) => m.textContent?.trim() ?? '');

function shownUserMessages(): Promise<string[]> {
  return ui.evaluate(panel, userMessageTexts);
}

async function newThreadWith(agent: {
  name: string;
  tools?: { name: string }[];
  approval_policy?: Record<string, string>;
}): Promise<string> {
  await useFakeModel();
  const created = (await vscode.commands.executeCommand('agentThreads.createAgent', {
    model: { profile: 'fake', name: 'fake-model' },
    instructions: 'Answer.',
    ...agent,
  })) as { id: string };
  const thread = (await vscode.commands.executeCommand('agentThreads.newThread', created.id)) as { id: string };
  await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
  return thread.id;
}

async function ask(question: string, answer: string): Promise<void> {
  await fakeModel.script({ kind: 'text', text: answer });
  await waitForRunStatus(panel, 'Completed', await sendFromComposer(panel, question));
  await ui.waitFor(
    panel,
    new Function(
      `return [...document.querySelectorAll('.message.assistant')].some((m) => m.textContent.includes(${JSON.stringify(answer)}));`,
    ) as () => boolean,
  );
}

interface Interrupted {
  threadId: string;
  runId: string;
  shown: string[];
}

/**
 * After the extension host was killed mid-run: the thread opens with every message shown as sent, the run is failed
 * with code `interrupted` in the header, and a new run completes.
 */
async function checkRecovered({ threadId, runId, shown }: Interrupted, screenshot: string): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('agentThreads.openThread', threadId);
  await waitForRunStatus(panel, 'Failed', undefined, 30_000).then((id) => assert.equal(id, runId, 'the header shows the interrupted run'));
  const error = await ui.waitFor(panel, () => {
    const box = document.querySelector('.run-error') as HTMLElement | null;
    return box ? { code: box.dataset.code, text: box.textContent ?? '' } : undefined;
  });
  assert.equal(error.code, 'interrupted');
  assert.match(error.text, /interrupted/i);
  // The header comes with the thread, its messages a moment later: wait for them rather than read the first look.
  await waitUntilShows(panel, userMessageTexts, shown);
  await ui.screenshot(screenshot);
  await ask('Still there?', 'Yes, carrying on.');
  await waitUntilShows(panel, userMessageTexts, [...shown, 'Still there?']);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('restarts: window reload and a killed extension host', () => {
  acrossRestart('loads the extension from the code cache an earlier start saved, after a window reload', 'reload-window', {
    async before() {
      await eventually(codeCacheFiles, (files) => files.length === 1, 'the code cache saved after start-up', 30_000);
      return {};
    },
    async after() {
      await vscode.extensions.getExtension('agent-threads.agent-threads')!.activate();
      assert.equal(codeCacheUse(), 'used', 'the reloaded window loaded the extension from the code cache');
    },
  });

  acrossRestart('brings the thread panel back with its thread after a window reload', 'reload-window', {
    async before() {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const threadId = await newThreadWith({ name: 'Rememberer' });
      await ask('Remember the reload', 'Remembered.');
      return { threadId };
    },
    async after() {
      // Restored by the serializer, not reopened by the test.
      const restored = await ui.waitFor(
        panel,
        () => {
          const texts = [...document.querySelectorAll('.message')].map((m) => m.textContent ?? '');
          return texts.some((t) => t.includes('Remembered.')) ? texts : undefined;
        },
        30_000,
      );
      assert.ok(restored.some((t) => t.includes('Remember the reload')));
      await ui.screenshot('restored-after-reload');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    },
  });

  acrossRestart<Interrupted>(
    'SIGKILL in the middle of a streamed answer: the run is interrupted, the thread intact',
    'kill-extension-host',
    {
      async before() {
        const threadId = await newThreadWith({ name: 'Streamer' });
        await ask('First question', 'First answer.');
        await fakeModel.script({ kind: 'text', text: `Slowly ${'streaming word '.repeat(300)}`, chunkDelayMs: 100 });
        await sendFromComposer(panel, 'Second question');
        // Killed once part of the answer is on screen.
        await ui.waitFor(panel, () =>
          [...document.querySelectorAll('.message.assistant')].some((m) => m.textContent?.includes('Slowly streaming')),
        );
        const runId = await waitForRunStatus(panel, 'Running');
        return { threadId, runId, shown: await shownUserMessages() };
      },
      after: (data) => checkRecovered(data, 'interrupted-mid-stream'),
    },
  );

  acrossRestart<{ threadId: string; runId: string; file: string }>(
    'SIGKILL after a run that edited a file: Undo in the next host puts the file back byte for byte',
    'kill-extension-host',
    {
      async before() {
        const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
        const file = path.join(folder, 'restart-undo', 'kept.ts');
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, BEFORE_THE_RUN);
        const threadId = await newThreadWith({ name: 'Editor', tools: [{ name: 'edit_file' }], approval_policy: { edit_file: 'auto' } });
        await fakeModel.script(
          {
            kind: 'tool_calls',
            calls: [
              { name: 'edit_file', arguments: JSON.stringify({ path: 'restart-undo/kept.ts', content: 'export const kept = 2;\n' }) },
            ],
          },
          { kind: 'text', text: 'Edited.' },
        );
        const runId = await waitForRunStatus(panel, 'Completed', await sendFromComposer(panel, 'Edit kept.ts'));
        assert.match(await fs.readFile(file, 'utf8'), /export const kept = 2;/, 'the run edited the file'); // the editor keeps its BOM and line ends
        return { threadId, runId, file };
      },
      async after({ threadId, runId, file }) {
        const report = (await vscode.commands.executeCommand('agentThreads.undoRunChanges', threadId, runId)) as {
          files: { outcome: string }[];
        };
        assert.deepEqual(
          report.files.map((f) => f.outcome),
          ['restored'],
        );
        assert.deepEqual(await fs.readFile(file), BEFORE_THE_RUN);
        await fs.rm(path.dirname(file), { recursive: true, force: true });
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      },
    },
  );

  acrossRestart<Interrupted>(
    'SIGKILL while a tool call waits for approval: the run is interrupted, the thread intact',
    'kill-extension-host',
    {
      async before() {
        const threadId = await newThreadWith({ name: 'Tool user', tools: [{ name: 'echo' }], approval_policy: { echo: 'ask' } });
        await fakeModel.script({ kind: 'tool_calls', calls: [{ name: 'echo', arguments: JSON.stringify({ text: 'never approved' }) }] });
        await sendFromComposer(panel, 'Use the tool');
        const runId = await waitForRunStatus(panel, 'Needs approval');
        return { threadId, runId, shown: await shownUserMessages() };
      },
      after: (data) => checkRecovered(data, 'interrupted-at-approval'),
    },
  );
});
