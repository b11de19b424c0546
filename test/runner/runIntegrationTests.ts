/**
 * Runs the integration suites inside a real VS Code, offline: code-server serves VS Code on 127.0.0.1 (the oldest
 * release we support, then the newest; see installCodeServer.ts), Debian's Chromium (driven by playwright-core) opens
 * the workbench with this extension in development mode, and the mocha suite in test/integration runs in the real
 * extension host. Exit code 0 only when every test passed on every release.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DRIVER_URL_ENV, JOURNAL_ENV } from '../integration/driverProtocol';
import { FAKE_MODEL_URL_ENV } from '../integration/fakeModel';
import { readJournal } from '../integration/journal';
import { startFakeModelServer, type FakeModelServer } from '../fixtures/fakeModelServer';
import { BrowserDriver } from './browserDriver';
import { REPO_ROOT, startCodeServer, type CodeServer } from './codeServer';
import { CHROMIUM_PATH, ensureRealVSCode, VSCODE_RELEASES, type VSCodeRelease } from './installCodeServer';

const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
// A safety net against a hung suite, not a speed target: the newest VS Code runs the main suite more slowly (its
// built-in chat and agent host start with it), and a loaded 2-core machine can double any time: at a load average
// of 20 the 1.100 suite ran past 15 minutes with every test passing. Each test has its own timeout for real hangs.
const SUITE_TIMEOUT_MS = 40 * 60_000;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A fresh copy of the sample workspace, so tests may change files without touching the fixture. */
function freshWorkspace(profileDir: string): string {
  const workspace = path.join(profileDir, 'workspace');
  fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspaces', 'sample'), workspace, { recursive: true });
  return workspace;
}

/** The payload that tells the workbench to load the extension in development mode and run the suite. */
export function developmentPayload(port: number, extraTests?: string): string {
  const remote = (absolutePath: string) => `vscode-remote://localhost:${port}${absolutePath}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(REPO_ROOT)]];
  if (extraTests) payload.push(['extensionTestsPath', remote(extraTests)]);
  return encodeURIComponent(JSON.stringify(payload));
}

/**
 * Installs the test extension test/fixtures/extensions/<name> into the profile, as if from a VSIX: its manifest and
 * the code tsc compiled into out/. (Not a second development path: the web workbench keeps its URL payload in a Map,
 * so only one extensionDevelopmentPath survives.)
 */
function installFixtureExtension(profileDir: string, name: string): void {
  const source = path.join(REPO_ROOT, 'test', 'fixtures', 'extensions', name);
  const compiled = path.join(REPO_ROOT, 'out', 'test', 'fixtures', 'extensions', name);
  if (!fs.existsSync(compiled)) throw new Error(`${compiled} is missing: run 'npm run compile' first.`);
  const manifest = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  const target = path.join(profileDir, 'extensions', `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  fs.cpSync(compiled, target, { recursive: true, filter: (file) => !file.endsWith('.map') });
  fs.copyFileSync(path.join(source, 'package.json'), path.join(target, 'package.json'));
}

export interface SuiteOptions {
  /** Compiled test index (without .js) that exports run(). */
  testsIndex: string;
  /** Extra environment for code-server; it reaches the extension host. */
  env?: Record<string, string>;
  /** Whether the workspace folder opens trusted (default) or in Restricted Mode. */
  workspaceTrust?: 'disabled' | 'untrusted';
  /** The VS Code to run in. */
  release: VSCodeRelease;
  /** User settings for the VS Code it starts, on top of the quiet defaults. */
  userSettings?: Record<string, unknown>;
  /**
   * A profile folder (user data, extensions, workspace) to start with and keep, the caller's to remove: a second run
   * with the same folder is a later start of the same VS Code. Default: a fresh one, removed after the run.
   */
  profileDir?: string;
}

