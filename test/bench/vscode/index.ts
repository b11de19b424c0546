/**
 * Benchmarks that need a real VS Code, run inside its extension host (started by vscode.bench.ts):
 * - activation time of Agent Threads against VS Code's own References view extension in the same host, with a
 *   1,000,000-message store, and the longest task in the extension host during the 10 s after it;
 * - opening a thread panel on a 100,000-message thread against a 10-message one, and how many messages each puts
 *   in the DOM (the panel pages and windows, so both should be alike).
 * Figures are written as JSON for the bench runner to print.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { writeThreadExport } from '../../fixtures/threadExport';
import { ui } from '../../integration/driver';
import { fakeModel, fakeModelUrl } from '../../integration/fakeModel';
import { codeCacheFiles, codeCacheUse, eventually } from '../../integration/helpers';
import { LOOP_RESOLUTION_MS, longestTaskMs } from '../harness';

/**
 * Puts the prepared 1,000,000-message store where the extension will look for it: its folder in this workspace's
 * storage, found under code-server's user data (the workbench creates the workspace's folder at start-up).
 */
const OURS = 'agent-threads.agent-threads';

function installMillionMessageStore(): void {
  const source = process.env.AGENT_THREADS_BENCH_STORE;
  const userData = process.env.AGENT_THREADS_TEST_USER_DATA;
  if (!source || !userData) throw new Error('AGENT_THREADS_BENCH_STORE and AGENT_THREADS_TEST_USER_DATA must be set');
  const storage = path.join(userData, 'User', 'workspaceStorage');
  const workspaces = fs.readdirSync(storage).filter((name) => fs.statSync(path.join(storage, name)).isDirectory());
  // A later start of a profile (a warm start, see vscode.bench.ts) has the store from its first start.
  if (workspaces.some((name) => fs.existsSync(path.join(storage, name, OURS)))) return;
  if (workspaces.length !== 1) throw new Error(`expected one workspace folder in ${storage}, found ${workspaces.join(', ') || 'none'}`);
  execFileSync('cp', ['-r', source, path.join(storage, workspaces[0], OURS)]);
}

/**
 * With AGENT_THREADS_BENCH_CPU_PROFILE set to a file path, records a CPU profile of the extension host from before
 * activation to the end of the bench (open it in Chrome DevTools or VS Code), to see what a long task was. Resolves,
 * once the profiler runs (so that loading the extension's module is in it), to the function that stops and writes it.
 */
