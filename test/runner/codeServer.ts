/** Starts the offline real VS Code (code-server) on 127.0.0.1 with a fresh user profile. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { codeServerEntry, MINIMUM_VSCODE, nodeExecutable, type VSCodeRelease } from './installCodeServer';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface CodeServer {
  port: number;
  process: ChildProcess;
  /** Environment (XDG folders) that a browser started for this server should use too. */
  isolatedEnv: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** Folder holding user data, extensions and XDG folders for this run; created when missing. */
  profileDir: string;
  workspaceFolder: string;
  /** Extra environment for the server; it reaches the extension host. */
  env?: Record<string, string>;
  port?: number;
  /** Where server output goes; defaults to a log file in the profile folder. */
  onOutput?: (text: string) => void;
  /**
   * 'disabled' (default): every folder is trusted, as most tests want. 'untrusted': workspace trust is on and the
   * folder opens in Restricted Mode without a prompt, to test what the extension does there.
   */
  workspaceTrust?: 'disabled' | 'untrusted';
  /** Which installed VS Code to serve (see installCodeServer.ts); the minimum one when not given. */
  release?: VSCodeRelease;
  /** User settings on top of the quiet defaults. */
  userSettings?: Record<string, unknown>;
}

/** Asks the OS for a free port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Per-run XDG folders keep code-server and Chromium out of the user's home folder. */
export function isolatedXdgEnv(profileDir: string): Record<string, string> {
  const env = {
    XDG_CONFIG_HOME: path.join(profileDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(profileDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(profileDir, 'xdg-cache'),
  };
  for (const dir of Object.values(env)) fs.mkdirSync(dir, { recursive: true });
  return env;
}

/** A quiet workbench: no walkthrough on start, no telemetry; kept when a person changed the settings already. */
function writeDefaultUserSettings(userDataDir: string, extra: Record<string, unknown>): void {
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  if (fs.existsSync(settingsFile)) return;
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  const settings = { 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'workbench.tips.enabled': false, ...extra };
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
}

/** Starts code-server and resolves once it listens. Auth is off, which is safe only because it binds to loopback. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const port = options.port ?? (await freePort());
  const xdg = isolatedXdgEnv(options.profileDir);
  const untrusted = options.workspaceTrust === 'untrusted';
  // In Restricted Mode tests the folder must stay untrusted: no start-up prompt that a click could answer.
  writeDefaultUserSettings(path.join(options.profileDir, 'user-data'), {
    ...(untrusted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {}),
    ...options.userSettings,
  });
  const logFile = fs.createWriteStream(path.join(options.profileDir, 'code-server.log'));
  const release = options.release ?? MINIMUM_VSCODE;
  const args = [
    codeServerEntry(release),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    path.join(options.profileDir, 'user-data'),
    '--extensions-dir',
    path.join(options.profileDir, 'extensions'),
    '--disable-telemetry',
    '--disable-update-check',
    ...(untrusted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    ...release.serverArgs,
    options.workspaceFolder,
  ];
  // code-server starts its extension hosts with the Node it runs on, so our extension runs on that one too.
  const child = spawn(nodeExecutable(release), args, {
    env: { ...process.env, ...xdg, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = options.onOutput ?? ((text: string) => logFile.write(text));

  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output(text);
      seen = (seen + text).slice(-4096);
      if (seen.includes('HTTP server listening')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`code-server exited with code ${code} before it listened:\n${seen}`)));
    child.once('error', reject);
  });

  return {
    port,
    process: child,
    isolatedEnv: { ...process.env, ...xdg },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => {
          logFile.end();
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
