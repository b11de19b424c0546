import { StoreError } from '../domain/errors';
import { errnoCode, errorMessage } from '../util/errors';

/**
 * Turns a file-system failure into a StoreError whose message names the storage folder and what to do about it.
 * StoreErrors pass through unchanged.
 */
export function toStoreError(err: unknown, action: string, folder: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = errnoCode(err);
  const detail = errorMessage(err);
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
