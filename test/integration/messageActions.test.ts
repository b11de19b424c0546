/**
 * What a chat user expects beyond the basics (the chat experience issue): per-message actions (Copy, Retry, Edit and
 * Resend, Fork from here) reachable by keyboard, a composer that recalls your last message with Up, mentions a
 * workspace file with `#`, shows attachments as removable chips and takes files dropped on it, and images that
 * open full size. Each is seen on screen in the real VS Code.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import type { DriverTarget } from './driverProtocol';
import { fakeModel } from './fakeModel';
import {
  eventually,
  giveTheChatTheRoom,
  pickAgentInComposer,
  sendFromComposer as send,
  setSidebarWidth,
  sidebarWidth,
  useFakeModel,
  shownRunId as shownRunIdOf,
  waitForRunStatus as runBadge,
  waitUntilShows,
} from './helpers';
import { visualAudit } from './visualAudit';

const chat = { webview: 'chat' as const };

/** The texts of the messages a view shows, in order, as "role: text". */
function shownMessages(target: DriverTarget): Promise<string[]> {
  return ui.evaluate(target, () =>
    [...document.querySelectorAll<HTMLElement>('.message')].map(
      (m) => `${m.classList.contains('user') ? 'user' : 'assistant'}: ${m.querySelector('.message-body')?.textContent?.trim()}`,
    ),
  );
}
/** Drops a file on the composer as a drag from the Explorer arrives in a webview: its URI as text/uri-list. */
function dropOnComposer(target: DriverTarget, uri: vscode.Uri): Promise<void> {
  return ui.evaluate(
    target,
    new Function(`
      const data = new DataTransfer();
      data.setData('text/uri-list', ${JSON.stringify(uri.toString())});
      document.querySelector('.composer').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    `) as () => void,
  );
}

/** Removes the attachments an earlier test left in the composer, with their remove buttons. */
function clearAttachments(target: DriverTarget): Promise<void> {
  return ui.evaluate(target, () => {
    for (const remove of document.querySelectorAll<HTMLElement>('.attachment-remove')) remove.click();
  });
}

/** The composer's text, as the user sees it. */
function composerText(target: DriverTarget): Promise<string> {
  return ui.evaluate(target, () => (document.querySelector('vscode-textarea#input') as HTMLElement & { value: string }).value);
}

