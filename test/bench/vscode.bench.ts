import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../runner/codeServer';
import { MINIMUM_VSCODE } from '../runner/installCodeServer';
import { runSuiteInRealVSCode } from '../runner/runIntegrationTests';
import type { Bench, BenchFigure } from './harness';
import { millionMessageStore } from './millionMessageStore';

/**
 * Figures that need a real VS Code: bundle sizes, activation time and the longest task after it with a 1,000,000-message
 * store, opening a 100,000-message thread in a panel.
 */
/**
 * Runs the in-VS-Code part of the bench (test/bench/vscode/index.ts) in a fresh code-server, on a fresh profile or a
 * later start of `profileDir`; its figures by name.
 */
async function runInVSCode(parts: string, profileDir?: string): Promise<Record<string, number>> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agent-threads-bench-')), 'vscode.json');
  const code = await runSuiteInRealVSCode({
    testsIndex: path.join(REPO_ROOT, 'out', 'test', 'bench', 'vscode', 'index'),
    env: {
      AGENT_THREADS_BENCH_OUT: out,
      AGENT_THREADS_BENCH_STORE: await millionMessageStore(),
      AGENT_THREADS_BENCH_PARTS: parts,
      AGENT_THREADS_BENCH_CPU_PROFILE: process.env.AGENT_THREADS_BENCH_CPU_PROFILE ?? '',
      AGENT_THREADS_BENCH_SCROLL_MESSAGES: process.env.AGENT_THREADS_BENCH_SCROLL_MESSAGES ?? '',
    },
    release: MINIMUM_VSCODE,
    profileDir,
    // VS Code's own port detection lists /proc and spawns `ls` and `ps` every few seconds in the extension host, a
    // task of 60–200 ms each time that is no part of Agent Threads: off, so the longest task and the activations
    // measured are ours and the baseline's. `autoForwardPorts: false` alone leaves it on in code-server, which has a
    // tunnel provider; the process source is what turns the scan off.
    userSettings: { 'remote.autoForwardPorts': false, 'remote.autoForwardPortsSource': 'output' },
  });
  if (code !== 0) throw new Error(`the in-VS-Code bench exited with ${code}`);
  return JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, number>;
}

