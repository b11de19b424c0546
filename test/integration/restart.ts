/**
 * Tests that outlive the extension host they started in.
 *
 * The suite runs inside the extension host, so reloading the window or SIGKILLing the host kills the test itself.
 * The design leans on one fact of VS Code: every extension host that starts with the test payload (after a
 * window reload, and after a crash that the workbench restarts automatically) runs the test index again. So:
 *
 * - A journal file (path in AGENT_THREADS_TEST_JOURNAL, set by the runner, outside the workspace and storage)
 *   records, synchronously, each finished test and the failures so far, and at most one test "across a restart"
 *   with the data its first phase left for its second.
 * - The index (index.ts) leaves out every test the journal says has finished, so a new host carries on where the
 *   old one stopped, and adds the journal's earlier failures to its own when it reports the result.
 * - A test written with `acrossRestart` runs its first phase, writes the journal, then either reloads the window
 *   (the workbench command, as a person would) or asks the runner (the browser driver, outside VS Code) to SIGKILL
 *   the real extension-host process, and waits forever. In the next host the same test finds its entry and runs
 *   its second phase with the data. Each is one mocha test, reported once.
 *
 * The runner does the killing, from outside, on a pid it checks is this code-server's extension host (a host that
 * kills itself could still run cleanup code; one killed from outside cannot), then reloads the page, because the
 * web workbench treats a dead remote host as a lost connection and asks for a reload rather than restarting it.
 * The journal's outcome is the suite's verdict (runIntegrationTests.ts polls it).
 */
import * as vscode from 'vscode';
import { ui } from './driver';
import { JOURNAL_ENV } from './driverProtocol';
import { readJournal, writeJournal } from './journal';

export type RestartKind = 'reload-window' | 'kill-extension-host';

/**
 * Registers a test whose `before` phase runs in one extension host and whose `after` phase runs in the next one,
 * after the window was reloaded or the host SIGKILLed. `before` returns plain JSON data for `after`.
 */
export function acrossRestart<T>(
  title: string,
  how: RestartKind,
  phases: { before(): Promise<T>; after(data: T): Promise<void> },
): Mocha.Test {
  return it(title, async function () {
    const fullTitle = this.test!.fullTitle();
    const journal = readJournal();
    if (journal.restarting?.title === fullTitle) {
      const { data } = journal.restarting;
      writeJournal({ ...journal, restarting: undefined });
      await phases.after(data as T);
      return;
    }
    if (!process.env[JOURNAL_ENV])
      throw new Error(`${JOURNAL_ENV} is not set: run the integration suite through 'npm run test:integration'.`);
    const data = await phases.before();
    writeJournal({ ...readJournal(), restarting: { title: fullTitle, data } });
    // Reload as a person does (Developer: Reload Window): the workbench saves its state (open panels) first,
    // which a page reload from outside does not wait for.
    if (how === 'reload-window') void vscode.commands.executeCommand('workbench.action.reloadWindow');
    else await ui.killExtensionHost(process.pid);
    // This host is going away; the test finishes in the next one. Never settle here.
    this.timeout(0);
    await new Promise(() => undefined);
  });
}
