import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { sendFromComposer, settingForSuite, treeRow, useFakeModel, waitForRunStatus as runBadge, showAgentThreadsView } from './helpers';

const chat = { webview: 'chat' as const };

describe('a conversation in the real UI', () => {
  before(() => useFakeModel());
  settingForSuite('agentThreads.run', 'maxRetries', 0);

  it('creates an agent through the quick input and shows it in the tree', async () => {
    await showAgentThreadsView();
    const created = vscode.commands.executeCommand('agentThreads.createAgent');
    await ui.fill('workbench', '.quick-input-widget input.input', 'Helper');
    await ui.press('Enter');
    // Only one model exists, so the next question is the instructions: keep the suggested ones.
    await ui.waitFor('workbench', () =>
      document.querySelector('.quick-input-widget .quick-input-title')?.textContent?.includes('Instructions'),
    );
    await ui.press('Enter');
    await created;
    assert.match(await treeRow('Helper'), /Helper/);
  });

  it('sends a message from the sidebar chat and streams the answer', async () => {
    await fakeModel.script({ kind: 'text', text: 'Hello from the fake model. It streams word by word.', chunkDelayMs: 15 });
    await vscode.commands.executeCommand('agentThreads.openChat');
    await ui.waitFor(chat, () => document.getElementById('connection')?.dataset.state === 'connected');
    await sendFromComposer(chat, 'What does greet.ts do?');

    const answer = await ui.waitFor(chat, () => {
      const last = [...document.querySelectorAll('.message.assistant')].pop() as HTMLElement | undefined;
      return last?.dataset.status === 'completed' ? last.querySelector('.message-body')?.textContent : undefined;
    });
    assert.match(answer, /streams word by word/);
    await runBadge(chat, 'Completed');
    assert.match(await treeRow('What does greet.ts do?', '2 messages'), /just now/);

    const [request] = (await fakeModel.requests()).filter((r) => r.path.endsWith('/chat/completions'));
    assert.equal(request.body?.messages[0].role, 'system', 'instructions go first');
    assert.equal(request.body?.messages.at(-1)?.role, 'user');
    await ui.screenshot('chat-conversation');
  });

  it('opens the thread from the tree in a panel that shows the same history', async () => {
    const showsHistory = () => {
      const messages = [...document.querySelectorAll('.message')].map((m) => m.textContent ?? '');
      return messages.length === 2 ? messages : undefined;
    };
    // The tree re-renders on every store event; a click that lands mid-render hits a row being replaced. A person
    // would click again, and so does the test (at most three times).
    let texts: string[] | undefined;
    for (let attempt = 1; !texts; attempt++) {
      await ui.click('workbench', `.pane .monaco-list-row:has-text("What does greet.ts do?")`);
      texts = await ui.waitFor({ webview: 'thread' }, showsHistory, 10_000).catch((error: unknown) => {
        if (attempt >= 3) throw error;
        return undefined;
      });
    }
    assert.match(texts[0], /What does greet.ts do\?/);
    assert.match(texts[1], /streams word by word/);
    await ui.screenshot('thread-panel');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('shows a failed run in plain words, and Retry completes it', async () => {
    await fakeModel.script({
      kind: 'http_error',
      status: 401,
      body: { error: { message: 'Incorrect API key provided: sk-test-SECRET.', type: 'invalid_request_error', code: 'invalid_api_key' } },
    });
    await vscode.commands.executeCommand('agentThreads.openChat');
    await sendFromComposer(chat, 'Try again please');
    await runBadge(chat, 'Failed');
    const error = await ui.waitFor(chat, () => document.querySelector('.run-error-text')?.textContent);
    assert.match(error, /API key/i);
    assert.doesNotMatch(error, /SECRET/, 'the key the server echoed never reaches the UI');
    await ui.screenshot('run-failed');

    await fakeModel.script({ kind: 'text', text: 'Second time lucky.' });
    await ui.click(chat, 'vscode-button.retry-run');
    await runBadge(chat, 'Completed');
    await ui.waitFor(chat, () =>
      [...document.querySelectorAll('.message.assistant')].some((m) => m.textContent?.includes('Second time lucky.')),
    );
  });

  it('cancels a streaming run from the composer and keeps the partial answer', async () => {
    await fakeModel.script({ kind: 'stall', text: 'This answer starts but never finishes', afterChunks: 3 });
    await sendFromComposer(chat, 'Tell me a long story');
    await ui.waitFor(chat, () => [...document.querySelectorAll('.message.assistant')].pop()?.textContent?.includes('This answer'));
    await ui.click(chat, 'vscode-button#cancel');
    await runBadge(chat, 'Cancelled');
    const status = await ui.waitFor(
      chat,
      () =>
        ([...document.querySelectorAll('.message.assistant')].pop() as HTMLElement | undefined)?.dataset.status === 'incomplete' &&
        'incomplete',
    );
    assert.equal(status, 'incomplete');
  });

  it('renders hostile markdown from the model inert', async () => {
    const hostile = [
      'Click [here](javascript:alert(1)) or [there](command:workbench.action.quit).',
      '<img src=x onerror="window.pwned=1"> <script>window.pwned=2</script>',
      '![remote](https://example.invalid/track.png) <a href="#" onclick="window.pwned=3">x</a>',
      '```html\n<script>window.pwned=4</script>\n```',
      // Entities decode as Markdown says (the webview decodes them with the browser's table), markup in one stays text.
      'Entities: &copy; &hellip; &nosuch; &lt;img src=x onerror="window.pwned=5"&gt;',
    ].join('\n\n');
    await fakeModel.script({ kind: 'text', text: hostile });
    await sendFromComposer(chat, 'Show me something nasty');
    await runBadge(chat, 'Completed');
    // Read once the answer is rendered (its code block shows), not at the first look after the badge.
    const report = await ui.waitFor(chat, () => {
      const body = [...document.querySelectorAll('.message.assistant')].pop();
      if (!body?.querySelector('pre code')?.textContent?.includes('window.pwned=4')) return undefined;
      return {
        pwned: (window as unknown as { pwned?: number }).pwned ?? 0,
        scripts: body.querySelectorAll('script').length,
        handlers: [...body.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
        badLinks: [...body.querySelectorAll('a[href]')].filter((a) => !/^(https?:|mailto:|#)/.test(a.getAttribute('href') ?? '')).length,
        remoteImages: [...body.querySelectorAll('img')].filter((i) => /^https?:/.test(i.getAttribute('src') ?? '')).length,
        codeShown: body.querySelector('pre code')?.textContent ?? '',
        entities: [...body.querySelectorAll('p')].find((p) => p.textContent?.startsWith('Entities:'))?.textContent ?? '',
      };
    });
    assert.deepEqual(
      { ...report, codeShown: undefined, entities: undefined },
      { pwned: 0, scripts: 0, handlers: 0, badLinks: 0, remoteImages: 0, codeShown: undefined, entities: undefined },
    );
    assert.equal(report.entities, 'Entities: © … &nosuch; <img src=x onerror="window.pwned=5">');
    assert.match(report.codeShown, /<script>window.pwned=4<\/script>/, 'code blocks show the code as text');
  });

  it('pauses for approval of a tool call, and runs it once approved', async () => {
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Careful',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Use echo when asked.',
      tools: [{ name: 'echo' }],
      approval_policy: { echo: 'ask' },
    })) as { id: string };
    await fakeModel.script(
      { kind: 'tool_calls', calls: [{ name: 'echo', arguments: JSON.stringify({ text: 'ping from the tool' }) }] },
      { kind: 'text', text: 'The tool said: ping from the tool.' },
    );
    await vscode.commands.executeCommand('agentThreads.newThread', agent.id);
    const panel = { webview: 'thread' as const };
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    await sendFromComposer(panel, 'Please echo something');
    await runBadge(panel, 'Needs approval');
    const card = await ui.waitFor(panel, () => document.querySelector('.approval')?.textContent);
    assert.match(card, /echo/i);
    assert.match(card, /ping from the tool/);
    await ui.screenshot('approval-pending');

    await ui.click(panel, '.approval vscode-button.approve');
    await runBadge(panel, 'Completed');
    const answer = await ui.waitFor(panel, () =>
      [...document.querySelectorAll('.message.assistant')].map((m) => m.textContent ?? '').find((t) => t.includes('The tool said')),
    );
    assert.match(answer, /ping from the tool/);
    const toolMessage = (await fakeModel.requests())
      .filter((r) => r.path.endsWith('/chat/completions'))
      .pop()
      ?.body?.messages.find((m) => m.role === 'tool');
    assert.match(String(toolMessage?.content), /ping from the tool/, 'the tool output went back to the model');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