async function profileExtensionHost(): Promise<() => Promise<void>> {
  const file = process.env.AGENT_THREADS_BENCH_CPU_PROFILE;
  if (!file) return () => Promise.resolve();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/**
 * The longest task the extension host ran in the `ms` after activation, from an event-loop delay monitor (its timer
 * fires every LOOP_RESOLUTION_MS; a late firing is a task that held the loop). The Agent Threads view is shown
 * first, so the window covers what a person opening it sees happen: the tree listing the store's threads.
 */
async function longestTaskAfterActivation(ms: number): Promise<number> {
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  await vscode.commands.executeCommand('workbench.view.extension.agentThreads');
  // A measurement window, not a wait for a condition: whatever runs in it is what is measured.
  await new Promise((resolve) => setTimeout(resolve, ms));
  loop.disable();
  return longestTaskMs(loop);
}

/**
 * The two phases of an activation, from the marks VS Code's extension host sets (its `MonacoPerformanceMarks`, see
 * vs/base/common/performance): loading the main module (require: parse and top-level evaluation), and calling
 * activate() until what it returns resolves. NaN when a release does not set them.
 */
function activationPhases(id: string): { loadMs: number; loadBundleMs: number; activateMs: number } {
  const marks =
    (globalThis as { MonacoPerformanceMarks?: { getMarks(): { name: string; startTime: number }[] } }).MonacoPerformanceMarks?.getMarks() ??
    [];
  const at = (step: string) => marks.find((mark) => mark.name === `code/extHost/${step}/${id}`)?.startTime ?? NaN;
  // src/main.ts marks loading dist/agentThreads.js (through the code cache), the part of activate() before its own.
  const ours = (name: string) => performance.getEntriesByName(`agent-threads/${name}`)[0]?.startTime ?? NaN;
  return {
    loadMs: at('didLoadExtensionCode') - at('willLoadExtensionCode'),
    loadBundleMs: ours('didLoadBundle') - ours('willLoadBundle'),
    activateMs: at('didActivateExtension') - at('willActivateExtension'),
  };
}

/**
 * Waits until the workbench has finished starting: every other extension that activates at start-up (`*`,
 * `onStartupFinished`: git, merge conflicts…) is active, and then the extension host has no child process and no file
 * operation in flight, five checks in a row (VS Code's port finder scans /proc and runs `ls` and `ps` once at start
 * whatever the settings; git runs git). Otherwise their start-up work lands in whichever activation is measured.
 */
async function untilStartupFinished(): Promise<void> {
  const atStartup = vscode.extensions.all.filter((extension) => {
    const events = (extension.packageJSON as { activationEvents?: string[] }).activationEvents ?? [];
    return extension.id !== OURS && events.some((event) => event === '*' || event === 'onStartupFinished');
  });
  const busy = () =>
    atStartup.some((extension) => !extension.isActive) ||
    process.getActiveResourcesInfo().some((resource) => resource === 'ProcessWrap' || resource.startsWith('FSReq'));
  const deadline = Date.now() + 30_000;
  for (let quietChecks = 0; quietChecks < 5 && Date.now() < deadline;) {
    quietChecks = busy() ? 0 : quietChecks + 1;
    await new Promise((resolve) => setTimeout(resolve, 20)); // the interval between checks, not a wait for a condition
  }
}

async function timeActivation(id: string): Promise<number> {
  const extension = vscode.extensions.getExtension(id);
  if (!extension) throw new Error(`${id} is not installed`);
  if (extension.isActive) throw new Error(`${id} was already active: the measurement would be meaningless`);
  const start = performance.now();
  await extension.activate();
  return performance.now() - start;
}

/** A thread export with `count` alternating user/assistant messages, written to a temp file. */
function threadExportFile(count: number): vscode.Uri {
  const texts = Array.from({ length: count }, (_, i) => `Message ${i}: ${'lorem ipsum dolor sit amet '.repeat(3)}`);
  return vscode.Uri.file(writeThreadExport({ tag: `bench${count}x`, texts, title: `${count} messages` }));
}

/** Opens a thread panel and waits until its newest message is on screen; returns ms and the DOM message count. */
async function timePanelOpen(threadId: string, newestText: string): Promise<{ ms: number; inDom: number }> {
  const start = performance.now();
  await vscode.commands.executeCommand('agentThreads.openThread', threadId);
  const inDom = await ui.waitFor(
    { webview: 'thread' },
    new Function(
      `const m = [...document.querySelectorAll('.message')]; return m.length > 0 && m[m.length - 1].textContent.includes(${JSON.stringify(newestText)}) ? m.length : 0;`,
    ) as () => number,
    60_000,
  );
  const ms = performance.now() - start;
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  return { ms, inDom };
}

const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)];

/**
 * Scrolls a thread panel from its newest message back to its first, as a reader flinging the scrollbar up would
 * (1,500 pixels a frame; older pages load as the top comes near), and measures inside the webview: the time between
 * animation frames while scrolling, against the same webview's idle frames as the baseline; the most messages in
 * the DOM at once; and the JS heap at the end.
 */
