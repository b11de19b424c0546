import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from './driver';
import { fakeModel } from './fakeModel';
import { ACTIVE_RUN_KEY } from '../../src/core/runs/runRecovery';
import { sendFromComposer, useFakeModel, waitForRunStatus, waitUntilShows } from './helpers';

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

/** The texts of the messages the panel shows, oldest first (read in the webview). */
const messageTexts = () => [...document.querySelectorAll('.message .message-body')].map((m) => m.textContent?.trim() ?? '');
/** What the error notice says ('' when none shows). The Restricted Mode banner is a `.notice` too, hence the :not. */
const errorNotice = () => document.querySelector('.notice.error:not(.restricted-mode):not([hidden]) .notice-text')?.textContent ?? '';
/** What the composer holds. */
const composerText = () => (document.querySelector('vscode-textarea#input') as HTMLTextAreaElement | null)?.value ?? '';

function shownMessages(): Promise<string[]> {
  return ui.evaluate(panel, messageTexts);
}

async function ask(question: string, answer: string): Promise<void> {
  await fakeModel.script({ kind: 'text', text: answer });
  await waitForRunStatus(panel, 'Completed', await sendFromComposer(panel, question));
}

/**
 * Sends `text` and waits until the error notice says `reason`; returns the notice. An earlier notice stays on screen
 * until another replaces it, so it is cleared first, and the wait is for this fault's own words: on a busy machine
 * the host answers after the test's first look, and the earlier notice (or none) is still showing then.
 */
async function sendFailing(text: string, reason: RegExp): Promise<string> {
  await ui.evaluate(panel, () => {
    const notice = document.querySelector<HTMLElement>('.notice:not(.restricted-mode)');
    notice?.replaceChildren();
    if (notice) notice.hidden = true;
  });
  await sendFromComposer(panel, text);
  return waitUntilShows(panel, errorNotice, reason);
}

/** Whether `folder` is a mount point in this process's mount namespace (the extension host's, where the store runs). */
function isMountPoint(folder: string): boolean {
  const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .some((line) => unescape(line.split(' ')[1] ?? '') === folder);
}

/** Resolves once `check` holds, polling the file system (which has no event for "the store is done writing"). */
async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Resolves once the store is done with a thread's folder: no lock held and no run marked active (a run's last write,
 * clearing that mark, comes after the UI shows the run completed). Only then may a test touch the files.
 */
function storeDoneWith(folder: string): Promise<void> {
  const lock = path.join(folder, 'messages.jsonl.lock');
  const meta = path.join(folder, 'thread.json');
  const runMarked = () => {
    try {
      return ACTIVE_RUN_KEY in (JSON.parse(fs.readFileSync(meta, 'utf8')) as { metadata: object }).metadata;
    } catch {
      return true; // unreadable for now: not done
    }
  };
  return until(() => !fs.existsSync(lock) && !runMarked(), `the store to finish with ${folder}`);
}

/**
 * A small tmpfs mounted over a thread's folder with the thread's files in it: it can be filled up (ENOSPC) or
 * remounted read-only (EROFS, which stops root too, unlike chmod). `restore` puts the files back where they were
 * and checks that the mount is gone; every disk still mounted is restored after each test, whatever happened.
 */
class SmallDisk {
  static readonly mounted = new Set<SmallDisk>();
  private readonly saved = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-threads-disk-'));
  private readonly filler: string;

