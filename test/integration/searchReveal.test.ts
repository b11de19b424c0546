/**
 * A search result opens its thread at the message found (the chat experience issue, problem 11): scrolled into view
 * even far back in a long thread (older than the first page the view loads), briefly highlighted, the words marked.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ui } from './driver';
import { threadExportFile } from './helpers';

const title = 'Search reveal thread';
const panel = { webview: 'thread' as const, title };

/** Runs Search Threads as a person would: types the words, waits for the hit, and opens it with Enter. */
async function searchAndOpen(words: string, hitText: string): Promise<void> {
  void vscode.commands.executeCommand('agentThreads.searchThreads');
  await ui.fill('workbench', '.quick-input-widget input.input', words);
  await ui.waitFor(
    'workbench',
    new Function(`
      return [...document.querySelectorAll('.quick-input-widget .monaco-list-row')].some((row) => row.textContent?.includes(${JSON.stringify(hitText)}));
    `) as () => boolean,
  );
  await ui.press('Enter');
}

/**
 * What the view shows of the message containing `text`: whether its box is inside the visible part of the list,
 * whether its background differs from both neighbours' (the highlight), and the words marked in it with their colour.
 */
function revealed(text: string): Promise<{ inView: boolean; highlighted: boolean; marked: string[]; markColoured: boolean }> {
  return ui.waitFor(
    panel,
    new Function(`
      const scroller = document.getElementById('messages');
      const message = [...document.querySelectorAll('.message')].find((m) => m.textContent?.includes(${JSON.stringify(text)}));
      if (!scroller || !message) return undefined;
      const box = scroller.getBoundingClientRect();
      const rect = message.getBoundingClientRect();
      const background = (element) => (element ? getComputedStyle(element).backgroundColor : 'none');
      const own = background(message);
      const marks = [...message.querySelectorAll('mark')];
      const state = {
        inView: rect.height > 0 && rect.top >= box.top - 1 && rect.bottom <= box.bottom + 1,
        highlighted: own !== background(message.previousElementSibling) && own !== background(message.nextElementSibling),
        marked: marks.map((mark) => mark.textContent),
        markColoured: marks.length > 0 && marks.every((mark) => !['rgba(0, 0, 0, 0)', background(mark.parentElement)].includes(background(mark))),
      };
      return state.inView && state.highlighted ? state : undefined;
    `) as () => { inView: boolean; highlighted: boolean; marked: string[]; markColoured: boolean },
  );
}

describe('a search result opens its thread at the message found', () => {
  let threadId: string;

  before(async () => {
    // 300 messages: the view's first page is the newest 50, so messages 12 and 40 are far outside it.
    const file = threadExportFile(300, 'reveal0001', null, {
      title,
      texts: {
        12: 'The quartzite sample came back from the lab with traces of garnet.',
        40: 'Remember the basalt columns near the ridge.',
      },
    });
    threadId = ((await vscode.commands.executeCommand('agentThreads.importThread', file)) as { id: string }).id;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.deleteThread', threadId, true);
  });

  it('opens the thread scrolled to an old message, highlighted, with the words searched for marked', async () => {
    await searchAndOpen('quartzite sam', 'quartzite sample');
    const shown = await revealed('quartzite sample');
    assert.deepEqual(shown.marked, ['quartzite', 'sam']);
    assert.ok(shown.markColoured, 'the marked words have a find-match background');
    await ui.screenshot('search-reveal-old-message');
  });

  it('scrolls a thread already open to another message found', async () => {
    await ui.evaluate(panel, () => {
      const scroller = document.getElementById('messages')!;
      scroller.scrollTop = scroller.scrollHeight;
      scroller.dispatchEvent(new Event('scroll'));
    });
    await searchAndOpen('basalt', 'basalt columns');
    const shown = await revealed('basalt columns');
    assert.deepEqual(shown.marked, ['basalt']);
  });
});
