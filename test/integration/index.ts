/** Entry point the workbench calls inside the extension host: runs every *.test.js of this folder with mocha. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { readJournal, writeJournal } from './journal';

/** Removes the tests an earlier extension host finished (see restart.ts); empty suites then run no hooks. */
function leaveOutFinished(suite: Mocha.Suite, finished: Set<string>): void {
  suite.tests = suite.tests.filter((test) => !finished.has(test.fullTitle()));
  for (const child of suite.suites) leaveOutFinished(child, finished);
}

/** Where our code runs from: the bundle (dist/) and the compiled tests (out/). */
const OURS = ['dist', 'out'].map((folder) => path.join(path.resolve(__dirname, '..', '..', '..'), folder) + path.sep);

/** Whether an error's stack is another extension's (VS Code's built-in ones) and has no frame of ours. */
function thrownByAnotherExtension(error: unknown): boolean {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  return /[\\/]extensions[\\/][^\\/]+[\\/]dist[\\/]/.test(stack) && !OURS.some((ours) => stack.includes(ours));
}

export async function run(): Promise<void> {
  // AGENT_THREADS_TEST_GREP runs a subset while developing (e.g. "model faults"); CI runs everything.
  const grep = process.env.AGENT_THREADS_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec', ...(grep ? { grep } : {}) });
  const files = fs
    .readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .sort();
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  await mocha.loadFilesAsync();

  // This may be a later extension host of the same suite (the window was reloaded or the host killed on purpose).
  const earlier = readJournal();
  writeJournal({ ...earlier, hosts: earlier.hosts + 1 });
  if (earlier.hosts > 0)
    console.log(
      `Extension host #${earlier.hosts + 1} (pid ${process.pid}) of this suite: carrying on after ${earlier.finished.length} finished test(s).`,
    );
  leaveOutFinished(mocha.suite, new Set(earlier.finished));

  return new Promise((resolve, reject) => {
    // The extension host is shared with VS Code's own extensions, and mocha fails whichever test runs when anything
    // in the process throws: the git extension, for one, writes to a git process that has already exited (EPIPE).
    // Errors thrown by our code or the tests still fail the test; another extension's are logged. Mocha's handler,
    // added as the run starts, is taken off by what was added: VS Code's extension host registers a wrapper of each
    // uncaught-exception listener (it swallows what a listener throws), so mocha's own function is not among them.
    const earlierListeners = new Set(process.listeners('uncaughtException'));
    const runner = mocha.run((failuresHere) => {
      const failures = earlier.failures + failuresHere;
      writeJournal({ ...readJournal(), outcome: { failures } });
      if (earlier.hosts > 0) console.log(`Suite over ${earlier.hosts + 1} extension-host lifetimes: ${failures} failure(s) in all.`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
      else resolve();
    });
    const mochas = process.listeners('uncaughtException').filter((listener) => !earlierListeners.has(listener));
    if (mochas.length !== 1) throw new Error(`expected mocha to add one uncaught-exception listener, found ${mochas.length}`);
    process.removeListener('uncaughtException', mochas[0]);
    process.on('uncaughtException', (error: unknown) => {
      if (thrownByAnotherExtension(error))
        console.log(`Not a test failure, thrown by another extension: ${String((error as Error).stack)}`);
      else runner.uncaught(error);
    });
    // Synchronously, test by test, so a host killed by the next test has already recorded this one.
    const record = (test: Mocha.Runnable, failed: boolean) => {
      const journal = readJournal();
      const finished =
        (test as Mocha.Runnable & { type?: string }).type === 'test' ? [...journal.finished, test.fullTitle()] : journal.finished;
      writeJournal({ ...journal, finished, failures: journal.failures + (failed ? 1 : 0) });
    };
    runner.on('pass', (test) => record(test, false));
    runner.on('fail', (test, error) => {
      record(test, true);
      // Now, not in the summary at the end: a host killed by a later test never prints its summary.
      console.log(`FAILED: ${test.fullTitle()}: ${error instanceof Error ? error.stack : String(error)}`);
    });
  });
}
