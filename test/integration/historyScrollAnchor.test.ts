/**
 * Reading back through a long thread: when an older page of history goes in above, what the reader is looking at
 * stays where it is on screen, for one page and while pages keep loading during a continuous scroll up.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { threadExportFile } from './helpers';

const title = 'Scroll anchor thread';
const panel = { webview: 'thread' as const, title };
const COUNT = 1200;

/** Messages of very different heights (one line to a few paragraphs), so no placeholder height fits them all. */
function textOf(i: number): string {
  const paragraph = `Message number ${i}: the survey crew logged the ridge, the basalt columns and the river crossing.`;
  return Array.from({ length: 1 + ((i * 7) % 12) }, () => paragraph).join('\n\n');
}

describe('the reader keeps their place while older messages load above', () => {
  let threadId: string;

  before(async () => {
    const texts = Object.fromEntries(Array.from({ length: COUNT }, (_, i) => [i, textOf(i)]));
    const file = threadExportFile(COUNT, 'anchor0001', null, { title, texts });
    try {
      threadId = ((await vscode.commands.executeCommand('agentThreads.importThread', file)) as { id: string }).id;
    } finally {
      fs.rmSync(path.dirname(file.fsPath), { recursive: true, force: true });
    }
    await ui.waitFor(panel, () => {
      const messages = document.querySelectorAll('.message');
      return messages.length > 0 && messages[messages.length - 1].textContent?.includes(`Message number 1199`);
    });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.deleteThread', threadId, true);
  });

  it('holds the message in the middle of the view still when an older page goes in above it', async () => {
    const moved = await ui.evaluate(panel, async () => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      const scroller = document.getElementById('messages')!;
      const firstId = () => (scroller.querySelector('.message') as HTMLElement | null)?.dataset.messageId;
      const box = scroller.getBoundingClientRect();
      scroller.scrollTop = 150;
      await frame();
      const before = firstId();
      const middle = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)!.closest('.message') as HTMLElement;
      const id = middle.dataset.messageId;
      const top = middle.getBoundingClientRect().top;
      // Until an older page has gone in, then until the list has been still for a few frames (all its slices are in
      // and the browser has laid out what it skipped).
      for (let i = 0; i < 600 && firstId() === before; i++) await frame();
      let still = 0;
      let last = '';
      for (let i = 0; i < 600 && still < 8; i++) {
        await frame();
        const now = `${firstId()} ${scroller.scrollTop} ${scroller.scrollHeight}`;
        still = now === last ? still + 1 : 0;
        last = now;
      }
      const after = document.querySelector<HTMLElement>(`[data-message-id="${id}"]`);
      return { paged: firstId() !== before, moved: after ? after.getBoundingClientRect().top - top : null };
    });
    assert.ok(moved.paged, 'an older page went in');
    assert.ok(moved.moved !== null && Math.abs(moved.moved) <= 2, `the message in the middle moved ${moved.moved} px`);
  });

  it('keeps the view moving only as far as the reader scrolls while older pages keep loading', async () => {
    const jumps = await ui.evaluate(panel, async () => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      const scroller = document.getElementById('messages')!;
      const box = scroller.getBoundingClientRect();
      const firstNumber = () => Number(/Message number (\d+)/.exec(scroller.querySelector('.message')?.textContent ?? '')?.[1]);
      const startNumber = firstNumber();
      const found: string[] = [];
      // As a wheel would: 40 px up a frame. Each frame, the message that was in the middle must have moved down by
      // exactly what the reader scrolled, whatever went in above it meanwhile.
      for (let i = 0; i < 1500 && firstNumber() > startNumber - 200; i++) {
        const middle = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)!.closest('.message') as HTMLElement;
        const top = middle.getBoundingClientRect().top;
        const scrollTop = scroller.scrollTop;
        scroller.scrollTop = scrollTop - 40;
        const scrolled = scrollTop - scroller.scrollTop;
        await frame();
        await frame();
        const moved = middle.isConnected ? middle.getBoundingClientRect().top - top : scrolled;
        if (Math.abs(moved - scrolled) > 2) found.push(`frame ${i}: scrolled ${scrolled} px, the message moved ${moved.toFixed(1)} px`);
      }
      return { found, pagedBack: startNumber - firstNumber() };
    });
    assert.ok(jumps.pagedBack >= 200, `paged back ${jumps.pagedBack} messages`);
    assert.deepEqual(jumps.found, [], 'the view jumped');
    await ui.screenshot('history-scroll-anchor');
  });
});
