/** Serves the requests of tests running inside VS Code by acting on the browser page that shows the workbench. */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { DriverRequest, DriverResponse, DriverTarget } from '../integration/driverProtocol';

// How long a wait for a condition on screen may take before the test fails. Generous on purpose: a condition that
// comes true ends the wait at once, and on a 2-core machine busy with other work a run's round trip took 20 s.
const DEFAULT_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 16;

export class BrowserDriver {
  private server: http.Server | undefined;

  constructor(
    private readonly page: () => Page | undefined,
    private readonly screenshotDir: string,
    /** The code-server process, whose descendants alone may be killed on request. */
    private readonly serverPid: () => number | undefined = () => undefined,
    /** Opens a second page on the workbench (on the tests' folder, or a workspace file) with the extension but without the tests. */
    private readonly openWindow?: (workspaceFile?: string) => Promise<Page>,
  ) {}

  private secondWindow: Page | undefined;
  /** What the second window shows: undefined for the tests' folder, else a workspace file. */
  private secondWorkspace: string | undefined;
  /**
   * The extension hosts that ran before the second window last (re)loaded: the one that appears after it is its own.
   * (Hosts of closed windows live on in code-server for a while, so "the host that is not the tests'" is not enough.)
   */
  private hostsBeforeSecondWindow = new Set<number>();