  constructor(private readonly folder: string) {
    fs.cpSync(folder, this.saved, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', folder], { stdio: 'pipe' });
    } catch (error) {
      fs.rmSync(this.saved, { recursive: true, force: true });
      throw new Error(`This test needs to mount a tmpfs (root with CAP_SYS_ADMIN, as on the project's CI machines): ${String(error)}`, {
        cause: error,
      });
    }
    SmallDisk.mounted.add(this);
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
    execFileSync('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, this.folder], { stdio: 'pipe' });
  }

  /** Once the store is done with the thread, copies the files out, unmounts and puts them back; then checks. */
  async restore(): Promise<void> {
    if (!SmallDisk.mounted.has(this)) return;
    const notQuiet = await storeDoneWith(this.folder).then(
      () => undefined,
      (error: unknown) => error,
    );
    this.readOnly(false);
    this.freeUp();
    fs.rmSync(this.saved, { recursive: true, force: true });
    fs.cpSync(this.folder, this.saved, { recursive: true });
    try {
      execFileSync('umount', [this.folder], { stdio: 'pipe' });
    } catch {
      // Busy: something still has a file open in it (only when the store never went quiet). Detach it anyway.
      execFileSync('umount', ['-l', this.folder], { stdio: 'pipe' });
    }
    assert.ok(!isMountPoint(this.folder), `${this.folder} is still a mount point`);
    SmallDisk.mounted.delete(this);
    fs.rmSync(this.folder, { recursive: true, force: true });
    fs.cpSync(this.saved, this.folder, { recursive: true });
    fs.rmSync(this.saved, { recursive: true, force: true });
    if (notQuiet) throw notQuiet;
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

  afterEach(async () => {
    for (const disk of SmallDisk.mounted) await disk.restore();
  });
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('opens a log with a garbage line and a torn end by hand, showing every readable message, and writes on', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await storeDoneWith(threadFolder(threadId));
    const log = path.join(threadFolder(threadId), 'messages.jsonl');
    const lines = fs.readFileSync(log, 'utf8').split('\n');
    lines.splice(1, 0, '\u0000\u00ff{"t":"message", garbage that is not JSON');
    fs.writeFileSync(log, `${lines.join('\n')}{"t":"message","at":1,"message":{"id":"msg_torn`);
    await vscode.commands.executeCommand('agentThreads.openThread', threadId);
    await waitUntilShows(panel, messageTexts, ['One', 'Answer one.', 'Two', 'Answer two.']);
    await ask('Three', 'Answer three.');
    await waitUntilShows(panel, messageTexts, ['One', 'Answer one.', 'Two', 'Answer two.', 'Three', 'Answer three.']);
  });

  it('says the disk is full or the folder read-only, loses no message, and carries on once writable', async () => {
    const disk = new SmallDisk(threadFolder(threadId));
    try {
      disk.fill();
      await sendFailing('Written to a full disk', /disk .* is full.*Free some space/i);
      // tmpfs gives out space by the page: the message may still fit in the log's last page (then it is in the
      // thread and starting the run failed), or not (then the composer has it back). Either way it is not lost.
      // The host gives the text back before it reports the error, so both are settled once the notice shows.
      const inThread = (await shownMessages()).includes('Written to a full disk');
      const composer = await ui.evaluate(panel, composerText);
      assert.ok(inThread !== (composer === 'Written to a full disk'), `in the thread: ${inThread}, in the composer: "${composer}"`);
      await ui.screenshot('storage-disk-full');
      disk.freeUp();

      disk.readOnly(true);
      await sendFailing('Written to a read-only folder', /not writable/i);
      await waitUntilShows(panel, composerText, 'Written to a read-only folder');
      disk.readOnly(false);
      await fakeModel.script({ kind: 'text', text: 'Got it after all.' });
      const before = await ui.evaluate(panel, () => document.getElementById('run-status')?.dataset.runId ?? '');
      await ui.press('Enter');
      await waitForRunStatus(panel, 'Completed', before);
    } finally {
      await disk.restore();
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('agentThreads.openThread', threadId);
    await ui.waitFor(panel, () => [...document.querySelectorAll('.message')].some((m) => m.textContent?.includes('Got it after all.')));
    const shown = await shownMessages();
    assert.deepEqual(shown.slice(-2), ['Written to a read-only folder', 'Got it after all.'], 'sent once the folder was writable again');
    assert.ok(shown.filter((m) => m === 'Written to a full disk').length <= 1, 'never twice');
  });

  it('says a thread deleted on disk while open is gone, and keeps the unsent message', async () => {
    const folder = threadFolder(threadId);
    await storeDoneWith(folder);
    fs.rmSync(folder, { recursive: true });
    await sendFailing('Into a deleted thread', /does not exist/i);
    await waitUntilShows(panel, composerText, 'Into a deleted thread');
    await ui.screenshot('storage-thread-deleted');
  });
});
