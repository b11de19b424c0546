import { createHash } from 'node:crypto';
import type { IdPrefix } from '../domain/ids';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The id of the `n`th copy (n ≥ 1) of a thread or agent whose history diverged from the target's. Derived, not random,
 * so a second merge of the same source finds the copy it made the first time (and goes on from it) instead of making
 * another. It keeps the original's time digits, so copies sort where the original does.
 */
export function copyId(prefix: IdPrefix, originalId: string, n: number): string {
  const body = originalId.slice(prefix.length + 1);
  const digest = createHash('sha256').update(`${originalId}#copy${n}`).digest();
  let suffix = '';
  for (let i = 0; i < 16; i++) suffix += ALPHABET[digest[i] % 62];
  return `${prefix}_${body.slice(0, 8)}${suffix}`;
}
