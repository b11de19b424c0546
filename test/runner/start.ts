/**
 * `npm start`: serves a real VS Code (code-server on 127.0.0.1) with this extension loaded in development mode on a
 * sample workspace, and prints the URL to open. The profile and workspace persist in .vscode-test/ between starts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFakeModelServer } from '../fixtures/fakeModelServer';
import { REPO_ROOT, startCodeServer } from './codeServer';
import { ensureRealVSCode } from './installCodeServer';
import { developmentPayload } from './runIntegrationTests';

/**
 * Points the "demo-echo" profile at this start's local echo server (its port changes every start), keeping every
 * other setting. A settings file that is not plain JSON (comments) is left alone.
 */
function addDemoModelProfile(settingsFile: string, baseUrl: string): void {
  let settings: Record<string, unknown> = {};
  try {
    settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      console.log(`Not adding the demo model: ${settingsFile} is not plain JSON.`);
      return;
    }
  }
  const models = (Array.isArray(settings['agentThreads.models']) ? settings['agentThreads.models'] : []) as { id?: string }[];
  const demo = { id: 'demo-echo', provider: 'openai-compatible', baseUrl, model: 'echo', contextWindow: 32000 };
  settings['agentThreads.models'] = [...models.filter((m) => m.id !== 'demo-echo'), demo];
  settings['workbench.startupEditor'] ??= 'none';
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
}

async function main(): Promise<void> {
  ensureRealVSCode();
  const profileDir = path.join(REPO_ROOT, '.vscode-test', 'start-profile');
  const workspace = path.join(REPO_ROOT, '.vscode-test', 'sample-workspace');
  fs.mkdirSync(profileDir, { recursive: true });
  if (!fs.existsSync(workspace)) {
    fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspaces', 'sample'), workspace, { recursive: true });
  }
  const demo = process.env.AGENT_THREADS_DEMO_MODEL === '0' ? undefined : await startFakeModelServer({ defaultChunkDelayMs: 30 });
  if (demo) addDemoModelProfile(path.join(profileDir, 'user-data', 'User', 'settings.json'), demo.url);
  const port = process.env.PORT ? Number(process.env.PORT) : undefined;
  const server = await startCodeServer({ profileDir, workspaceFolder: workspace, port });
  const url = `http://localhost:${server.port}/?folder=${encodeURIComponent(workspace)}&payload=${developmentPayload(server.port)}`;
  console.log('\nAgent Threads is running in VS Code (code-server, loopback only, no password).');
  console.log(`Open this URL in a browser on this machine:\n\n  ${url}\n`);
  if (demo)
    console.log(
      `A demo model profile "demo-echo" answers "You said: …" from ${demo.url}, so you can try agents without an API key (AGENT_THREADS_DEMO_MODEL=0 turns it off).`,
    );
  console.log(`Server log: ${path.relative(REPO_ROOT, path.join(profileDir, 'code-server.log'))}. Press Ctrl+C to stop.`);

  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.process.once('exit', (code) => {
    console.error(`code-server exited (${code}).`);
    process.exit(code ?? 1);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