export const vscodeBench: Bench = {
  name: 'vscode',
  async run(benchReport) {
    // Figures of parts left out by AGENT_THREADS_BENCH_PARTS (see vscode/index.ts) are missing, and so not reported.
    const report = { add: (figure: BenchFigure) => Number.isFinite(figure.value) && benchReport.add(figure) };
    const bundle = fs.statSync(path.join(REPO_ROOT, 'dist', 'agentThreads.js')).size;
    report.add({ metric: 'extension bundle (dist/agentThreads.js)', value: bundle / 1024, unit: 'KiB' });
    // Loaded lazily: the Foundry backends with their SDKs when a workspace connects, openai on the first model call,
    // yaml on the first agent file, ajv on the first tool call.
    for (const lazy of ['foundry.js', 'openai.js', 'yaml.js', 'ajv.js']) {
      const size = fs.statSync(path.join(REPO_ROOT, 'dist', lazy)).size;
      report.add({ metric: `lazily loaded bundle (dist/${lazy})`, value: size / 1024, unit: 'KiB' });
    }
    const webview = fs.statSync(path.join(REPO_ROOT, 'dist', 'webview', 'app.js')).size;
    report.add({
      metric: 'webview bundle (dist/webview/app.js, minified)',
      value: webview / 1024,
      unit: 'KiB',
      target: '<= 350 KB',
      pass: webview <= 350 * 1000,
    });

    const f = await runInVSCode(process.env.AGENT_THREADS_BENCH_PARTS ?? '');
    // One activation per host (an extension activates once), and the baseline's is a few milliseconds whose noise
    // swings a single ratio by 2×: more hosts measure activation alone, and the median ratio of each kind is the figure.
    // A first start (after an install or update) compiles the bundle; later starts take V8's code from the cache the
    // first one saved (src/codeCache.ts): two fresh profiles, each started four times.
    const ratioOf = (figures: Record<string, number>) => figures.activationMs / figures.baselineActivationMs;
    const firstStarts = [ratioOf(f)];
    const laterStarts: number[] = [];
    let later: Record<string, number> | undefined;
    if (Number.isFinite(firstStarts[0])) {
      for (let profile = 0; profile < 2; profile++) {
        const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-threads-bench-profile-'));
        try {
          for (let start = 0; start < 4; start++) {
            const again = await runInVSCode('activation-only', profileDir);
            if (Boolean(again.codeCacheAtStart) !== start > 0) throw new Error(`start ${start + 1} of a profile found no code cache`);
            if (start === 0) firstStarts.push(ratioOf(again));
            else laterStarts.push(ratioOf(again));
            if (start > 0) later = again;
          }
        } finally {
          fs.rmSync(profileDir, { recursive: true, force: true });
        }
      }
    }
    report.add({ metric: 'activate Agent Threads (first start, real VS Code)', value: f.activationMs, unit: 'ms' });
    // What the activation above is made of (VS Code's marks, to the millisecond, and ours): requiring the loader
    // (dist/extension.js), then its activate(), which loads dist/agentThreads.js and calls the extension's activate().
    const phases = (figures: Record<string, number>) => {
      report.add({ metric: 'of which: load dist/extension.js (require)', value: figures.codeLoadingMs, unit: 'ms' });
      report.add({ metric: 'of which: activate() until it returns', value: figures.activateCallMs, unit: 'ms' });
      report.add({ metric: 'of which, in activate(): load dist/agentThreads.js', value: figures.bundleLoadingMs, unit: 'ms' });
    };
    phases(f);
    report.add({ metric: 'activate vscode.references-view (baseline, same host)', value: f.baselineActivationMs, unit: 'ms' });
    // Absolute times swing with the machine's load; the ratio to a built-in tree-view extension in the same host does not.
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const list = (values: number[]) => values.map((r) => r.toFixed(2)).join(', ');
    report.add({
      metric: `activation ratio ours / baseline, first start (median of ${firstStarts.length} hosts: ${list(firstStarts)})`,
      value: median(firstStarts),
      unit: '×',
    });
    if (later) {
      report.add({ metric: 'activate Agent Threads (later start, code cache)', value: later.activationMs, unit: 'ms' });
      phases(later);
      report.add({ metric: 'activate vscode.references-view (baseline, same host)', value: later.baselineActivationMs, unit: 'ms' });
      const activation = median(laterStarts);
      report.add({
        metric: `activation ratio ours / baseline, later starts (median of ${laterStarts.length} hosts: ${list(laterStarts)})`,
        value: activation,
        unit: '×',
        target: '<= 2',
        pass: activation <= 2,
      });
    }
    report.add({
      metric: 'longest extension-host task, first 10 s after activation (1,000,000-message store)',
      value: f.longestTaskMs,
      unit: 'ms',
      target: '<= 50 ms',
      pass: f.longestTaskMs <= 50,
    });
    report.add({ metric: 'import a 100,000-message thread (JSON file)', value: f.import100000Ms, unit: 'ms' });
    report.add({ metric: 'open panel, newest message on screen: 10 messages', value: f.open10Ms, unit: 'ms' });
    report.add({ metric: 'open panel, newest message on screen: 100,000 messages', value: f.open100000Ms, unit: 'ms' });
    const ratio = f.open100000Ms / f.open10Ms;
    report.add({ metric: 'open ratio 100,000 / 10 messages', value: ratio, unit: '×', target: '<= 1.5', pass: ratio <= 1.5 });
    report.add({
      metric: 'send → first token on screen (webview DOM, median of 7)',
      value: f.sendToFirstTokenMs,
      unit: 'ms',
      target: '< 500 ms',
      pass: f.sendToFirstTokenMs < 500,
    });
    report.add({
      metric: 'first answer text on screen after the model server sent it (median of 7)',
      value: f.firstTokenOverFirstByteMs,
      unit: 'ms',
      target: '<= 50 ms',
      pass: f.firstTokenOverFirstByteMs <= 50,
    });
    report.add({
      metric: 'of which: first answer text reaches the webview after the model server sent it (median of 7)',
      value: f.firstDeltaInWebviewOverFirstByteMs,
      unit: 'ms',
    });
    report.add({ metric: 'scroll a 100,000-message thread from newest to first message', value: f.scrollWholeHistoryMs / 1000, unit: 's' });
    report.add({ metric: 'frame time p95, idle panel (baseline, same webview)', value: f.idleFrameP95Ms, unit: 'ms' });
    report.add({
      metric: 'frame time p95 while scrolling the 100,000-message history',
      value: f.scrollFrameP95Ms,
      unit: 'ms',
      target: '< 20 ms',
      pass: f.scrollFrameP95Ms < 20,
    });
    report.add({
      metric: 'most messages in the DOM while scrolling the whole history',
      value: f.scrollMaxInDom,
      unit: 'elements',
      target: '<= 200',
      pass: f.scrollMaxInDom <= 200,
    });
    report.add({
      metric: 'webview JS heap after scrolling the whole history',
      value: f.scrollHeapMb,
      unit: 'MB',
      target: '< 100 MB',
      pass: f.scrollHeapMb < 100,
    });
    report.add({
      metric: 'messages in the DOM at 100,000 messages',
      value: f.open100000InDom,
      unit: 'elements',
      target: '<= 150',
      pass: f.open100000InDom <= 150,
    });
  },
};