async function scrollThroughHistory(threadId: string, newestText: string, oldestText: string, stopAt?: number) {
  await vscode.commands.executeCommand('agentThreads.openThread', threadId);
  const panel = { webview: 'thread' as const };
  await ui.waitFor(
    panel,
    new Function(
      `return document.querySelector('.message:last-child')?.textContent.includes(${JSON.stringify(newestText)});`,
    ) as () => boolean,
    60_000,
  );
  await ui.evaluate(
    panel,
    new Function(
      `
    const oldestText = ${JSON.stringify(oldestText)};
    const partial = ${JSON.stringify(stopAt ?? 0)};
    const scroller = document.getElementById('messages');
    const frames = (ms) => new Promise((resolve) => {
      const deltas = []; let last = performance.now(); const end = last + ms;
      const tick = (now) => { deltas.push(now - last); last = now; if (now < end) requestAnimationFrame(tick); else resolve(deltas); };
      requestAnimationFrame(tick);
    });
    window.__scroll = { done: false };
    (async () => {
      const idle = await frames(2000);
      const deltas = []; let maxInDom = 0; let last = performance.now(); const start = last;
      await new Promise((resolve, reject) => {
        const tick = (now) => {
          deltas.push(now - last); last = now;
          maxInDom = Math.max(maxInDom, scroller.querySelectorAll('.message').length);
          const first = scroller.querySelector('.message')?.textContent ?? '';
          if (partial ? Number(/Message (\\d+):/.exec(first)?.[1] ?? Infinity) <= partial : first.includes(oldestText) && scroller.scrollTop === 0) return resolve();
          if (now - start > 540000) return reject(new Error('the top was not reached in 9 minutes; the oldest message on screen: ' + scroller.querySelector('.message')?.textContent.slice(0, 60)));
          scroller.scrollTop -= 1500;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }).catch((error) => { window.__scroll.error = String(error); });
      window.__scroll = { done: true, error: window.__scroll.error, idle, deltas, maxInDom, ms: performance.now() - start,
        heapMb: (performance.memory?.usedJSHeapSize ?? NaN) / 1048576 };
    })();
  `,
    ) as () => void,
  );
  const result = (await ui.waitFor(
    panel,
    () => {
      const state = (window as unknown as { __scroll?: { done: boolean } }).__scroll;
      return state?.done ? state : undefined;
    },
    600_000,
  )) as unknown as { error?: string; idle: number[]; deltas: number[]; maxInDom: number; ms: number; heapMb: number };
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  if (result.error) throw new Error(`scrolling through the history: ${result.error}`);
  const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)];
  return {
    frameP95Ms: p95(result.deltas),
    idleFrameP95Ms: p95(result.idle),
    maxInDom: result.maxInDom,
    ms: result.ms,
    heapMb: result.heapMb,
  };
}

/**
 * Time from pressing Enter in the composer to the first token of the answer on screen, measured inside the webview
 * (both timestamps from its own clock), through the real host, engine, HTTP client and fake model server.
 */