/** Runs a suite in the extension host of a fresh real VS Code; resolves to the suite's exit code. */
export async function runSuiteInRealVSCode(options: SuiteOptions): Promise<number> {
  ensureRealVSCode([options.release]);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const profileDir = options.profileDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'agent-threads-it-'));
  const startedBefore = fs.existsSync(path.join(profileDir, 'workspace'));
  const workspace = startedBefore ? path.join(profileDir, 'workspace') : freshWorkspace(profileDir);
  for (const name of options.release.fixtureExtensions) installFixtureExtension(profileDir, name);

  let page: Page | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  // A second window on the same workspace loads the extension in development mode but not the tests.
  // It opens the tests' folder, or a workspace file (code-server takes `?workspace=` for a .code-workspace file).
  const openSecondWindow = async (workspaceFile?: string) => {
    const second = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    const opened = workspaceFile ? `workspace=${encodeURIComponent(workspaceFile)}` : `folder=${encodeURIComponent(workspace)}`;
    await second.goto(`http://localhost:${server!.port}/?${opened}&payload=${developmentPayload(server!.port)}`);
    return second;
  };
  const driver = new BrowserDriver(
    () => page,
    path.join(RESULTS_DIR, 'screenshots'),
    () => server?.process.pid,
    openSecondWindow,
  );
  const driverUrl = await driver.listen();

  let model: FakeModelServer | undefined;
  let suiteTimer: NodeJS.Timeout | undefined;
  let journalPoll: NodeJS.Timeout | undefined;
  let exitGrace: NodeJS.Timeout | undefined;
  const journalFile = path.join(profileDir, 'test-journal.json');
  fs.rmSync(journalFile, { force: true }); // an earlier run's outcome is not this one's
  try {
    // The model every test talks to: our fake OpenAI-compatible server on loopback, never the internet.
    model = await startFakeModelServer();
    server = await startCodeServer({
      profileDir,
      workspaceFolder: workspace,
      workspaceTrust: options.workspaceTrust,
      release: options.release,
      userSettings: options.userSettings,
      env: {
        [DRIVER_URL_ENV]: driverUrl,
        [FAKE_MODEL_URL_ENV]: model.url,
        AGENT_THREADS_TEST_RESULTS: RESULTS_DIR,
        // Lets tests carry on across window reloads and extension-host kills (test/integration/restart.ts).
        [JOURNAL_ENV]: journalFile,
        // Where code-server keeps user data (workspace storage), for tests that damage the extension's files on purpose.
        AGENT_THREADS_TEST_USER_DATA: path.join(profileDir, 'user-data'),
        ...options.env,
      },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, env: server.isolatedEnv });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });

    const exitCode = new Promise<number>((resolve) => {
      // The journal's outcome is the verdict: after a window reload the workbench's exit call is unreliable (VS Code
      // 1.100's web workbench fails stopping the hosts and may report 0 or nothing), so poll for it as well.
      journalPoll = setInterval(() => {
        const outcome = readJournal(journalFile).outcome;
        if (outcome) resolve(outcome.failures > 0 ? 1 : 0);
      }, 250);
      void page!.exposeFunction('codeAutomationExit', (code: number) => {
        if (readJournal(journalFile).hosts <= 1) return resolve(code);
        exitGrace = setTimeout(() => {
          console.error('The suite spanned several extension hosts but the last one recorded no outcome.');
          resolve(1);
        }, 15_000);
      });
      suiteTimer = setTimeout(() => {
        console.error(`Integration suite did not finish within ${SUITE_TIMEOUT_MS / 60_000} minutes.`);
        resolve(1);
      }, SUITE_TIMEOUT_MS);
    });
    await page.exposeFunction('codeAutomationLog', (_level: string, message: unknown) => {
      console.log(Array.isArray(message) ? format(...(message as unknown[])) : String(message));
    });

    await page.goto(
      `http://localhost:${server.port}/?folder=${encodeURIComponent(workspace)}&payload=${developmentPayload(server.port, options.testsIndex)}`,
    );
    return await exitCode;
  } finally {
    clearTimeout(suiteTimer);
    clearTimeout(exitGrace);
    clearInterval(journalPoll);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await model?.close();
    await driver.close();
    // AGENT_THREADS_KEEP_PROFILE=1 keeps code-server's log, the extension's storage and the journal for a post-mortem.
    if (!process.env.AGENT_THREADS_KEEP_PROFILE && !options.profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
    else console.log(`Profile kept in ${profileDir}`);
  }
}

const OUT_TESTS = path.join(REPO_ROOT, 'out', 'test');

/**
 * The suites, each in its own fresh VS Code: the main one (trusted folder) and a small one in Restricted Mode, on
 * every release in VSCODE_RELEASES, one after the other. With AGENT_THREADS_TEST_GREP set, the Restricted Mode suite
 * starts only when the pattern matches "Restricted Mode"; AGENT_THREADS_TEST_SUITE=main or =restricted runs just that
 * one, AGENT_THREADS_TEST_VSCODE=minimum or =newest just that release.
 */
const SUITES: { name: string; options: Omit<SuiteOptions, 'release'>; titles: string }[] = [
  { name: 'main', options: { testsIndex: path.join(OUT_TESTS, 'integration', 'index') }, titles: '' },
  {
    name: 'Restricted Mode',
    options: { testsIndex: path.join(OUT_TESTS, 'integration-restricted', 'index'), workspaceTrust: 'untrusted' },
    titles: 'Restricted Mode',
  },
];

async function runAllSuites(): Promise<number> {
  const grep = process.env.AGENT_THREADS_TEST_GREP;
  const only = process.env.AGENT_THREADS_TEST_SUITE?.toLowerCase();
  const onlyRelease = process.env.AGENT_THREADS_TEST_VSCODE?.toLowerCase();
  const releases = VSCODE_RELEASES.filter((release) => !onlyRelease || release.name === onlyRelease);
  if (releases.length === 0) throw new Error(`AGENT_THREADS_TEST_VSCODE=${onlyRelease} names no release (minimum, newest).`);
  // Installing first keeps the install's time (once, cold) out of the suites' times.
  ensureRealVSCode(releases);
  let worst = 0;
  for (const release of releases) {
    for (const suite of SUITES) {
      if (only && !suite.name.toLowerCase().startsWith(only)) continue;
      if (grep && suite.titles && !new RegExp(grep).test(suite.titles)) continue;
      const label = `${suite.name} suite on VS Code ${release.vscodeVersion} (${release.name})`;
      console.log(`[agent-threads] ${label}`);
      const started = Date.now();
      const code = await runSuiteInRealVSCode({ ...suite.options, release });
      console.log(`[agent-threads] ${label} finished with exit code ${code} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      worst ||= code;
    }
  }
  return worst;
}

if (require.main === module) {
  runAllSuites().then(
    (code) => {
      console.log(
        `Integration suites finished with exit code ${code}; screenshots in ${path.relative(REPO_ROOT, RESULTS_DIR)}/screenshots`,
      );
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
