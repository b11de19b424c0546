import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { dismissNotifications, sendFromComposer, treeRow, useFakeFoundry, waitForRunStatus as runBadge } from './helpers';

const panel = { webview: 'thread' as const };
const details = { webview: 'runDetails' as const };

/** The diff editor's tab once it is the active one: its label and the two documents it compares. */
async function waitForDiffTab(): Promise<{ label: string; original: string; modified: string }> {
  for (let tries = 0; tries < 300; tries++) {
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    if (tab?.input instanceof vscode.TabInputTextDiff)
      return { label: tab.label, original: tab.input.original.path, modified: tab.input.modified.path };
    await new Promise<void>((resolve) => {
      const listener = vscode.window.tabGroups.onDidChangeTabs(() => {
        listener.dispose();
        resolve();
      });
      setTimeout(() => {
        listener.dispose();
        resolve();
      }, 100);
    });
  }
  await ui.screenshot('foundry-no-diff-tab');
  const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((t) => `${t.label}${t.isActive ? ' (active)' : ''}`));
  throw new Error(`no diff editor became the active tab; tabs: ${tabs.join(', ')}`);
}
const KEY = 'foundry-integration-key-4d1f';

/** Creates a remote agent with `tools` under their approval rules, and opens a new thread of it picked as a person would. */
async function newThreadOfRemoteAgent(name: string, instructions: string, tools: Record<string, 'ask' | 'auto'>): Promise<void> {
  await vscode.commands.executeCommand('agentThreads.createAgent', {
    name,
    model: { profile: 'foundry', name: 'gpt-4o' },
    instructions,
    tools: Object.keys(tools).map((tool) => ({ name: tool })),
    approval_policy: tools,
  });
  await treeRow(name);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const opened = vscode.commands.executeCommand('agentThreads.newThread');
  await ui.fill('workbench', '.quick-input-widget input.input', name);
  await ui.press('Enter');
  await opened;
  await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
}

/**
 * The Foundry backend in the real UI, on the project's new agents (the default): @azure/ai-projects and the project's
 * openai client talk HTTP to the fake Foundry Agent Service on 127.0.0.1, in the extension host's Node.
 */
