import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { sendFromComposer, useFakeModel, waitForRunStatus } from './helpers';

const panel = { webview: 'thread' as const };

/** The folder of a thread in the extension's workspace storage (found under code-server's user data). */
function threadFolder(threadId: string): string {
  const userData = process.env.AGENT_THREADS_TEST_USER_DATA;
  if (!userData) throw new Error('AGENT_THREADS_TEST_USER_DATA is not set: run the integration suite through npm run test:integration.');
  const storage = path.join(userData, 'User', 'workspaceStorage');
  for (const workspace of fs.readdirSync(storage)) {
    const folder = path.join(storage, workspace, 'agent-threads.agent-threads', 'threads', threadId);
    if (fs.existsSync(folder)) return folder;
  }
  throw new Error(`No folder for thread ${threadId} under ${storage}`);
}

function shownMessages(): Promise<string[]> {
  return ui.evaluate(panel, () => [...document.querySelectorAll('.message .message-body')].map((m) => m.textContent?.trim() ?? ''));
}

async function ask(question: string, answer: string): Promise<void> {
  await fakeModel.script({ kind: 'text', text: answer });
  await waitForRunStatus(panel, 'Completed', await sendFromComposer(panel, question));
}

/** Sends and waits for the error notice; returns its text and what the composer holds afterwards. */
async function sendFailing(text: string): Promise<{ notice: string; composer: string }> {
  // An earlier notice stays on screen; clear it so that the one awaited is this send's.
  await ui.evaluate(panel, () => document.querySelector('.notice')?.replaceChildren());
  await sendFromComposer(panel, text);
  const notice = await ui.waitFor(panel, () => document.querySelector('.notice.error .notice-text')?.textContent);
  // The host gives the text back before it reports the error.
  const composer = await ui.evaluate(
    panel,
    () => (document.querySelector('vscode-textarea#input') as HTMLTextAreaElement | null)?.value ?? '',
  );
  return { notice, composer };
}

/**
 * A small tmpfs mounted over a thread's folder with the thread's files in it: it can be filled up (ENOSPC) or
 * remounted read-only (EROFS, which stops root too, unlike chmod). Unmounting puts the files back where they were.
 */
class SmallDisk {
  private readonly saved = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-threads-disk-'));
  private readonly filler: string;

  constructor(private readonly folder: string) {
    fs.cpSync(folder, this.saved, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', folder], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(`This test needs to mount a tmpfs (root with CAP_SYS_ADMIN, as on the project's CI machines): ${String(error)}`, {
        cause: error,
      });
    }
    fs.cpSync(this.saved, folder, { recursive: true });
    this.filler = path.join(folder, 'filler');
  }

  /** Fills the disk to the last byte: pages first, then single bytes. */
  fill(): void {
    const fd = fs.openSync(this.filler, 'a');
    try {
      for (const size of [4096, 1]) {
        const chunk = Buffer.alloc(size, 1);
        try {
          for (;;) fs.writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  freeUp(): void {
    fs.rmSync(this.filler, { force: true });
  }

  readOnly(on: boolean): void {
    execFileSync('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, this.folder]);
  }

  unmount(): void {
    this.readOnly(false);
    this.freeUp();
    fs.rmSync(this.saved, { recursive: true, force: true });
    fs.cpSync(this.folder, this.saved, { recursive: true });
    execFileSync('umount', ['-l', this.folder]);
    fs.rmSync(this.folder, { recursive: true, force: true });
    fs.cpSync(this.saved, this.folder, { recursive: true });
    fs.rmSync(this.saved, { recursive: true, force: true });
  }
}

describe('storage faults, seen through the UI', () => {
  let threadId: string;

  before(async () => {
    await useFakeModel();
    const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
      name: 'Keeper',
      model: { profile: 'fake', name: 'fake-model' },
      instructions: 'Answer.',
    })) as { id: string };
    threadId = ((await vscode.commands.executeCommand('agentThreads.newThread', agent.id)) as { id: string }).id;
    await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
    await ask('One', 'Answer one.');
    await ask('Two', 'Answer two.');
  });

  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('opens a log with a garbage line and a torn end by hand, showing every readable message, and writes on', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const log = path.join(threadFolder(threadId), 'messages.jsonl');
    const lines = fs.readFileSync(log, 'utf8').split('\n');
    lines.splice(1, 0, '\u0000\u00ff{"t":"message", garbage that is not JSON');
    fs.writeFileSync(log, `${lines.join('\n')}{"t":"message","at":1,"message":{"id":"msg_torn`);
    await vscode.commands.executeCommand('agentThreads.openThread', threadId);
    await ui.waitFor(panel, () => document.querySelectorAll('.message').length >= 4);
    assert.deepEqual(await shownMessages(), ['One', 'Answer one.', 'Two', 'Answer two.']);
    await ask('Three', 'Answer three.');
    assert.deepEqual(await shownMessages(), ['One', 'Answer one.', 'Two', 'Answer two.', 'Three', 'Answer three.']);
  });

  it('says the disk is full or the folder read-only, loses no message, and carries on once writable', async () => {
    const disk = new SmallDisk(threadFolder(threadId));
    try {
      disk.fill();
      const full = await sendFailing('Written to a full disk');
      assert.match(full.notice, /disk .* is full.*Free some space/i);
      // tmpfs gives out space by the page: the message may still fit in the log's last page (then it is in the
      // thread and starting the run failed), or not (then the composer has it back). Either way it is not lost.
      const inThread = (await shownMessages()).includes('Written to a full disk');
      assert.ok(
        inThread !== (full.composer === 'Written to a full disk'),
        `in the thread: ${inThread}, in the composer: "${full.composer}"`,
      );
      await ui.screenshot('storage-disk-full');
      disk.freeUp();

      disk.readOnly(true);
      const readOnly = await sendFailing('Written to a read-only folder');
      assert.match(readOnly.notice, /not writable/i);
      assert.equal(readOnly.composer, 'Written to a read-only folder', 'the message is back in the composer');
      disk.readOnly(false);
      await fakeModel.script({ kind: 'text', text: 'Got it after all.' });
      const before = await ui.evaluate(panel, () => document.getElementById('run-status')?.dataset.runId ?? '');
      await ui.press('Enter');
      await waitForRunStatus(panel, 'Completed', before);
    } finally {
      disk.unmount();
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.openThread', threadId);
    await ui.waitFor(panel, () => [...document.querySelectorAll('.message')].some((m) => m.textContent?.includes('Got it after all.')));
    const shown = await shownMessages();
    assert.deepEqual(shown.slice(-2), ['Written to a read-only folder', 'Got it after all.'], 'sent once the folder was writable again');
    assert.ok(shown.filter((m) => m === 'Written to a full disk').length <= 1, 'never twice');
  });

  it('says a thread deleted on disk while open is gone, and keeps the unsent message', async () => {
    fs.rmSync(threadFolder(threadId), { recursive: true });
    const { notice, composer } = await sendFailing('Into a deleted thread');
    assert.match(notice, /does not exist/i);
    assert.equal(composer, 'Into a deleted thread');
    await ui.screenshot('storage-thread-deleted');
  });
});