describe('message actions, the composer and images', () => {
  let agentId: string;
  let originalWidth: number;

  before(async () => {
    await useFakeModel();
    agentId = (
      (await vscode.commands.executeCommand('agentThreads.createAgent', {
        name: 'Action Agent',
        model: { profile: 'fake', name: 'fake-model' },
        instructions: 'Answer.',
      })) as { id: string }
    ).id;
    originalWidth = await sidebarWidth();
    await vscode.commands.executeCommand('agentThreads.openChat');
  });

  // Each test scripts its own answers: one that failed must not leave an answer for the next.
  beforeEach(() => fakeModel.reset());

  after(async () => {
    // The last test leaves the composer editing a message and holding a chip: put it back as a person would, or the
    // next suite's first send would go to a new thread with the chip attached.
    await ui.evaluate(chat, () => {
      document.querySelector<HTMLElement>('.composer-editing-cancel')?.click();
      for (const remove of document.querySelectorAll<HTMLElement>('.attachment button')) remove.click();
    });
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await setSidebarWidth(originalWidth);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.deleteAgent', agentId, true);
    await vscode.commands.executeCommand('agentThreads.newChatThread');
  });

  it('the actions show on keyboard focus, labelled, inside the view; Retry answers again in a new thread and the old answer stays', async () => {
    await vscode.commands.executeCommand('agentThreads.newThread', agentId);
    await ui.waitFor({ webview: 'thread' }, () => document.getElementById('connection')?.dataset.state === 'connected');
    const original = { webview: 'thread' as const, title: 'Which colour is the sky?' };
    await fakeModel.script({ kind: 'text', text: 'The first answer: green.' });
    const before = await send({ webview: 'thread' }, 'Which colour is the sky?');
    await runBadge(original, 'Completed', before);

    // The actions are hidden until hover or focus; focused from the keyboard, they show, labelled and in view.
    const hiddenBefore = await ui.waitFor(original, () => {
      const actions = document.querySelector('.message.assistant .message-actions');
      return actions && getComputedStyle(actions).opacity;
    });
    await ui.click(original, 'vscode-textarea#input');
    const toolbar = await ui.waitFor(original, () => {
      const answer = document.querySelector('.message.assistant');
      const retry = answer?.querySelector<HTMLElement>('[data-message-action="retry"]');
      if (!answer || !retry) return undefined;
      retry.focus();
      const view = document.getElementById('messages')!.getBoundingClientRect();
      const buttons = [...answer.querySelectorAll<HTMLElement>('.message-action')].map((button) => {
        const box = button.getBoundingClientRect();
        return {
          label: button.getAttribute('aria-label'),
          tooltip: button.title,
          inside: box.width > 0 && box.left >= view.left && box.right <= view.right && box.top >= view.top,
        };
      });
      const author = answer.querySelector('.message-author')!.getBoundingClientRect();
      const first = answer.querySelector('.message-action')!.getBoundingClientRect();
      return {
        shownOnFocus: getComputedStyle(retry.parentElement!).opacity,
        focused: document.activeElement === retry,
        buttons,
        clearOfAuthor: first.left >= author.right,
      };
    });
    assert.equal(hiddenBefore, '0');
    assert.equal(toolbar.shownOnFocus, '1');
    assert.ok(toolbar.focused);
    assert.deepEqual(
      toolbar.buttons.map((b) => b.label),
      ['Copy', 'Retry', 'Fork from here'],
    );
    assert.ok(
      toolbar.buttons.every((b) => b.inside && b.tooltip),
      JSON.stringify(toolbar.buttons),
    );
    assert.ok(toolbar.clearOfAuthor, 'the buttons do not cover the author');

    await fakeModel.script({ kind: 'text', text: 'The second answer: blue.' });
    await ui.press('Enter');
    const retried = { webview: 'thread' as const, title: 'Which colour is the sky? (retry)' };
    await runBadge(retried, 'Completed');
    await waitUntilShows(retried, () => document.querySelectorAll('.message').length, 2);
    assert.deepEqual(await shownMessages(retried), ['user: Which colour is the sky?', 'assistant: The second answer: blue.']);
    // The model was asked the question again, without the answer being retried.
    const asked = (await fakeModel.requests()).filter((r) => r.path.endsWith('/chat/completions')).pop()?.body?.messages ?? [];
    assert.deepEqual(
      asked.filter((m: { role: string }) => m.role !== 'system').map((m: { role: string; content: unknown }) => m.role),
      ['user'],
    );
    await vscode.commands.executeCommand('workbench.action.previousEditor');
    assert.deepEqual(await shownMessages(original), ['user: Which colour is the sky?', 'assistant: The first answer: green.']);
  });

  it('a retried answer shows ‹ 1 / 2 › and ‹ 2 / 2 ›, and the arrows move the chat between the versions', async () => {
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await giveTheChatTheRoom();
    await setSidebarWidth(240);
    await pickAgentInComposer(chat, 'Action Agent');
    await fakeModel.script({ kind: 'text', text: 'Version one: seven.' }, { kind: 'text', text: 'Version two: three.' });
    await runBadge(chat, 'Completed', await send(chat, 'Pick a number'));
    const first = await shownRunIdOf(chat);
    await ui.click(chat, '.message.assistant [data-message-action="retry"]');
    await runBadge(chat, 'Completed', first);

    /** The switcher of the answer that says `text`: its position, which arrows work, and whether it is whole on screen. */
    const switcherOf = (text: string) =>
      ui.waitFor(
        chat,
        new Function(`
          const answer = [...document.querySelectorAll('.message.assistant')].find((m) => m.textContent.includes(${JSON.stringify(text)}));
          const group = answer?.querySelector('.message-versions');
          if (!group) return undefined;
          const view = document.getElementById('messages').getBoundingClientRect();
          const box = group.getBoundingClientRect();
          const author = answer.querySelector('.message-author');
          return {
            position: group.querySelector('.message-versions-position').textContent,
            label: group.getAttribute('aria-label'),
            previous: !group.querySelector('[aria-label="Previous version"]').disabled,
            next: !group.querySelector('[aria-label="Next version"]').disabled,
            inside: box.left >= view.left && box.right <= view.right && box.width > 0,
            // The header keeps the agent's name whole.
            author: (author.scrollWidth <= author.clientWidth ? '' : 'cut: ') + author.textContent.replace(/[\u2066-\u2069]/g, ''),
          };
        `) as () => { position: string; label: string; previous: boolean; next: boolean; inside: boolean; author: string },
      );
    assert.deepEqual(await switcherOf('Version two'), {
      position: '2 / 2',
      label: 'Version 2 of 2',
      previous: true,
      next: false,
      inside: true,
      author: 'Action Agent',
    });
    await ui.screenshot('message-versions-240');

    // Back: the chat shows the first thread, at the first answer, which says it is 1 of 2.
    await ui.click(chat, '.message-versions [aria-label="Previous version"]');
    assert.deepEqual(await switcherOf('Version one'), {
      position: '1 / 2',
      label: 'Version 1 of 2',
      previous: false,
      next: true,
      inside: true,
      author: 'Action Agent',
    });
    assert.deepEqual(await shownMessages(chat), ['user: Pick a number', 'assistant: Version one: seven.']);
    const found = (await ui.evaluate(chat, visualAudit)).map((f) => `${f.kind}: ${f.what}: ${f.detail}`);
    assert.equal(found.join('\n'), '');

    // And forth again.
    await ui.click(chat, '.message-versions [aria-label="Next version"]');
    assert.equal((await switcherOf('Version two')).position, '2 / 2');
    await setSidebarWidth(originalWidth);
  });

  it('Edit and Resend edits your message in the composer and continues in a new thread; Escape cancels; Up recalls', async () => {
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await pickAgentInComposer(chat, 'Action Agent');
    await fakeModel.script({ kind: 'text', text: 'Paris.' });
    let before = await send(chat, 'What is the capital of Italy?');
    await runBadge(chat, 'Completed', before);

    // Up in an empty composer brings back what you sent, as in a terminal; Down goes back to the empty input.
    await ui.click(chat, 'vscode-textarea#input');
    await ui.press('ArrowUp');
    assert.equal(await composerText(chat), 'What is the capital of Italy?');
    await ui.press('ArrowDown');
    assert.equal(await composerText(chat), '');

    await ui.fill(chat, 'vscode-textarea#input', 'a draft');
    await ui.click(chat, '.message.user [data-message-action="edit"]');
    const editing = await ui.waitFor(chat, () => {
      const banner = document.querySelector<HTMLElement>('.composer-editing');
      const input = document.querySelector('vscode-textarea#input') as HTMLElement & { value: string };
      if (!banner || banner.hidden) return undefined;
      const box = banner.getBoundingClientRect();
      return { value: input.value, text: banner.textContent, inside: box.right <= document.documentElement.clientWidth && box.height > 0 };
    });
    assert.equal(editing.value, 'What is the capital of Italy?');
    assert.match(editing.text ?? '', /new thread/);
    assert.ok(editing.inside);
    await ui.press('Escape');
    assert.equal(await composerText(chat), 'a draft', 'Escape gives the draft back');
    await waitUntilShows(chat, () => document.querySelector<HTMLElement>('.composer-editing')!.hidden, true);

    await ui.click(chat, '.message.user [data-message-action="edit"]');
    await fakeModel.script({ kind: 'text', text: 'Rome.' });
    before = await send(chat, 'What is the capital of Italy, really?');
    await runBadge(chat, 'Completed', before);
    await waitUntilShows(chat, () => document.querySelector('.thread-title')?.textContent, 'What is the capital of Italy? (fork)');
    assert.deepEqual(await shownMessages(chat), ['user: What is the capital of Italy, really?', 'assistant: Rome.']);
    assert.equal(await composerText(chat), 'a draft', 'the draft waits in the composer');
    // Fork from here opens the history up to the message in a thread of its own.
    await ui.click(chat, '.message.user [data-message-action="fork"]');
    const fork = { webview: 'thread' as const, title: 'What is the capital of Italy? (fork) (fork)' };
    await waitUntilShows(fork, () => document.querySelectorAll('.message').length, 1);
    assert.deepEqual(await shownMessages(fork), ['user: What is the capital of Italy, really?']);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('# mentions a workspace file with completion, attaching it as a chip with a remove button; a dropped file attaches too', async () => {
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await clearAttachments(chat);
    await ui.fill(chat, 'vscode-textarea#input', 'Look at #gre');
    const popup = await ui.waitFor(chat, () => {
      const list = document.getElementById('mention-list');
      const options = [...(list?.querySelectorAll('[role="option"]') ?? [])];
      if (!list || list.hidden || options.length === 0) return undefined;
      const box = list.getBoundingClientRect();
      const input = document.querySelector('vscode-textarea#input')!.getBoundingClientRect();
      return {
        options: options.map((o) => o.getAttribute('title')),
        selected: options.findIndex((o) => o.getAttribute('aria-selected') === 'true'),
        inView: box.top >= 0 && box.left >= 0 && box.right <= document.documentElement.clientWidth,
        aboveInput: box.bottom <= input.top + 8,
      };
    });
    assert.equal(popup.options[0], 'src/greet.ts');
    assert.equal(popup.selected, 0);
    assert.ok(popup.inView && popup.aboveInput, JSON.stringify(popup));
    await ui.screenshot('composer-mention');
    await ui.press('Enter');
    const chips = await ui.waitFor(chat, () => {
      const chip = document.querySelector('.attachment');
      const remove = chip?.querySelector('.attachment-remove');
      return (
        chip &&
        remove && {
          text: chip.textContent,
          title: chip.getAttribute('title'),
          removeLabel: remove.getAttribute('aria-label'),
          listHidden: document.getElementById('mention-list')!.hidden,
        }
      );
    });
    assert.deepEqual(chips, { text: 'greet.ts', title: 'src/greet.ts', removeLabel: 'Remove src/greet.ts', listHidden: true });
    assert.equal(await composerText(chat), 'Look at ', 'the #text is replaced by the attachment');
    await ui.click(chat, '.attachment-remove');
    await waitUntilShows(chat, () => document.querySelectorAll('.attachment').length, 0);

    // A file dragged from the Explorer reaches the webview as text/uri-list; the host keeps those inside the workspace.
    await dropOnComposer(chat, vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'README.md'));
    await waitUntilShows(chat, () => document.querySelector('.attachment')?.getAttribute('title'), 'README.md');
    await ui.click(chat, '.attachment-remove');
    await waitUntilShows(chat, () => document.querySelectorAll('.attachment').length, 0);
    // Several files from the Explorer: text/uri-list names only the first; VS Code's own type carries them all.
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const both = [vscode.Uri.joinPath(folder, 'README.md'), vscode.Uri.joinPath(folder, 'src', 'greet.ts')].map(String);
    await ui.evaluate(
      chat,
      new Function(`
        const data = new DataTransfer();
        data.setData('text/uri-list', ${JSON.stringify(both[0])});
        data.setData('application/vnd.code.uri-list', ${JSON.stringify(both.join('\r\n'))});
        document.querySelector('.composer').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      `) as () => void,
    );
    await waitUntilShows(
      chat,
      () => [...document.querySelectorAll('.attachment')].map((chip) => chip.getAttribute('title')).join(' '),
      'README.md src/greet.ts',
    );
    await ui.click(chat, '.attachment-remove');
    await waitUntilShows(chat, () => document.querySelectorAll('.attachment').length, 1);
    await ui.click(chat, '.attachment-remove');
    await waitUntilShows(chat, () => document.querySelectorAll('.attachment').length, 0);
  });

  it('an image in a message opens full size, by click or keyboard, and closes with Escape; a workspace image opens in VS Code’s preview', async () => {
    // A workspace image, for the # list to offer below.
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    fs.writeFileSync(path.join(folder.fsPath, 'pixel.png'), png);
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await pickAgentInComposer(chat, 'Action Agent');
    await clearAttachments(chat);
    // A pasted 900 × 500 image, larger than the sidebar.
    await ui.evaluate(chat, () => {
      const canvas = document.createElement('canvas');
      canvas.width = 900;
      canvas.height = 500;
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#3080f0';
      context.fillRect(0, 0, 900, 500);
      const bytes = atob(canvas.toDataURL('image/png').split(',')[1]);
      const file = new File([Uint8Array.from(bytes, (c) => c.charCodeAt(0))], 'plot.png', { type: 'image/png' });
      const data = new DataTransfer();
      data.items.add(file);
      document
        .querySelector('.composer')!
        .dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await waitUntilShows(chat, () => document.querySelector('.attachment')?.textContent, 'Pasted image');
    await fakeModel.script({ kind: 'text', text: 'A blue rectangle.' });
    const before = await send(chat, 'What is in this picture?');
    await runBadge(chat, 'Completed', before);
    const inMessage = await ui.waitFor(chat, () => {
      const img = document.querySelector<HTMLImageElement>('.message.user .image-open img');
      return img?.complete && img.naturalWidth > 0 ? Math.round(img.getBoundingClientRect().width) : 0;
    });
    assert.ok(inMessage < 900, `shown at ${inMessage}px in the message`);

    await ui.click(chat, 'vscode-textarea#input');
    await ui.evaluate(chat, () => document.querySelector<HTMLElement>('.message.user .image-open')!.focus());
    await ui.press('Enter');
    const opened = await ui.waitFor(chat, () => {
      const dialog = document.querySelector<HTMLDialogElement>('dialog.image-viewer');
      const img = dialog?.querySelector('img');
      const close = dialog?.querySelector<HTMLElement>('.image-viewer-close');
      if (!dialog?.open || !img?.complete || !close) return undefined;
      const closeBox = close.getBoundingClientRect();
      return {
        width: Math.round(img.getBoundingClientRect().width),
        closeFocused: document.activeElement === close,
        closeInView: closeBox.top >= 0 && closeBox.right <= document.documentElement.clientWidth,
      };
    });
    assert.deepEqual(opened, { width: 900, closeFocused: true, closeInView: true });
    await ui.screenshot('image-full-size');
    await ui.press('Escape');
    const closed = await ui.waitFor(chat, () =>
      document.querySelector('dialog.image-viewer') ? undefined : { focusBack: document.activeElement?.classList.contains('image-open') },
    );
    assert.deepEqual(closed, { focusBack: true });

    // A workspace image attached to a message opens in VS Code's image preview, not as text.
    await ui.fill(chat, 'vscode-textarea#input', '#pixel');
    await ui.waitFor(chat, () => document.querySelector('#mention-list [title="pixel.png"]'));
    await ui.press('Enter');
    await fakeModel.script({ kind: 'text', text: 'One pixel.' });
    await ui.fill(chat, 'vscode-textarea#input', 'And this one?');
    const previous = await ui.evaluate(chat, () => document.getElementById('run-status')?.dataset.runId ?? '');
    await ui.press('Enter');
    await runBadge(chat, 'Completed', previous);
    await ui.click(chat, '.message.user [data-file="pixel.png"]');
    const tab = await eventually(
      () => vscode.window.tabGroups.activeTabGroup.activeTab,
      (active) => active?.label === 'pixel.png',
      'pixel.png in the active tab',
    );
    assert.ok(tab?.input instanceof vscode.TabInputCustom, `opened as ${tab?.input?.constructor.name}`);
    assert.equal(tab.input.viewType, 'imagePreview.previewEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('in three themes at 240 and 600 px, the actions, the edit banner, chips and the # list are not clipped and do not cover text', async () => {
    await giveTheChatTheRoom();
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await pickAgentInComposer(chat, 'Action Agent');
    await fakeModel.script({ kind: 'text', text: 'An answer long enough to wrap in the narrow sidebar, under its actions.' });
    const before = await send(chat, 'A question with a rather long first line to wrap at narrow widths');
    await runBadge(chat, 'Completed', before);
    await dropOnComposer(chat, vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'src', 'greet.ts'));
    await ui.click(chat, '.message.user [data-message-action="edit"]');
    const themes = [
      ['Default Dark Modern', 'vscode-dark', 'dark'],
      ['Default Light Modern', 'vscode-light', 'light'],
      ['Default High Contrast', 'vscode-high-contrast', 'hc'],
    ] as const;
    const found: string[] = [];
    const check = async (where: string) => {
      await ui.screenshot(`message-actions-${where}`);
      const layout = await ui.evaluate(chat, () => {
        const problems: string[] = [];
        const width = document.documentElement.clientWidth;
        for (const element of document.querySelectorAll<HTMLElement>('.message-action, .composer-editing, #mention-list, .attachment')) {
          const box = element.getBoundingClientRect();
          if (box.width > 0 && (box.left < 0 || box.right > width + 0.5))
            problems.push(`${element.className} spills out (${box.left}–${box.right} of ${width})`);
        }
        for (const message of document.querySelectorAll('.message')) {
          const author = message.querySelector('.message-author')!.getBoundingClientRect();
          const actions = message.querySelector('.message-actions')?.getBoundingClientRect();
          if (actions && actions.left < author.right) problems.push('actions cover the author');
        }
        const messages = document.getElementById('messages')!.getBoundingClientRect();
        if (messages.height < 120) problems.push(`the conversation has ${messages.height}px`);
        return problems;
      });
      found.push(...layout.map((p) => `${where}: ${p}`));
      found.push(...(await ui.evaluate(chat, visualAudit)).map((f) => `${where}: ${f.kind}: ${f.what}: ${f.detail}`));
    };
    for (const [theme, bodyClass, short] of themes) {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await ui.waitFor(chat, new Function(`return document.body.classList.contains(${JSON.stringify(bodyClass)})`) as () => boolean);
      for (const width of [240, 600]) {
        await setSidebarWidth(width);
        // The answer's actions shown by keyboard focus, with the edit banner and a chip in the composer.
        await ui.click(chat, 'vscode-textarea#input');
        await ui.evaluate(chat, () => document.querySelector<HTMLElement>('.message.assistant [data-message-action="retry"]')!.focus());
        await check(`${short}-${width}`);
        // The # list open above the input.
        await ui.fill(chat, 'vscode-textarea#input', 'Look at #');
        await ui.waitFor(chat, () => !document.getElementById('mention-list')!.hidden);
        await check(`${short}-${width}-mention`);
        await ui.press('Escape');
      }
    }
    assert.equal(found.join('\n'), '');
  });
});
