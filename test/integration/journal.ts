/**
 * The suite's journal across extension-host lifetimes (see restart.ts). Plain Node: the runner reads it too.
 */
import * as fs from 'node:fs';
import { JOURNAL_ENV } from './driverProtocol';

export interface Journal {
  /** Full titles of tests that finished, passed or failed, in any earlier host. */
  finished: string[];
  failures: number;
  /** Extension-host lifetimes so far, including this one. */
  hosts: number;
  /** The test waiting for its second phase, with what its first phase left. */
  restarting?: { title: string; data: unknown };
  /** Written when the last host finished the suite: the runner's verdict (see runIntegrationTests.ts). */
  outcome?: { failures: number };
}

export function journalPath(): string | undefined {
  return process.env[JOURNAL_ENV];
}

export function readJournal(file = journalPath()): Journal {
  if (!file || !fs.existsSync(file)) return { finished: [], failures: 0, hosts: 0 };
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Journal;
}

/** Writes the journal durably before anything that may kill this process (write a copy, then rename over). */
export function writeJournal(journal: Journal): void {
  const file = journalPath();
  if (!file) return;
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(journal));
  fs.renameSync(`${file}.tmp`, file);
}
