import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The import fixtures (test/fixtures/imports), written by hand in each format; no one's real data. */
export const IMPORT_FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'imports');

/** A fixture file parsed as JSON. */
export async function fixtureJson(...parts: string[]): Promise<unknown> {
  return JSON.parse(await fs.readFile(path.join(IMPORT_FIXTURES, ...parts), 'utf8'));
}

/** A fixture file's text. */
export function fixtureText(...parts: string[]): Promise<string> {
  return fs.readFile(path.join(IMPORT_FIXTURES, ...parts), 'utf8');
}

export const NOW = 1_764_800_000;