describe('a workspace on the Foundry Agent Service backend', () => {
  const project = useFakeFoundry(KEY);

  it("connects through the command's questions, keeps the key out of settings, and names the project in the tree", async () => {
    const connected = vscode.commands.executeCommand<boolean>('agentThreads.connectFoundry');
    await ui.fill('workbench', '.quick-input-widget input.input', project.service.endpoint);
    await ui.press('Enter');
    await ui.waitFor('workbench', () => document.querySelector('.quick-input-widget .quick-input-title')?.textContent?.includes('2/2'));
    await ui.fill('workbench', '.quick-input-widget input.input', 'API key');
    await ui.press('Enter');
    await ui.waitFor('workbench', () => document.querySelector('.quick-input-widget .quick-input-title')?.textContent?.includes('API key'));
    await ui.fill('workbench', '.quick-input-widget input.input', KEY);
    await ui.press('Enter');
    assert.equal(await connected, true);

    const config = vscode.workspace.getConfiguration();
    assert.equal(config.get('agentThreads.backend'), project.service.endpoint);
    assert.equal(config.get('agentThreads.foundry.authentication'), 'apiKey');
    assert.equal(config.get('agentThreads.foundry.api'), 'agents', 'new agents are the default');
    assert.doesNotMatch(JSON.stringify(config.inspect('agentThreads')), new RegExp(KEY), 'the key is in SecretStorage only');
    const header = await ui.waitFor('workbench', () =>
      [...document.querySelectorAll('.pane-header')].map((h) => h.textContent ?? '').find((t) => t.includes('Foundry:')),
    );
    assert.match(header, /Foundry: 127\.0\.0\.1:\d+ \/ test/);
  });

  it("creates a remote agent, starts a thread and streams the service's answer into the panel", async () => {
    const created = vscode.commands.executeCommand('agentThreads.createAgent');
    await ui.fill('workbench', '.quick-input-widget input.input', 'Remote Helper');
    await ui.press('Enter');
    await ui.waitFor('workbench', () =>
      document.querySelector('.quick-input-widget .quick-input-title')?.textContent?.includes('deployment'),
    );
    await ui.press('Enter'); // the suggested deployment, gpt-4o
    await ui.waitFor('workbench', () =>
      document.querySelector('.quick-input-widget .quick-input-title')?.textContent?.includes('Instructions'),
    );
    await ui.press('Enter');
    await created;
    assert.match(await treeRow('Remote Helper'), /Remote Helper/);
    const versions = project.service.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/agents/Remote-Helper/versions'));
    assert.equal((versions.at(-1)?.body?.definition as { model?: string } | undefined)?.model, 'gpt-4o');
    assert.equal(versions.at(-1)?.query['api-version'], 'v1');

    project.service.setWordDelay(20);
    await vscode.commands.executeCommand('agentThreads.newThread');
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    const before = await sendFromComposer(panel, 'Hello Foundry, are you there?');
    const answer = await ui.waitFor(panel, () => {
      const last = [...document.querySelectorAll('.message.assistant')].pop() as HTMLElement | undefined;
      return last?.dataset.status === 'completed' ? last.querySelector('.message-body')?.textContent : undefined;
    });
    assert.match(answer ?? '', /Echo: Hello Foundry, are you there\?/);
    await runBadge(panel, 'Completed', before);
    await ui.screenshot('foundry-thread-panel');

    const response = project.service.requests.find((r) => r.method === 'POST' && r.path.endsWith('/openai/v1/responses'));
    assert.equal(response?.body?.stream, true, 'responses stream as server-sent events');
    assert.deepEqual(response?.body?.agent, { type: 'agent_reference', name: 'Remote-Helper', version: '1' });
    assert.equal(response?.headers['api-key'], KEY);
    assert.match(await treeRow('Hello Foundry, are you there?'), /Hello Foundry/);
  });

  it("shows a reasoning model's thinking as it streams, folded once the answer comes, above the answer", async () => {
    await vscode.commands.executeCommand('agentThreads.newThread');
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    project.service.setWordDelay(60); // slow enough to see the thinking open before the answer starts
    try {
      const before = await sendFromComposer(panel, 'think about refunds');
      const whileThinking = await ui.waitFor(panel, () => {
        const part = document.querySelector<HTMLDetailsElement>('.message.assistant details.reasoning');
        const label = part?.querySelector('.reasoning-label')?.textContent;
        return part && label === 'Thinking…' ? { open: part.open, visible: part.getBoundingClientRect().height > 0 } : undefined;
      });
      assert.deepEqual(whileThinking, { open: true, visible: true }, 'the thinking is open while the model thinks');
      await runBadge(panel, 'Completed', before);
      const done = await ui.waitFor(panel, () => {
        const answers = [...document.querySelectorAll<HTMLElement>('.message.assistant')];
        const thinking = answers.find((a) => a.querySelector('details.reasoning'));
        const answer = answers.at(-1);
        const text = answer?.querySelector('.message-body')?.textContent ?? '';
        if (!thinking || !answer || !text.includes('Echo: think about refunds')) return undefined;
        const part = thinking.querySelector<HTMLDetailsElement>('details.reasoning')!;
        return {
          open: part.open,
          gist: part.querySelector('.reasoning-gist')?.textContent,
          above: thinking.getBoundingClientRect().bottom <= answer.getBoundingClientRect().top + 1,
          // The thinking has no author line of its own: the answer's names the agent.
          ownHeader: [...thinking.querySelectorAll<HTMLElement>('.message-role')].some((h) => h.getBoundingClientRect().height > 0),
        };
      });
      assert.deepEqual(done, { open: false, gist: 'Weighing it', above: true, ownHeader: false });
      await ui.screenshot('foundry-reasoning');
      // The new thread is selected in the tree, and revealing it there raised no error (VS Code 1.100 shows one when a
      // reveal races the tree's own redraw: "Element with id … is already registered").
      await ui.waitFor('workbench', () =>
        [...document.querySelectorAll('.part.sidebar .monaco-list-row')].some(
          (row) => row.textContent?.includes('think about refunds') && row.getAttribute('aria-selected') === 'true',
        ),
      );
      const notices = await ui.evaluate('workbench', () =>
        [...document.querySelectorAll('.notifications-toasts .notification-list-item-message')].map((m) => m.textContent ?? ''),
      );
      assert.ok(!notices.some((notice) => /already registered/.test(notice)), notices.join('\n'));
      // Read back from the service (the panel opened again): the same thinking, in the same place.
      const threadId = await ui.evaluate(panel, () => document.body.dataset.threadId ?? '');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('agentThreads.openThread', threadId);
      const readBack = await ui.waitFor(panel, () => {
        const articles = [...document.querySelectorAll<HTMLElement>('.message.assistant')];
        const gist = articles.at(-2)?.querySelector('details.reasoning .reasoning-gist')?.textContent;
        const text = articles.at(-1)?.querySelector('.message-body')?.textContent ?? '';
        return gist && text.includes('Echo: think about refunds') ? gist : undefined;
      });
      assert.equal(readBack, 'Weighing it');
    } finally {
      project.service.setWordDelay(20);
    }
  });

  it("counts the service's runs in usage: the thread's header, and Run Details at the deployment's prices of the time", async () => {
    const foundry = () => vscode.workspace.getConfiguration('agentThreads.foundry');
    await foundry().update('prices', { 'gpt-4o': { input: 1_000, output: 1_000 } }, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('agentThreads.newThread');
      await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
      const question = 'What does the service charge?';
      await runBadge(panel, 'Completed', await sendFromComposer(panel, question));
      // The header's meter counts the run once the service reported its usage.
      const tooltip = await ui.waitFor(panel, () => {
        const meter = document.getElementById('thread-usage');
        return meter && !meter.hidden && meter.title.includes('$') ? meter.title : undefined;
      });
      assert.match(tooltip, /tokens/);

      const posted = project.service.requests.find(
        (r) => r.method === 'POST' && r.path.endsWith('/items') && JSON.stringify(r.body ?? {}).includes(question),
      );
      const threadId = /\/conversations\/([^/]+)\/items$/.exec(posted?.path ?? '')?.[1];
      assert.ok(threadId, 'the fake service saw the question posted to its conversation');
      const costOnPage = async (): Promise<string> => {
        await vscode.commands.executeCommand('agentThreads.showRunDetails', threadId);
        return ui.waitFor(details, () => /Cost\s+(\$[\d.,]+ \(thread so far: \$[\d.,]+\))/.exec(document.body.innerText)?.[1]);
      };
      const then = await costOnPage();
      assert.match(then, /^\$(?!0\.00)[\d.,]+ /, `the run has a cost: ${then}`);
      // The price goes up tenfold afterwards: the run cost what it cost when it ran.
      await foundry().update('prices', { 'gpt-4o': { input: 10_000, output: 10_000 } }, vscode.ConfigurationTarget.Global);
      assert.equal(await costOnPage(), then);
      await ui.screenshot('foundry-run-details-cost');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await foundry().update('prices', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('offers the older versions of an agent in the tree: view one, compare two as a diff, run a thread on one', async () => {
    // A colleague saves version 2 in the portal (without our display name): through the service, not this window.
    const saved = await fetch(`${project.service.endpoint}/agents/Remote-Helper/versions?api-version=v1`, {
      method: 'POST',
      headers: { 'api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ definition: { kind: 'prompt', model: 'gpt-4o', instructions: 'Answer in French, version two.' } }),
    });
    assert.equal(saved.status, 200);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.refresh');
    await treeRow('Versions');
    await ui.click('workbench', '.pane .monaco-list-row:has-text("Versions")');
    await treeRow('Version 1');
    assert.match(await treeRow('Version 2'), /latest/);
    await ui.screenshot('foundry-agent-versions-tree');

    // A click on a version opens it read-only, in the shape an agent file has.
    await ui.click('workbench', '.pane .monaco-list-row:has-text("Version 1")');
    const viewed = await ui.waitFor('workbench', () => {
      const tab = document.querySelector('.tabs-container .tab.active')?.textContent ?? '';
      // The editor renders spaces as no-break spaces.
      const text = (document.querySelector('.editor-instance .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' ');
      return tab.includes('v1.agent.yaml') && text.includes('instructions') ? { tab, text } : undefined;
    });
    assert.match(viewed.text, /model: gpt-4o/);
    const opened = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'agent-threads-agent-version');
    assert.match(opened?.getText() ?? '', /instructions:/, 'a read-only document of the version (a content provider has no save)');

    // Compare from the version's context menu: version 1 on the left, the latest on the right.
    await ui.click('workbench', '.pane .monaco-list-row:has-text("Version 1")', 'right');
    await ui.click('workbench', '.context-view .action-item:has-text("Compare Agent Versions")');
    // VS Code's menu ignores a click that comes too soon after it opened (so that the right button's release does not
    // pick an item): the item is then highlighted and the menu still open, and Enter picks it, as a person would.
    if (await ui.evaluate('workbench', () => !!document.querySelector('.context-view .monaco-menu .action-item.focused')))
      await ui.press('Enter');
    const tab = await waitForDiffTab();
    assert.match(tab.label, /Remote-Helper: version 1 ↔ version 2/);
    assert.match(tab.original, /v1\.agent\.yaml/);
    assert.match(tab.modified, /v2\.agent\.yaml/);
    const shown = await ui.waitFor('workbench', () => {
      const text = (document.querySelector('.monaco-diff-editor')?.textContent ?? '').replace(/\u00a0/g, ' ');
      return text.includes('version two') ? text : undefined;
    });
    assert.match(shown, /instructions/);
    await ui.screenshot('foundry-agent-versions-diff');
    const box = await ui.evaluate('workbench', () => {
      const rect = document.querySelector('.monaco-diff-editor')!.getBoundingClientRect();
      return { right: rect.right, bottom: rect.bottom, width: innerWidth, height: innerHeight };
    });
    assert.ok(box.right <= box.width && box.bottom <= box.height, 'the diff is inside the window');

    // A thread started on version 1 runs on it, though version 2 is the latest.
    const thread = await vscode.commands.executeCommand<{ id: string }>('agentThreads.newThreadOnAgentVersion', 'Remote-Helper', 1);
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    const before = await sendFromComposer(panel, 'Which version answers?');
    await runBadge(panel, 'Completed', before);
    const sent = project.service.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/openai/v1/responses')).at(-1);
    assert.deepEqual(sent?.body?.agent, { type: 'agent_reference', name: 'Remote-Helper', version: '1' });
    assert.match(JSON.stringify(sent?.body?.conversation), new RegExp(thread.id));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs a workspace tool the remote model asks for once it is approved in the webview', async () => {
    project.service.setWordDelay(0);
    await newThreadOfRemoteAgent('Remote Reader', 'Read files.', { read_file: 'ask' });
    const before = await sendFromComposer(panel, 'call read_file {"path":"src/greet.ts"}');
    await runBadge(panel, 'Needs approval', before);
    await ui.waitFor(panel, () => document.querySelector('.approval vscode-button.approve'));
    await ui.screenshot('foundry-approval');
    await ui.click(panel, '.approval vscode-button.approve');
    await runBadge(panel, 'Completed');
    const answer = await ui.waitFor(panel, () => {
      const last = [...document.querySelectorAll('.message.assistant')].pop() as HTMLElement | undefined;
      return last?.dataset.status === 'completed' ? last.querySelector('.message-body')?.textContent : undefined;
    });
    assert.match(answer ?? '', /Tool read_file said:[\s\S]*greet/);
    // The approved call's card stays in the answer with its outcome.
    const card = await ui.evaluate(panel, () => {
      const shown = document.querySelector<HTMLElement>('.message .tool-call');
      return shown && shown.getBoundingClientRect().height > 0
        ? `${shown.querySelector('.tool-call-title')?.textContent ?? ''}: ${shown.querySelector('.tool-call-status')?.textContent ?? ''}`
        : 'no card on screen';
    });
    assert.equal(card, 'Read file src/greet.ts: Done');
    const submitted = project.service.requests.find(
      (r) => r.path.endsWith('/openai/v1/responses') && JSON.stringify(r.body?.input ?? []).includes('function_call_output'),
    );
    assert.match(
      String((submitted?.body?.input as Array<{ output: string }>)[0].output),
      /greet/,
      'the file went to the service as the tool output',
    );
  });

  it('records what a Foundry run changed in the workspace, shows it under the answer, and Undo puts it back', async () => {
    await newThreadOfRemoteAgent('Remote Editor', 'Edit files.', { create_file: 'auto' });
    const made = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'foundry-made.md');
    const before = await sendFromComposer(panel, 'call create_file {"path":"foundry-made.md","content":"made by a Foundry run\\n"}');
    await runBadge(panel, 'Completed', before);
    assert.equal(await fs.readFile(made, 'utf8'), 'made by a Foundry run\n');
    // The change sets are this workspace's, whichever backend ran the agent: the answer says what changed.
    await ui.waitFor(panel, () => document.querySelector('.run-footer-changes-text')?.textContent?.includes('1 file changed'));

    const posted = project.service.requests.find(
      (r) => r.method === 'POST' && r.path.endsWith('/items') && JSON.stringify(r.body ?? {}).includes('foundry-made.md'),
    );
    const threadId = /\/conversations\/([^/]+)\/items$/.exec(posted?.path ?? '')?.[1];
    assert.ok(threadId, 'the fake service saw the message posted to its conversation');
    const report = (await vscode.commands.executeCommand('agentThreads.undoRunChanges', threadId)) as { files: { outcome: string }[] };
    assert.deepEqual(
      report.files.map((file) => file.outcome),
      ['restored'],
    );
    await assert.rejects(fs.stat(made), { code: 'ENOENT' }, 'Undo removed the file the run created');
    await dismissNotifications();
  });

  it('moves a Foundry thread into local storage with its messages, and shows it there after switching back', async () => {
    // VS Code refuses modal dialogs under test, so the confirmation is given as the command's argument.
    const posted = project.service.requests.find(
      (r) => r.method === 'POST' && r.path.endsWith('/items') && JSON.stringify(r.body).includes('Hello Foundry, are you there?'),
    );
    const threadId = /\/conversations\/([^/]+)\/items$/.exec(posted?.path ?? '')?.[1];
    assert.ok(threadId, 'the fake service saw the message posted to its thread');
    const moved = await vscode.commands.executeCommand<string>('agentThreads.moveThread', threadId, true);
    assert.ok(moved, 'the thread was moved');
    assert.ok(
      project.service.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/conversations/${threadId}`)),
      'the original is deleted once the copy was read back',
    );
    await vscode.commands.executeCommand('agentThreads.useLocalStorage');
    // The tree holds many threads by now and renders only the rows in view, so the moved one is opened by its id.
    await vscode.commands.executeCommand('agentThreads.openThread', moved);
    const texts = await ui.waitFor(panel, () => {
      const messages = [...document.querySelectorAll('.message .message-body')].map((m) => m.textContent ?? '');
      return messages.length === 2 ? messages : undefined;
    });
    assert.match(texts[0], /Hello Foundry, are you there\?/);
    assert.match(texts[1], /Echo: Hello Foundry, are you there\?/);
  });
});
