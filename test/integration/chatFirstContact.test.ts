/**
 * What a new user trips on in the chat and thread views (the chat experience issue), each seen on screen in the
 * real VS Code: code block buttons, numbered lists, links, and following a send.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { eventually, sendFromComposer as send, threadExportFile, useFakeModel, waitForRunStatus as runBadge } from './helpers';

const panel = { webview: 'thread' as const };
describe('the chat on first contact', () => {
  let agentId: string;

  before(async () => {
    await useFakeModel();
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'First Contact',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Answer.',
    })) as { id: string };
    agentId = agent.id;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('code blocks: Copy puts the code on the clipboard, Insert puts it at the cursor; a list that starts at 3 shows 3', async () => {
    const code = 'const answer = 42; // from the code block';
    await vscode.commands.executeCommand('agentThreads.newThread', agentId);
    await fakeModel.script({ kind: 'text', text: `Steps:\n\n3. three\n4. four\n\n\`\`\`ts\n${code}\n\`\`\`\n` });
    const before = await send(panel, 'Show me code');
    await runBadge(panel, 'Completed', before);

    const list = await ui.waitFor(panel, () => {
      const ol = document.querySelector<HTMLOListElement>('.message.assistant ol');
      return ol && { start: ol.start, marker: getComputedStyle(ol.querySelector('li')!).listStyleType, html: ol.outerHTML };
    });
    assert.equal(list.start, 3, `the list numbers from 3: ${list.html}`);
    assert.notEqual(list.marker, 'none');

    await vscode.env.clipboard.writeText('');
    await ui.click(panel, '.message.assistant .code-block .code-action[data-action="copy"]');
    await eventually(
      () => vscode.env.clipboard.readText(),
      (text) => text.trim() === code,
      'the code on the clipboard',
    );

    const editorDocument = await vscode.workspace.openTextDocument({ content: '' });
    await vscode.window.showTextDocument(editorDocument, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    await ui.click(panel, '.message.assistant .code-block .code-action[data-action="insert"]');
    await eventually(
      () => editorDocument.getText(),
      (text) => text.includes(code),
      'the code inserted at the cursor',
    );
  });

  it('code blocks are highlighted in the colours of the VS Code theme; an unknown language stays plain', async () => {
    await vscode.commands.executeCommand('agentThreads.newThread', agentId);
    await fakeModel.script({
      kind: 'text',
      text: '```python\ndef greet(name):\n    return "hello " + name  # say it\n```\n\n```nosuchlanguage\nplain words here\n```\n',
    });
    const before = await send(panel, 'Highlight this');
    await runBadge(panel, 'Completed', before);
    const colours = await ui.waitFor(panel, () => {
      const blocks = document.querySelectorAll('.message.assistant .code-block');
      const keyword = blocks[0]?.querySelector('.hljs-keyword');
      const string = blocks[0]?.querySelector('.hljs-string');
      const comment = blocks[0]?.querySelector('.hljs-comment');
      if (!keyword || !string || !comment || blocks.length < 2) return undefined;
      // What the theme says each colour is, resolved the same way the browser resolves the stylesheet.
      const probe = document.createElement('span');
      document.body.append(probe);
      const resolve = (variable: string) => {
        probe.style.color = `var(${variable})`;
        return getComputedStyle(probe).color;
      };
      const themed = {
        keyword: resolve('--vscode-textLink-foreground'),
        string: resolve('--vscode-debugTokenExpression-string'),
        text: getComputedStyle(blocks[0].querySelector('code')!).color,
      };
      probe.remove();
      return {
        keyword: { text: keyword.textContent, color: getComputedStyle(keyword).color },
        string: { text: string.textContent, color: getComputedStyle(string).color },
        commentStyle: getComputedStyle(comment).fontStyle,
        themed,
        plainSpans: blocks[1].querySelectorAll('code span').length,
        plainText: blocks[1].textContent?.trim(),
      };
    });
    await ui.screenshot('chat-code-highlighted');
    assert.equal(colours.keyword.text, 'def');
    assert.equal(colours.keyword.color, colours.themed.keyword);
    assert.equal(colours.string.text, '"hello "');
    assert.equal(colours.string.color, colours.themed.string);
    assert.notEqual(colours.keyword.color, colours.themed.text, 'a keyword stands out from the code around it');
    assert.notEqual(colours.string.color, colours.themed.text, 'a string stands out from the code around it');
    assert.equal(colours.commentStyle, 'italic');
    assert.equal(colours.plainSpans, 0, 'an unknown language is not guessed at');
    assert.equal(colours.plainText, 'plain words here');
  });

  it('links open once (not also through VS Code), and a data: link is plain text', async () => {
    await fakeModel.script({
      kind: 'text',
      text: 'See [the docs](https://example.invalid/docs) and [a picture](data:image/png;base64,iVBORw0KGgo=).',
    });
    await vscode.commands.executeCommand('agentThreads.newThread', agentId);
    const before = await send(panel, 'Links please');
    await runBadge(panel, 'Completed', before);
    const rendered = await ui.waitFor(panel, () => {
      const body = document.querySelector('.message.assistant .message-body');
      return body && { dataLinks: body.querySelectorAll('a[href^="data:"]').length, text: body.textContent ?? '' };
    });
    assert.equal(rendered.dataLinks, 0, 'a data: URL is not a link');
    assert.match(rendered.text, /a picture/);

    // VS Code's webview host also opens any link a click reaches on the window: ours must stop there.
    await ui.evaluate(panel, () => {
      const seen = { window: 0 };
      (window as unknown as { linkClicks: typeof seen }).linkClicks = seen;
      window.addEventListener('click', () => seen.window++);
    });
    await ui.click(panel, '.message.assistant a[href^="https:"]');
    const reached = await ui.evaluate(panel, () => (window as unknown as { linkClicks: { window: number } }).linkClicks.window);
    assert.equal(reached, 0, 'the click on a link reached the window, where VS Code opens it a second time');
    // ...and the link opens once, through the host's env.openExternal: VS Code first asks whether to open an
    // external website. Extension tests refuse every dialog and the call fails with the dialog's question, which the
    // host shows in the panel: the question on screen is that one opening, asked for by the host.
    const notice = await ui.waitFor(
      panel,
      () => document.querySelector<HTMLElement>('.notice:not(.restricted-mode):not([hidden])')?.textContent,
    );
    assert.match(notice, /open the external website\?/, `the host did not ask VS Code to open the link: ${notice}`);
  });

  it('sending while scrolled back brings your message into view, and the answer follows at the bottom', async () => {
    const imported = (await vscode.commands.executeCommand('agentThreads.importThread', threadExportFile(120, 'follow0001', agentId))) as {
      id: string;
    };
    await vscode.commands.executeCommand('agentThreads.openThread', imported.id);
    const target = { webview: 'thread' as const, title: 'Long thread of 120' };
    await ui.waitFor(target, () => document.querySelectorAll('.message').length > 20);
    // Read back to the oldest messages on screen, as a person scrolling up would.
    await ui.evaluate(target, () => {
      const scroller = document.getElementById('messages')!;
      scroller.scrollTop = 0;
      scroller.dispatchEvent(new Event('scroll'));
    });
    await ui.waitFor(target, () => {
      const scroller = document.getElementById('messages')!;
      return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight > 2 * scroller.clientHeight;
    });

    await fakeModel.script({ kind: 'text', text: 'Here is the answer you asked for.', firstByteDelayMs: 100 });
    const before = await send(target, 'A question asked from far back');
    await runBadge(target, 'Completed', before);
    const seen = await ui.waitFor(target, () => {
      const scroller = document.getElementById('messages')!;
      const box = scroller.getBoundingClientRect();
      const visible = (element: Element | null | undefined) => {
        const rect = element?.getBoundingClientRect();
        return !!rect && rect.bottom > box.top && rect.top < box.bottom;
      };
      const mine = [...document.querySelectorAll('.message.user')].find((m) => m.textContent?.includes('A question asked from far back'));
      const answer = [...document.querySelectorAll('.message.assistant')].find((m) => m.textContent?.includes('the answer you asked'));
      return mine && answer && { mine: visible(mine), answer: visible(answer), last: scroller.lastElementChild === answer };
    });
    assert.deepEqual(seen, { mine: true, answer: true, last: true });
  });

  it('labels each answer with its agent, shows when each message was written, copies a whole message, and separates the turns', async () => {
    await vscode.commands.executeCommand('agentThreads.newThread', agentId);
    await fakeModel.script({ kind: 'text', text: 'A **bold** answer.' });
    const before = await send(panel, 'Label this');
    await runBadge(panel, 'Completed', before);
    const header = await ui.waitFor(panel, () => {
      const answer = document.querySelector('.message.assistant');
      const time = answer?.querySelector('time');
      return (
        answer &&
        time && {
          author: answer.querySelector('.message-author')?.textContent,
          time: time.textContent,
          datetime: time.dateTime,
        }
      );
    });
    assert.equal(header.author, 'First Contact');
    assert.match(header.time ?? '', /\d/);
    assert.ok(Math.abs(Date.parse(header.datetime) - Date.now()) < 5 * 60_000, `written just now: ${header.datetime}`);

    await vscode.env.clipboard.writeText('');
    await ui.click(panel, '.message.assistant .message-action[data-message-action="copy"]');
    await eventually(
      () => vscode.env.clipboard.readText(),
      (text) => text === 'A **bold** answer.',
      'the message on the clipboard',
    );

    // A second turn starts under a rule: your next message is set off from the answer before it (the first message
    // of a thread has nothing above it to be set off from).
    await fakeModel.script({ kind: 'text', text: 'A second answer.' });
    await runBadge(panel, 'Completed', await send(panel, 'And another thing'));
    const turn = await ui.waitFor(panel, () => {
      const users = document.querySelectorAll<HTMLElement>('.message.user');
      const answer = document.querySelector<HTMLElement>('.message.assistant');
      if (users.length < 2 || !answer) return undefined;
      const style = getComputedStyle(users[1]);
      return {
        width: parseFloat(style.borderTopWidth),
        style: style.borderTopStyle,
        colour: style.borderTopColor,
        background: getComputedStyle(document.body).backgroundColor,
        gap: users[1].getBoundingClientRect().top - answer.getBoundingClientRect().bottom,
        firstRule: getComputedStyle(users[0]).borderTopStyle,
      };
    });
    assert.ok(turn.width >= 1 && turn.style !== 'none', `the second turn's rule: ${JSON.stringify(turn)}`);
    assert.ok(
      !/rgba\(.*, 0\)$|transparent/.test(turn.colour) && turn.colour !== turn.background,
      `the rule is not seen: ${JSON.stringify(turn)}`,
    );
    assert.ok(turn.gap >= 0, `the second message overlaps the answer before it: ${JSON.stringify(turn)}`);
    assert.equal(turn.firstRule, 'none', 'the first message has nothing above it to be set off from');
  });

  it('run status reads at a glance: running, completed and cancelled look different, and the spinner keeps its size', async () => {
    await vscode.commands.executeCommand('agentThreads.newThread', agentId);
    // What a badge paints: its fill (on whichever element of its shadow root has one) and its outline.
    const badgeLook = () =>
      ui.evaluate(panel, () => {
        const badge = document.getElementById('run-status')!;
        const fill = [badge, ...badge.shadowRoot!.querySelectorAll('*')]
          .map((element) => getComputedStyle(element).backgroundColor)
          .find((colour) => colour !== 'rgba(0, 0, 0, 0)');
        const host = getComputedStyle(badge);
        return `${fill ?? 'no fill'} / ${host.outlineStyle} ${host.outlineColor}`;
      });

    await fakeModel.script({ kind: 'stall', text: 'This answer starts but never finishes', afterChunks: 3 });
    const before = await send(panel, 'Start and be cancelled');
    await runBadge(panel, 'Running', before);
    const running = await badgeLook();
    const ring = await ui.evaluate(panel, () => document.getElementById('run-progress')!.getBoundingClientRect().width);
    assert.ok(ring >= 14, `the progress ring is ${ring}px wide`);
    await ui.click(panel, 'vscode-button#cancel');
    await runBadge(panel, 'Cancelled');
    const cancelled = await badgeLook();

    await fakeModel.script({ kind: 'text', text: 'Done.' });
    const again = await send(panel, 'Now finish');
    await runBadge(panel, 'Completed', again);
    const completed = await badgeLook();
    assert.equal(new Set([running, cancelled, completed]).size, 3, `running ${running}, cancelled ${cancelled}, completed ${completed}`);
  });
});
