/**
 * The sidebar chat's layout at the widths people give the sidebar (the chat experience issue, items 2 and 10):
 * every control on screen, nothing overflowing sideways, the agent picker's list in view, names and titles shown
 * whole when there is room.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { errorBody } from '../fixtures/fakeModel/replies';
import {
  giveTheChatTheRoom,
  sendFromComposer,
  setSidebarWidth,
  sidebarWidth,
  threadExportFile,
  useFakeModel,
  waitForRunStatus,
  waitUntilShows,
} from './helpers';

const chat = { webview: 'chat' as const };
const AGENT_NAME = 'Code Helper';
// 30 characters, as a thread titled from its first message often is.
const THREAD_TITLE = 'Please explain the build steps';
// The read-only workspace tools a new agent gets, as the picker names them.
const DEFAULT_TOOL_LABELS = [
  'Read file',
  'List folder',
  'Find files',
  'Search text',
  'Read problems',
  'Read selection',
  'List open editors',
];

/** What the chat shows that could be clipped or overflow, read in its webview. */
function readLayout() {
  const inView = (element: Element | null | undefined) => {
    const box = element?.getBoundingClientRect();
    if (!box || box.width === 0) return 'not shown';
    return box.left >= 0 && box.top >= 0 && box.right <= innerWidth + 0.5 && box.bottom <= innerHeight + 0.5
      ? 'in view'
      : `outside: ${Math.round(box.left)},${Math.round(box.top)} – ${Math.round(box.right)},${Math.round(box.bottom)} of ${innerWidth}×${innerHeight}`;
  };
  const picker = document.querySelector('vscode-single-select#agent');
  const label = picker?.shadowRoot?.querySelector('.select-face .text');
  return {
    width: innerWidth,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    controls: Object.fromEntries(
      ['vscode-single-select#agent', 'vscode-button#attach', 'vscode-button#send', 'vscode-textarea#input'].map((selector) => [
        selector,
        inView(document.querySelector(selector)),
      ]),
    ),
    label: label?.textContent?.trim() ?? '',
    labelTruncated: !!label && label.scrollWidth > label.clientWidth,
    tooltip: picker?.getAttribute('title') ?? '',
  };
}

