import { randomBytes } from 'node:crypto';
import { StoreError } from './errors';

/** The object kinds that carry ids, and the prefix each uses (as in the Assistants API). */
export type IdPrefix = 'asst' | 'thread' | 'msg' | 'run' | 'step' | 'call';

// Digits, then upper case, then lower case: ASCII order, so fixed-width strings sort like the numbers they encode.
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const TIME_DIGITS = 8;
const RANDOM_DIGITS = 16;

function base62(value: number, width: number): string {
  let out = '';
  let rest = Math.floor(value);
  for (let i = 0; i < width; i++) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/** A new random id such as `msg_0Q3kZ1aB…`; ids made later sort after ids made earlier (millisecond resolution). */
export function newId(prefix: IdPrefix): string {
  const bytes = randomBytes(RANDOM_DIGITS);
  let random = '';
  for (const byte of bytes) random += ALPHABET[byte % 62];
  return `${prefix}_${base62(Date.now(), TIME_DIGITS)}${random}`;
}

const ID_BODY = /^[A-Za-z0-9]{8,64}$/;

/** Whether `id` is `prefix_` followed by 8..64 letters or digits (so it can never name another path). */
export function isValidId(prefix: IdPrefix, id: unknown): id is string {
  return typeof id === 'string' && id.startsWith(`${prefix}_`) && ID_BODY.test(id.slice(prefix.length + 1));
}

/** Throws StoreError `invalid_id` unless `id` is a well-formed id with the given prefix. */
export function assertValidId(prefix: IdPrefix, id: unknown): asserts id is string {
  if (!isValidId(prefix, id)) {
    const shown = typeof id === 'string' ? JSON.stringify(id.slice(0, 80)) : typeof id;
    throw new StoreError('invalid_id', `Invalid ${prefix} id ${shown}: expected "${prefix}_" followed by 8 to 64 letters or digits.`);
  }
}

/** The longest valid id, in bytes; indexes reserve this much room per id. */
export const MAX_ID_LENGTH = 'thread_'.length + 64;