async function timeSendToFirstToken(
  samples: number,
): Promise<{ sendToFirstToken: number[]; overFirstByte: number[]; deltaOverFirstByte: number[] }> {
  await vscode.workspace
    .getConfiguration('agentThreads')
    .update(
      'models',
      [{ id: 'fake', provider: 'openai-compatible', baseUrl: fakeModelUrl(), model: 'fake-model', contextWindow: 16000 }],
      vscode.ConfigurationTarget.Global,
    );
  const agent = (await vscode.commands.executeCommand('agentThreads.createAgent', {
    name: 'Bench',
    model: { profile: 'fake', name: 'fake-model' },
    instructions: 'Answer.',
  })) as { id: string };
  await vscode.commands.executeCommand('agentThreads.newThread', agent.id);
  const panel = { webview: 'thread' as const };
  await ui.waitFor(panel, () => document.getElementById('connection')?.dataset.state === 'connected');
  const times: number[] = [];
  const overFirstByte: number[] = [];
  const deltaOverFirstByte: number[] = [];
  for (let i = 0; i < samples; i++) {
    await fakeModel.script({ kind: 'text', text: `Answer number ${i} arrives now.` });
    await ui.evaluate(panel, () => {
      const w = window as unknown as {
        sentAt?: number;
        firstTokenAt?: number;
        firstTokenWallClock?: number;
        firstDeltaArrivedAt?: number;
        known?: number;
      };
      w.sentAt = undefined;
      w.firstTokenAt = undefined;
      w.firstTokenWallClock = undefined;
      w.firstDeltaArrivedAt = undefined;
      // When the host's first piece of answer text reached the webview, to tell the host's share from the webview's.
      window.addEventListener(
        'message',
        (event: MessageEvent<{ type?: string }>) => {
          if (event.data?.type === 'messageDelta') w.firstDeltaArrivedAt ??= Date.now();
        },
        { capture: true },
      );
      w.known = document.querySelectorAll('.message.assistant').length;
      document.addEventListener(
        'keydown',
        (e) => {
          if (e.key === 'Enter' && w.sentAt === undefined) w.sentAt = performance.now();
        },
        { capture: true },
      );
      const observer = new MutationObserver(() => {
        const answers = document.querySelectorAll('.message.assistant');
        if (answers.length > (w.known ?? 0) && answers[answers.length - 1].querySelector('.message-body')?.textContent?.trim()) {
          w.firstTokenAt = performance.now();
          w.firstTokenWallClock = Date.now();
          observer.disconnect();
        }
      });
      observer.observe(document.getElementById('messages')!, { childList: true, subtree: true, characterData: true });
    });
    await ui.fill(panel, 'vscode-textarea#input', `Question ${i}`);
    await ui.press('Enter');
    const elapsed = await ui
      .waitFor(panel, () => {
        const w = window as unknown as { sentAt?: number; firstTokenAt?: number };
        return w.firstTokenAt !== undefined && w.sentAt !== undefined ? w.firstTokenAt - w.sentAt : undefined;
      })
      .catch(async (error: unknown) => {
        await ui.screenshot('bench-first-token-failed');
        const state = await ui.evaluate(panel, () =>
          JSON.stringify({
            sentAt: (window as unknown as { sentAt?: number }).sentAt,
            firstTokenAt: (window as unknown as { firstTokenAt?: number }).firstTokenAt,
            html: document.getElementById('messages')?.innerText.slice(-500),
          }),
        );
        throw new Error(`${String(error)}\nwebview state: ${state}`);
      });
    times.push(elapsed);
    // The fake model server and the webview run on this machine, so their wall clocks agree to the millisecond:
    // what the product adds between the first answer byte leaving the server and it being on screen.
    const { onScreenAt, deltaArrivedAt } = await ui.evaluate(panel, () => {
      const w = window as unknown as { firstTokenWallClock?: number; firstDeltaArrivedAt?: number };
      return { onScreenAt: w.firstTokenWallClock, deltaArrivedAt: w.firstDeltaArrivedAt };
    });
    const firstContentAt = (await fakeModel.requests()).at(-1)?.firstContentAt;
    if (onScreenAt === undefined || firstContentAt === undefined) throw new Error('no first-byte or on-screen time was recorded');
    overFirstByte.push(onScreenAt - firstContentAt);
    if (deltaArrivedAt !== undefined) deltaOverFirstByte.push(deltaArrivedAt - firstContentAt);
    await ui.waitFor(panel, () => document.getElementById('run-status')?.textContent === 'Completed');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  return { sendToFirstToken: sorted(times), overFirstByte: sorted(overFirstByte), deltaOverFirstByte: sorted(deltaOverFirstByte) };
}

/**
 * The parts to measure, from AGENT_THREADS_BENCH_PARTS (comma-separated: activation, open, scroll, firstToken; all
 * when unset), so a change to one path can be measured without the minutes the whole history scroll takes. The two
 * activations are always timed: `activation-only` (no part's name) times them and nothing else.
 */
function wanted(part: 'activation' | 'open' | 'scroll' | 'firstToken'): boolean {
  const parts = process.env.AGENT_THREADS_BENCH_PARTS;
  return !parts || parts.split(',').some((p) => p.trim() === part);
}

export async function run(): Promise<void> {
  const out = process.env.AGENT_THREADS_BENCH_OUT;
  if (!out) throw new Error('AGENT_THREADS_BENCH_OUT is not set');
  await untilStartupFinished();
  // The baseline goes first so that any one-off cost of the first activation in a host falls on it, not on us.
  const baseline = await timeActivation('vscode.references-view');
  installMillionMessageStore();
  await untilStartupFinished(); // the copy's file events reach the host too
  const stopProfile = await profileExtensionHost();
  const cachedAtStart = codeCacheFiles().length > 0;
  const ours = await timeActivation(OURS);
  const figures: Record<string, number> = { activationMs: ours, baselineActivationMs: baseline, codeCacheAtStart: Number(cachedAtStart) };
  const phases = activationPhases('agent-threads.agent-threads');
  if (codeCacheUse() !== (cachedAtStart ? 'used' : 'none'))
    throw new Error(
      `a start ${cachedAtStart ? 'with' : 'without'} a code cache loaded the bundle with code cache '${String(codeCacheUse())}'`,
    );
  figures.codeLoadingMs = phases.loadMs;
  figures.bundleLoadingMs = phases.loadBundleMs;
  figures.activateCallMs = phases.activateMs;
  if (wanted('activation')) figures.longestTaskMs = await longestTaskAfterActivation(10_000);

  const counts = [...(wanted('open') ? [10] : []), ...(wanted('open') || wanted('scroll') ? [100_000] : [])];
  for (const count of counts) {
    const importStart = performance.now();
    const thread = (await vscode.commands.executeCommand('agentThreads.importThread', threadExportFile(count))) as
      { id: string } | undefined;
    if (!thread) throw new Error(`importing the ${count}-message thread failed; see the Agent Threads log`);
    figures[`import${count}Ms`] = performance.now() - importStart;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Median of three opens, each a fresh panel (the store and the panel read the newest page only).
    if (wanted('open')) {
      const opens = [];
      for (let i = 0; i < 3; i++) opens.push(await timePanelOpen(thread.id, `Message ${count - 1}:`));
      opens.sort((a, b) => a.ms - b.ms);
      figures[`open${count}Ms`] = opens[1].ms;
      figures[`open${count}InDom`] = opens[1].inDom;
    }
    if (count === 100_000 && wanted('scroll')) {
      // AGENT_THREADS_BENCH_SCROLL_MESSAGES=n scrolls back through the newest n messages only (quicker, to iterate).
      const only = Number(process.env.AGENT_THREADS_BENCH_SCROLL_MESSAGES) || undefined;
      const scroll = await scrollThroughHistory(thread.id, `Message ${count - 1}:`, 'Message 0:', only ? count - only : undefined);
      figures.scrollFrameP95Ms = scroll.frameP95Ms;
      figures.idleFrameP95Ms = scroll.idleFrameP95Ms;
      figures.scrollMaxInDom = scroll.maxInDom;
      figures.scrollWholeHistoryMs = scroll.ms;
      figures.scrollHeapMb = scroll.heapMb;
    }
  }
  if (wanted('firstToken')) {
    const firstToken = await timeSendToFirstToken(7);
    figures.sendToFirstTokenMs = median(firstToken.sendToFirstToken);
    figures.firstTokenOverFirstByteMs = median(firstToken.overFirstByte);
    figures.firstDeltaInWebviewOverFirstByteMs = median(firstToken.deltaOverFirstByte);
  }
  await stopProfile();
  // So that the next start of this profile (a warm start) finds it.
  if (!cachedAtStart) await eventually(codeCacheFiles, (files) => files.length > 0, 'the code cache saved after start-up', 30_000);
  fs.writeFileSync(out, JSON.stringify(figures));
}
