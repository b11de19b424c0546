// Errors of the local agent API in the OpenAI error shape, and the mapping of store and run engine refusals onto
// HTTP statuses. Unexpected errors become a bare 500 so no stack trace or internal detail leaves the process.

import { type FoundryErrorCode, StoreError, type StoreErrorCode } from '../domain/errors';
import { ItemError } from '../items/messageItems';
import { RunError, type RunErrorCode } from '../runs/runErrors';

/** The `type` field of an OpenAI error body. */
export type ApiErrorType =
  'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'conflict_error' | 'server_error';

/** The JSON body of every error response: `{ error: { message, type, param, code } }`. */
export interface ApiErrorBody {
  error: { message: string; type: ApiErrorType; param: string | null; code: string | null };
}

/** A refusal with its HTTP status, thrown by the request pipeline and the routes. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly type: ApiErrorType,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
  }

  /** The response body for this error. */
  toBody(): ApiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A 400 naming the offending parameter. */
export function badRequest(message: string, param: string | null = null): ApiError {
  return new ApiError(400, 'invalid_request_error', message, null, param);
}

/** A 404 for an object that does not exist. */
export function notFound(message: string): ApiError {
  return new ApiError(404, 'not_found_error', message);
}

const STORE_STATUS: Record<StoreErrorCode, number> = {
  invalid_id: 404,
  invalid_agent: 400,
  invalid_message: 400,
  invalid_cursor: 400,
  invalid_import: 400,
  agent_not_found: 404,
  thread_not_found: 404,
  message_not_found: 404,
  run_not_found: 404,
  thread_message_limit: 400,
  thread_locked: 409,
  storage_unwritable: 500,
  storage_full: 500,
  storage_error: 500,
};

const RUN_STATUS: Record<RunErrorCode, number> = {
  no_model: 400,
  thread_busy: 409,
  run_not_found: 404,
  run_not_waiting: 400,
  unknown_tool_call: 400,
  context_length_exceeded: 400,
  compaction_disabled: 400,
  nothing_to_compact: 400,
  compaction_failed: 502,
};

function typeFor(status: number): ApiErrorType {
  if (status === 404) return 'not_found_error';
  if (status === 409) return 'conflict_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * The ApiError to answer with for anything a route threw. Store and run errors carry messages written for users
 * (no secrets, no paths beyond the storage folder), so they pass through; anything else is reported as a bare 500
 * and handed to `onUnexpected` for the log.
 */
export function toApiError(error: unknown, onUnexpected: (error: unknown) => void): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ItemError) return badRequest(error.message, error.param);
  if (error instanceof StoreError) {
    const status = STORE_STATUS[error.code];
    return new ApiError(status, typeFor(status), error.message, error.code);
  }
  if (error instanceof RunError) {
    const status = RUN_STATUS[error.code];
    return new ApiError(status, typeFor(status), error.message, error.code);
  }
  const foundry = foundryError(error);
  if (foundry) {
    // The service's own refusals of what the script asked (a missing object, a conflict, a bad request, a rate
    // limit) pass through; its refusal of the extension's credentials or a network failure is the gateway's (502).
    const status =
      foundry.status === 400 || foundry.status === 404 || foundry.status === 409 || foundry.status === 429 ? foundry.status : 502;
    return new ApiError(status, typeFor(status), foundry.message, foundry.code);
  }
  onUnexpected(error);
  return new ApiError(500, 'server_error', 'The local agent API failed unexpectedly; see the Agent Threads log.');
}

/**
 * A FoundryError of the Foundry backend (core/backend/foundry), told by its name: that backend is bundled apart from
 * this API and loaded on demand, so its class is not the one an import here would give, and instanceof cannot tell.
 */
export function foundryError(error: unknown): { code: FoundryErrorCode; status: number | undefined; message: string } | undefined {
  if (!(error instanceof Error) || error.name !== 'FoundryError') return undefined;
  const { code, status } = error as Error & { code?: unknown; status?: unknown };
  if (typeof code !== 'string' || !code.startsWith('foundry_')) return undefined;
  return { code: code as FoundryErrorCode, status: typeof status === 'number' ? status : undefined, message: error.message };
}