describe('the chat laid out in a narrow and a wide sidebar', () => {
  let originalWidth: number;
  let agentId: string;

  before(async () => {
    await useFakeModel();
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: AGENT_NAME,
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Answer.',
    })) as { id: string };
    agentId = agent.id;
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    originalWidth = await sidebarWidth();
  });

  after(async () => {
    await ui.press('Escape');
    // Later suites expect the sidebar as they found it, and a fresh conversation in the chat.
    await setSidebarWidth(originalWidth);
    await vscode.commands.executeCommand('agentThreads.newChatThread');
  });

  it('keeps every control in view, the agent picker readable and its list on screen, at 240, 300 and 600 px', async () => {
    // Choose the agent in the picker, as a person would: the list opens, the option is clicked.
    await ui.click(chat, 'vscode-single-select#agent');
    await ui.click(chat, `vscode-single-select#agent li[role="option"]:has-text("${AGENT_NAME}")`);
    await waitUntilShows(
      chat,
      () => document.querySelector('vscode-single-select#agent')?.shadowRoot?.querySelector('.select-face .text')?.textContent?.trim(),
      AGENT_NAME,
    );

    // The webview is the sidebar's width less the workbench's own borders (which differ between VS Code releases).
    const inset = (await sidebarWidth()) - (await ui.evaluate(chat, () => innerWidth));
    assert.ok(inset >= 0 && inset <= 16, `the chat is ${inset} px narrower than the sidebar`);
    for (const width of [240, 300, 600]) {
      await setSidebarWidth(width);
      await ui.waitFor(chat, new Function(`return Math.abs(innerWidth - ${width - inset}) <= 1;`) as () => boolean);
      const layout = await ui.evaluate(chat, readLayout);
      await ui.screenshot(`chat-layout-${width}px`);
      assert.ok(layout.overflow <= 0, `${width} px: the chat scrolls sideways by ${layout.overflow} px`);
      for (const [control, where] of Object.entries(layout.controls)) assert.equal(where, 'in view', `${width} px: ${control} is ${where}`);
      assert.equal(layout.label, AGENT_NAME);
      // The tools at a glance: the tooltip names the model and each tool the agent may call (a new agent's read-only
      // workspace tools), the label staying the agent's name alone.
      assert.equal(layout.tooltip, `${AGENT_NAME} · fake-model\nTools: ${DEFAULT_TOOL_LABELS.join(', ')}`);
      if (width >= 300) assert.equal(layout.labelTruncated, false, `${width} px: the picker shortens "${AGENT_NAME}"`);

      // The list opens where there is room for it (above the composer at the bottom), whole.
      await ui.click(chat, 'vscode-single-select#agent');
      const list = await ui.waitFor(chat, () => {
        const dropdown = document.querySelector('vscode-single-select#agent')?.shadowRoot?.querySelector('.dropdown.open');
        const box = dropdown?.getBoundingClientRect();
        if (!box || box.height === 0) return undefined;
        return { top: box.top, bottom: box.bottom, left: box.left, right: box.right, height: innerHeight, width: innerWidth };
      });
      await ui.screenshot(`chat-layout-${width}px-picker-open`);
      assert.ok(
        list.top >= 0 && list.bottom <= list.height && list.left >= 0 && list.right <= list.width + 0.5,
        `${width} px: the open list is at ${JSON.stringify(list)}`,
      );
      // The open list says what the agent runs on and how many tools it has, whole and inside the list.
      const detail = await ui.evaluate(chat, () => {
        const dropdown = document.querySelector('vscode-single-select#agent')?.shadowRoot?.querySelector('.dropdown.open');
        const description = dropdown?.querySelector<HTMLElement>('.description');
        const box = description?.getBoundingClientRect();
        const outer = dropdown?.getBoundingClientRect();
        return {
          text: description?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
          clipped:
            !!description && (description.scrollWidth > description.clientWidth || description.scrollHeight > description.clientHeight),
          inside:
            !!box &&
            !!outer &&
            box.height > 0 &&
            box.left >= outer.left &&
            box.right <= outer.right + 0.5 &&
            box.bottom <= outer.bottom + 0.5,
        };
      });
      assert.deepEqual(detail, { text: `fake-model · ${DEFAULT_TOOL_LABELS.length} tools`, clipped: false, inside: true }, `${width} px`);
      await ui.press('Escape');
      await ui.waitFor(chat, () => !document.querySelector('vscode-single-select#agent')?.shadowRoot?.querySelector('.dropdown.open'));
    }
  });

  for (const theme of ['Default Light Modern', 'Default High Contrast']) {
    it(`fits 240 px in ${theme} too`, async () => {
      const workbench = vscode.workspace.getConfiguration('workbench');
      await workbench.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      try {
        await waitUntilShows(
          chat,
          () => document.body.className.includes('vscode-light') || document.body.className.includes('vscode-high-contrast'),
          true,
        );
        await setSidebarWidth(240);
        const layout = await ui.evaluate(chat, readLayout);
        await ui.screenshot(`chat-layout-240px-${theme.replace(/\W+/g, '-')}`);
        assert.ok(layout.overflow <= 0, `the chat scrolls sideways by ${layout.overflow} px`);
        for (const [control, where] of Object.entries(layout.controls)) assert.equal(where, 'in view', `${control} is ${where}`);
      } finally {
        // Later suites expect the default theme, even when this test failed.
        await workbench.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
      }
    });
  }

  it('shows a 30-character thread title whole in the header at 300 px, with the title in its tooltip', async () => {
    const exported = threadExportFile(2, 'layout0001', agentId);
    const file = exported.fsPath;
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { thread: { title: string } };
    doc.thread.title = THREAD_TITLE;
    fs.writeFileSync(file, JSON.stringify(doc));
    const imported = (await vscode.commands.executeCommand('agentThreads.importThread', exported)) as { id: string };
    await vscode.commands.executeCommand('agentThreads.openThreadInChat', imported.id);
    await setSidebarWidth(300);
    await waitUntilShows(chat, () => document.querySelector('.thread-title')?.textContent, THREAD_TITLE);
    const title = await ui.evaluate(chat, () => {
      const element = document.querySelector<HTMLElement>('.thread-title')!;
      return { truncated: element.scrollWidth > element.clientWidth, tooltip: element.title };
    });
    await ui.screenshot('chat-layout-300px-title');
    assert.deepEqual(title, { truncated: false, tooltip: THREAD_TITLE });
  });

  it('leaves the conversation most of the view at 240 px when a run fails with a long error', async () => {
    // A gateway's validation error runs to many lines; once it filled the header and left the conversation 70 px.
    const detail = 'messages[3].content[0].image_url.url: expected a URL or a base64 data URL of a supported image type. ';
    await fakeModel.script({
      kind: 'http_error',
      status: 400,
      body: errorBody(`Invalid request. ${detail.repeat(12)}See the API reference for the request format.`, 'invalid_request_error'),
    });
    await vscode.commands.executeCommand('agentThreads.newChatThread');
    await giveTheChatTheRoom();
    await setSidebarWidth(240);
    await waitForRunStatus(chat, 'Failed', await sendFromComposer(chat, 'Describe the picture'));
    const shown = await ui.waitFor(chat, () => {
      const error = document.querySelector<HTMLElement>('.run-error');
      const text = error?.querySelector<HTMLElement>('.run-error-text');
      const retry = error?.querySelector('.retry-run');
      const list = document.getElementById('messages')?.getBoundingClientRect();
      if (!error || !text || !retry || !list) return undefined;
      const box = (element: Element) => {
        const { left, top, right, bottom } = element.getBoundingClientRect();
        return { left, top, right, bottom };
      };
      const inView = (b: { left: number; top: number; right: number; bottom: number }) =>
        b.left >= 0 && b.top >= 0 && b.right <= innerWidth + 0.5 && b.bottom <= innerHeight + 0.5;
      return {
        height: innerHeight,
        // The conversation's part of the view: its list's box, less what lies outside the view.
        conversation: Math.min(list.bottom, innerHeight) - Math.max(list.top, 0),
        error: box(error),
        errorInView: inView(box(error)) && inView(box(retry)),
        sideways: Math.max(
          text.scrollWidth - text.clientWidth,
          error.scrollWidth - error.clientWidth,
          document.documentElement.scrollWidth - innerWidth,
        ),
      };
    });
    await ui.screenshot('chat-layout-240px-failed-run');
    // Half the view: the header, the composer and a few lines of error share the rest, and a conversation of a
    // few turns still reads without scrolling (the complaint was 70 px, about three lines).
    assert.ok(
      shown.conversation >= shown.height / 2,
      `the conversation has ${shown.conversation} of ${shown.height} px: ${JSON.stringify(shown)}`,
    );
    assert.ok(shown.errorInView, `the error or its Retry leaves the view: ${JSON.stringify(shown)}`);
    assert.ok(shown.sideways <= 0, `the error overflows sideways by ${shown.sideways} px`);
  });
});
