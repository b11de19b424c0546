// Errors from the Foundry service (or the network under it) in plain words, with a stable code the UI maps to the
// action that fixes it. Nothing here echoes request headers, so a key or token can never reach a message.

import type { FoundryErrorCode } from '../../domain/errors';
import { errorMessage } from '../../util/errors';

export type { FoundryErrorCode };

export class FoundryError extends Error {
  constructor(
    readonly code: FoundryErrorCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FoundryError';
  }
}

/**
 * What a RestError of the Azure SDK (`statusCode`), an APIError of the openai package (`status`), both duck-typed, or
 * a network error means.
 */
export function toFoundryError(error: unknown, doing: string): FoundryError {
  if (error instanceof FoundryError) return error;
  const status = statusOf(error);
  const detail = serviceMessage(error);
  if (typeof status !== 'number') {
    const reason = errorMessage(error);
    return new FoundryError(
      'foundry_network',
      `Could not reach the Foundry project while trying to ${doing}: ${reason}. Check the endpoint in 'agentThreads.backend' and your network.`,
      undefined,
      { cause: error },
    );
  }
  const suffix = detail ? ` The service said: ${detail}` : '';
  if (status === 401)
    return new FoundryError(
      'foundry_unauthorized',
      `Foundry refused the credentials (401) while trying to ${doing}. Sign in again or set the project's API key.${suffix}`,
      status,
    );
  if (status === 403)
    return new FoundryError(
      'foundry_forbidden',
      `Your account may not ${doing} in this Foundry project (403). Ask for the Azure AI User role on the project.${suffix}`,
      status,
    );
  if (status === 404)
    return new FoundryError(
      'foundry_not_found',
      `Foundry could not find what was needed to ${doing} (404): it may have been deleted, or the project endpoint is wrong.${suffix}`,
      status,
    );
  if (status === 409)
    return new FoundryError(
      'foundry_conflict',
      `Someone else changed this in Foundry at the same time (409) while trying to ${doing}. Refresh, then save again.${suffix}`,
      status,
    );
  if (status === 429) {
    const wait = retryAfterSeconds(error);
    return new FoundryError(
      'foundry_rate_limited',
      `Foundry is rate limiting this project (429) while trying to ${doing}. ${wait ? `Retry in ${wait} s.` : 'Wait a moment and retry.'}${suffix}`,
      status,
    );
  }
  if (status >= 500)
    return new FoundryError(
      'foundry_unavailable',
      `The Foundry service failed (${status}) while trying to ${doing}. Retry in a moment.${suffix}`,
      status,
    );
  return new FoundryError('foundry_bad_request', `Foundry rejected the request to ${doing} (${status}).${suffix}`, status);
}

function statusOf(error: unknown): number | undefined {
  const candidate = error as { statusCode?: unknown; status?: unknown; headers?: unknown } | null;
  if (typeof candidate?.statusCode === 'number') return candidate.statusCode;
  // openai's APIError carries the response headers beside its status; a bare `status` elsewhere is not HTTP's.
  if (typeof candidate?.status === 'number' && candidate.headers !== undefined) return candidate.status;
  return undefined;
}

/** The Retry-After the service sent with a 429, in seconds, when there was one. */
function retryAfterSeconds(error: unknown): number | undefined {
  const headers =
    (error as { headers?: unknown; response?: { headers?: unknown } } | null)?.headers ??
    (error as { response?: { headers?: unknown } } | null)?.response?.headers;
  const value =
    headers instanceof Headers
      ? headers.get('retry-after')
      : typeof (headers as { get?: unknown } | undefined)?.get === 'function'
        ? (headers as { get(name: string): string | undefined }).get('retry-after')
        : undefined;
  const seconds = Number(value);
  return value && Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}

function serviceMessage(error: unknown): string {
  const fromOpenAI = (error as { error?: { message?: unknown } } | null)?.error?.message;
  if (typeof fromOpenAI === 'string') return fromOpenAI.slice(0, 300);
  const details = (error as { details?: { error?: { message?: unknown } } } | null)?.details;
  const fromDetails = details?.error?.message;
  if (typeof fromDetails === 'string') return fromDetails.slice(0, 300);
  const body = (error as { response?: { bodyAsText?: unknown } } | null)?.response?.bodyAsText;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { error?: { message?: unknown } };
      if (typeof parsed.error?.message === 'string') return parsed.error.message.slice(0, 300);
    } catch {
      // not JSON: say nothing rather than dump a body
    }
  }
  return '';
}

/** Runs a service call and rethrows what fails as a FoundryError. */
export async function callFoundry<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toFoundryError(error, doing);
  }
}
