/**
 * `npm run test:desktop`: the same integration suite on desktop VS Code through @vscode/test-electron, for machines
 * that can download VS Code (or set VSCODE_EXECUTABLE to an installed one). UI checks that need the browser driver
 * are unavailable there; tests that use it report the missing driver.
 */
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT } from './codeServer';

async function main(): Promise<void> {
  await runTests({
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'integration', 'index'),
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE,
    launchArgs: [path.join(REPO_ROOT, 'test', 'fixtures', 'workspaces', 'sample'), '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