  async close(): Promise<void> {
    await this.secondWindow?.close().catch(() => undefined);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Starts the control server on loopback and returns its URL. */
  async listen(): Promise<string> {
    this.server = http.createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let response: DriverResponse;
    try {
      const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as DriverRequest;
      response = { ok: true, value: await this.handle(request) };
    } catch (error) {
      response = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(response));
  }

  private async handle(request: DriverRequest): Promise<unknown> {
    if (request.op === 'openSecondWindow') {
      if (!this.openWindow) throw new Error('This runner cannot open a second window.');
      if (this.secondWindow && this.secondWorkspace !== request.workspaceFile) await this.closeSecondWindow();
      this.hostsBeforeSecondWindow = new Set(this.extensionHosts());
      if (this.secondWindow) await this.secondWindow.reload();
      else this.secondWindow = await this.openWindow(request.workspaceFile);
      this.secondWorkspace = request.workspaceFile;
      await this.secondWindow.waitForSelector('.monaco-workbench .part.activitybar', { timeout: DEFAULT_TIMEOUT_MS * 2 });
      return undefined;
    }
    if (request.op === 'closeSecondWindow') {
      await this.closeSecondWindow();
      return undefined;
    }
    const page = request.window === 'second' ? this.secondWindow : this.page();
    if (!page)
      throw new Error(
        request.window === 'second' ? 'Open the second window first (ui.openSecondWindow).' : 'The browser page is not open yet.',
      );
    switch (request.op) {
      case 'screenshot': {
        fs.mkdirSync(this.screenshotDir, { recursive: true });
        const file = path.join(this.screenshotDir, `${request.name.replace(/[^\w.-]+/g, '-')}.png`);
        await page.screenshot({ path: file });
        return file;
      }
      case 'evaluate': {
        const deadline = Date.now() + (request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        for (;;) {
          const frame = await this.findFrame(page, request.target, deadline);
          try {
            // Not frame.waitForFunction: it compiles the predicate with eval, which our webviews' CSP forbids.
            const value: unknown = await frame.evaluate(request.expression);
            if (!request.waitForTruthy || value) return value;
            if (Date.now() >= deadline)
              throw new Error(`Timed out after ${request.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms waiting for ${request.expression}`);
            await frame.waitForTimeout(POLL_INTERVAL_MS);
          } catch (error) {
            // A webview can be reloaded while we wait (its frame is detached): look it up again until the deadline.
            if (Date.now() >= deadline || !/detached|destroyed|navigat|context was/i.test(String(error))) throw error;
          }
        }
      }
      case 'click': {
        const deadline = Date.now() + (request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        const frame = await this.findFrame(page, request.target, deadline);
        await frame
          .locator(request.selector)
          .first()
          .click({ timeout: Math.max(1, deadline - Date.now()), button: request.button ?? 'left' });
        return undefined;
      }
      case 'hover': {
        const deadline = Date.now() + (request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        const frame = await this.findFrame(page, request.target, deadline);
        await frame
          .locator(request.selector)
          .first()
          .hover({ timeout: Math.max(1, deadline - Date.now()) });
        return undefined;
      }
      case 'fill': {
        const deadline = Date.now() + (request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        const frame = await this.findFrame(page, request.target, deadline);
        const locator = frame.locator(request.selector).first();
        await locator.click({ timeout: Math.max(1, deadline - Date.now()) });
        // Replace what is there, as a person selecting all and typing would.
        await page.keyboard.press('Control+A');
        await page.keyboard.insertText(request.text);
        return undefined;
      }
      case 'press':
        await page.keyboard.press(request.key);
        return undefined;
      case 'drag':
        await page.mouse.move(request.from.x, request.from.y);
        await page.mouse.down();
        // In steps: VS Code's sash follows pointer moves, and one jump may be taken for a click.
        await page.mouse.move(request.to.x, request.to.y, { steps: 8 });
        await page.mouse.up();
        return undefined;
      case 'killExtensionHost': {
        const pid = request.pid ?? (request.window === 'second' ? this.secondWindowHost() : undefined);
        if (pid === undefined) throw new Error("Which extension host? Give its pid, or ask for the second window's.");
        this.killExtensionHost(pid);
        if (!(await exited(pid, 5_000))) throw new Error(`Extension host ${pid} survived SIGKILL.`);
        // The second window stays as the kill left it, for the test to look at what a crash leaves; the test
        // reloads it (openSecondWindow) as a person would.
        if (request.window === 'second') return undefined;
        // The web workbench takes a dead remote host for a lost connection: it tries to reconnect, the server
        // answers "unknown reconnection token", and it asks the person to reload the window. Do what they would.
        await page.reload();
        return undefined;
      }
    }
  }

  private async closeSecondWindow(): Promise<void> {
    await this.secondWindow?.close();
    this.secondWindow = undefined;
    this.secondWorkspace = undefined;
  }

  /** The extension hosts this run's code-server started that are still running. */
  private extensionHosts(): number[] {
    const server = this.serverPid();
    if (server === undefined) return [];
    return fs
      .readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((pid) => readProc(pid, 'cmdline').includes('--type=extensionHost') && descendsFrom(pid, server));
  }

  /** The second window's extension host: the one host that started since that window (re)loaded. */
  private secondWindowHost(): number {
    if (!this.secondWindow) throw new Error('Open the second window first (ui.openSecondWindow).');
    const started = this.extensionHosts().filter((pid) => !this.hostsBeforeSecondWindow.has(pid));
    if (started.length !== 1)
      throw new Error(`Expected one extension host started with the second window, found ${started.length}: ${started.join(', ')}`);
    return started[0];
  }

  /** SIGKILLs a pid only if it is an extension host started by this run's code-server. */
  private killExtensionHost(pid: number): void {
    const cmdline = readProc(pid, 'cmdline').split('\0').join(' ');
    if (!cmdline.includes('--type=extensionHost')) throw new Error(`Process ${pid} is not an extension host: ${cmdline || '(gone)'}`);
    const server = this.serverPid();
    if (server === undefined || !descendsFrom(pid, server))
      throw new Error(`Extension host ${pid} does not belong to this run's code-server (${server}).`);
    process.kill(pid, 'SIGKILL');
  }

  /**
   * What the page showed when a webview was not found, for the error: a screenshot, and each frame of that kind of
   * webview with its size (a webview laid out at 0×0 and one never loaded read differently).
   */
  private async describeWebviews(page: Page, view: string): Promise<string> {
    fs.mkdirSync(this.screenshotDir, { recursive: true });
    const file = path.join(this.screenshotDir, `no-${view}-webview-${Date.now()}.png`);
    await page.screenshot({ path: file }).catch(() => undefined);
    const frames: string[] = [];
    const hosts: string[] = [];
    for (const frame of page.frames()) {
      const kind = await frame.evaluate(() => document.body?.dataset.agentThreadsView ?? '').catch(() => '(unreadable)');
      // VS Code's own webview host frame: a webview that never loaded shows its error here, not in our document.
      if (!kind && frame.url().includes('/webview/')) {
        const shown = await frame.evaluate(() => document.body?.innerText.trim().slice(0, 200) ?? '').catch(() => '(unreadable)');
        hosts.push(`${frame.isDetached() ? 'detached' : 'attached'}${shown ? ` showing "${shown}"` : ''}`);
      }
      if (!kind) continue;
      const box = await (await frame.frameElement().catch(() => undefined))?.boundingBox().catch(() => null);
      frames.push(
        `${kind} ${box ? `${Math.round(box.width)}×${Math.round(box.height)} at ${Math.round(box.x)},${Math.round(box.y)}` : 'no box'}`,
      );
    }
    const tabs = await page
      .evaluate(() => [...document.querySelectorAll('.tabs-container .tab')].map((tab) => tab.textContent?.trim() ?? '').join(' | '))
      .catch(() => '(unreadable)');
    const active = await page
      .evaluate(() => document.querySelector('.tabs-container .tab.active')?.textContent?.trim() ?? 'none')
      .catch(() => '(unreadable)');
    return `Webviews on the page: ${frames.join('; ') || 'none'}. Webview hosts: ${hosts.join('; ') || 'none'}. Editor tabs: ${tabs || 'none'} (active: ${active}). Screenshot: ${file}`;
  }

  /** Finds the workbench frame or the content document of one of our webviews (two frames below the page). */
  private async findFrame(page: Page, target: DriverTarget, deadline: number): Promise<Frame> {
    if (target === 'workbench') return page.mainFrame();
    for (;;) {
      for (const frame of page.frames()) {
        const matches = await frame
          .evaluate(
            ([view, title]) => document.body?.dataset.agentThreadsView === view && (title === undefined || document.title === title),
            [target.webview, target.title] as const,
          )
          .catch(() => false);
        // Closed or hidden webviews can linger as frames: only a frame a person could see counts.
        if (matches && (await isVisible(frame))) return frame;
      }
      if (Date.now() >= deadline) {
        const seen = await this.describeWebviews(page, target.webview);
        throw new Error(`No ${target.webview} webview${target.title ? ` titled "${target.title}"` : ''} is open. ${seen}`);
      }
      await page.waitForEvent('framenavigated', { timeout: Math.max(1, Math.min(1000, deadline - Date.now())) }).catch(() => undefined);
    }
  }
}

function readProc(pid: number, file: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/** The parent of a process, from /proc/<pid>/stat (the field after the parenthesised command name). */
function parentPid(pid: number): number {
  const stat = readProc(pid, 'stat');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? 0) || 1;
}

/** Whether `ancestor` started `pid`, directly or through its children. */
function descendsFrom(pid: number, ancestor: number): boolean {
  let current = pid;
  while (current > 1 && current !== ancestor) current = parentPid(current);
  return current === ancestor;
}

/** Polls until the process is gone (or a zombie), up to a deadline. */
async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stat = readProc(pid, 'stat');
    if (!stat || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether a frame's iframe element has a size on screen (VS Code hides inactive webviews rather than removing them). */
async function isVisible(frame: Frame): Promise<boolean> {
  const element = await frame.frameElement().catch(() => undefined);
  const box = await element?.boundingBox().catch(() => null);
  return box !== null && box !== undefined && box.width > 0 && box.height > 0;
}
