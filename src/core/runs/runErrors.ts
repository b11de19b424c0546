// Errors the run engine throws to its callers, and the mapping of model failures onto a run's last_error.

import type { RunLastError } from '../domain/run';
import { StoreError, type RunErrorCode } from '../domain/errors';
import { ModelError } from '../model/types';
import { errorMessage } from '../util/errors';

export type { RunErrorCode };

/** A run engine refusal with a stable code and a message a user can act on. */
export class RunError extends Error {
  override readonly name = 'RunError';
  constructor(
    readonly code: RunErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The last_error a run records for whatever ended it; messages are already free of secrets. */
export function toRunLastError(error: unknown): RunLastError {
  if (error instanceof ModelError) return { code: lastErrorCodeFor(error), message: error.message };
  if (error instanceof RunError && error.code === 'context_length_exceeded')
    return { code: 'context_length_exceeded', message: error.message };
  if (error instanceof RunError && error.code === 'no_model') return { code: 'no_model', message: error.message };
  if (error instanceof StoreError) return { code: 'storage_error', message: `The thread could not be saved: ${error.message}` };
  const detail = errorMessage(error);
  return { code: 'server_error', message: `The run failed unexpectedly: ${detail}` };
}

function lastErrorCodeFor(error: ModelError): RunLastError['code'] {
  switch (error.code) {
    case 'bad_request':
      return 'invalid_prompt';
    case 'malformed_response':
    case 'cancelled':
      return 'server_error';
    default:
      return error.code;
  }
}
