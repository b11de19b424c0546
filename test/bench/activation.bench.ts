import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../runner/codeServer';
import { runSuiteInRealVSCode } from '../runner/runIntegrationTests';
import type { Bench } from './harness';

/** Activation time of the extension in a real VS Code, and the size of what it loads. */
export const activationBench: Bench = {
  name: 'activation',
  async run(report) {
    const bundle = fs.statSync(path.join(REPO_ROOT, 'dist', 'extension.js')).size;
    report.add({ metric: 'extension bundle (dist/extension.js)', value: bundle / 1024, unit: 'KiB' });
    const webview = fs.statSync(path.join(REPO_ROOT, 'dist', 'webview', 'app.js')).size;
    report.add({ metric: 'webview bundle (dist/webview/app.js)', value: webview / 1024, unit: 'KiB' });

    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agent-threads-bench-')), 'activation.json');
    const code = await runSuiteInRealVSCode({
      testsIndex: path.join(REPO_ROOT, 'out', 'test', 'bench', 'activation', 'index'),
      env: { AGENT_THREADS_BENCH_OUT: out },
    });
    if (code !== 0) throw new Error(`activation bench exited with ${code}`);
    const { ours, baseline } = JSON.parse(fs.readFileSync(out, 'utf8')) as { ours: number; baseline: number };
    report.add({ metric: 'activate Agent Threads (cold, real VS Code)', value: ours, unit: 'ms', target: '< 250 ms', pass: ours < 250 });
    report.add({ metric: 'activate vscode.references-view (baseline, same host)', value: baseline, unit: 'ms' });
    report.add({ metric: 'activation ratio ours / baseline', value: ours / baseline, unit: '×' });
  },
};
