/**
 * `npm start`: serves a real VS Code (code-server on 127.0.0.1) with this extension loaded in development mode on a
 * sample workspace, and prints the URL to open. The profile and workspace persist in .vscode-test/ between starts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, startCodeServer } from './codeServer';
import { ensureRealVSCode } from './installCodeServer';
import { developmentPayload } from './runIntegrationTests';

async function main(): Promise<void> {
  ensureRealVSCode();
  const profileDir = path.join(REPO_ROOT, '.vscode-test', 'start-profile');
  const workspace = path.join(REPO_ROOT, '.vscode-test', 'sample-workspace');
  fs.mkdirSync(profileDir, { recursive: true });
  if (!fs.existsSync(workspace)) {
    fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspaces', 'sample'), workspace, { recursive: true });
  }
  const port = process.env.PORT ? Number(process.env.PORT) : undefined;
  const server = await startCodeServer({ profileDir, workspaceFolder: workspace, port });
  const url = `http://localhost:${server.port}/?folder=${encodeURIComponent(workspace)}&payload=${developmentPayload(server.port)}`;
  console.log('\nAgent Threads is running in VS Code (code-server, loopback only, no password).');
  console.log(`Open this URL in a browser on this machine:\n\n  ${url}\n`);
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
