/**
 * Installs the offline "real VS Code" used by `npm start` and the integration tests: code-server (which ships a
 * complete VS Code server + web workbench in its npm tarball), Debian's Chromium and ripgrep. Idempotent: a marker
 * file records the pinned version, so a second run costs nothing.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const CHROMIUM_PATH = '/usr/bin/chromium';
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const CACHE_DIR = path.join(REPO_ROOT, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const CODE_SERVER_ENTRY = path.join(CACHE_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const MARKER = path.join(CACHE_DIR, 'installed.json');

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

function isInstalled(): boolean {
  try {
    const marker = JSON.parse(fs.readFileSync(MARKER, 'utf8')) as { version?: string };
    return marker.version === CODE_SERVER_VERSION && fs.existsSync(CODE_SERVER_ENTRY);
  } catch {
    return false;
  }
}

/** Installs code-server into the git-ignored cache with its install scripts off (they download from the internet). */
export function ensureCodeServer(): void {
  if (isInstalled()) return;
  const started = Date.now();
  fs.rmSync(CACHE_DIR, { recursive: true, force: true });
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(CACHE_DIR, 'package.json'),
    JSON.stringify({ name: 'agent-threads-code-server-cache', private: true }, null, 2),
  );
  run(
    'npm',
    ['install', `code-server@${CODE_SERVER_VERSION}`, '--save-exact', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
    CACHE_DIR,
  );
  run('npm', ['rebuild', 'argon2'], CACHE_DIR);

  const vscodeDir = path.join(CACHE_DIR, 'node_modules', 'code-server', 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], vscodeDir);
  run('npm', ['rebuild', 'node-pty', '@parcel/watcher', '@vscode/spdlog', 'native-watchdog'], vscodeDir);

  // VS Code looks for ripgrep inside its own node_modules; with scripts off the download never happened.
  const rgDir = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgDir, { recursive: true });
  fs.rmSync(path.join(rgDir, 'rg'), { force: true });
  fs.symlinkSync(execFileSync('sh', ['-c', 'command -v rg']).toString().trim(), path.join(rgDir, 'rg'));
  const asar = path.join(vscodeDir, 'node_modules.asar');
  fs.rmSync(asar, { force: true });
  fs.symlinkSync('node_modules', asar);
  run(
    'npm',
    ['install', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
    path.join(vscodeDir, 'extensions'),
  );

  fs.writeFileSync(MARKER, JSON.stringify({ version: CODE_SERVER_VERSION, installedAt: new Date().toISOString() }));
  log(`code-server ${CODE_SERVER_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Everything the real-VS-Code runner needs. */
export function ensureRealVSCode(): void {
  ensureSystemPackages();
  ensureCodeServer();
}

if (require.main === module) {
  ensureRealVSCode();
}
