import { StoreError } from '../domain/errors';

/** The errno code of a Node file-system error, if it has one. */
export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : undefined;
}

/**
 * Turns a file-system failure into a StoreError whose message names the storage folder and what to do about it.
 * StoreErrors pass through unchanged.
 */
export function toStoreError(err: unknown, action: string, folder: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = errnoCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'ENOTDIR':
    case 'EEXIST':
    case 'EISDIR':
      return new StoreError(
        'storage_unwritable',
        `Cannot ${action}: the storage folder ${folder} is not writable (${code}). Check that it is a folder you can write to.`,
        { cause: err },
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return new StoreError(
        'storage_full',
        `Cannot ${action}: the disk holding ${folder} is full (${code}). Free some space and try again.`,
        {
          cause: err,
        },
      );
    default:
      return new StoreError('storage_error', `Cannot ${action} in ${folder}: ${detail}`, { cause: err });
  }
}
