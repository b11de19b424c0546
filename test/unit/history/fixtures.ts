import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { IMPORT_FIXTURES } from '../../fixtures/importFixtures';

export { IMPORT_FIXTURES };

/** A fixture file parsed as JSON. */
export async function fixtureJson(...parts: string[]): Promise<unknown> {
  return JSON.parse(await fs.readFile(path.join(IMPORT_FIXTURES, ...parts), 'utf8'));
}

/** A fixture file's text. */
export function fixtureText(...parts: string[]): Promise<string> {
  return fs.readFile(path.join(IMPORT_FIXTURES, ...parts), 'utf8');
}

export const NOW = 1_764_800_000;
