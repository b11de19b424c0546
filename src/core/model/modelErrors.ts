// Turns whatever the openai client or the network threw into a ModelError with a stable code and
// a message that tells the user what to do. Servers sometimes echo part of the key back
// ("Incorrect API key provided: sk-ab***"), so server text is only ever used after redaction.

import type { APIError } from 'openai';
import { openaiPackage } from './openaiPackage';
import { parseRetryAfterMs } from './retry';
import { ModelError } from './types';

export interface ErrorContext {
  profileId: string;
  model: string;
  /** Title of the command that stores a new key, e.g. "Agent Threads: Set API Key". */
  setApiKeyCommand?: string;
  /** Strings that must never appear in a message (the API key). */
  secrets: readonly string[];
}

/** Maps any failure of a model call to a ModelError. */
export function toModelError(error: unknown, context: ErrorContext): ModelError {
  if (error instanceof ModelError) return error;
  const { APIConnectionError, APIConnectionTimeoutError, APIError } = openaiPackage();
  if (error instanceof APIConnectionTimeoutError) {
    return new ModelError('timeout', `${where(context)} did not answer in time. ${checkConnection}`, true);
  }
  if (error instanceof APIConnectionError) return networkError(context, error.cause ?? error);
  if (error instanceof APIError) return fromApiError(error as APIError, context); // the class from the lazily loaded package; its generics default to any
  if (error instanceof SyntaxError) {
    return new ModelError(
      'malformed_response',
      `${where(context)} sent a response that is not valid JSON. If this keeps happening, check that the profile's endpoint is an OpenAI-compatible API.`,
      true,
    );
  }
  return networkError(context, error);
}

/** The error for a request that needs a key when none is stored. */
export function missingApiKeyError(context: ErrorContext): ModelError {
  return new ModelError('invalid_api_key', `No API key is set for model profile '${context.profileId}'. ${setKeyHint(context)}`, false);
}

/** Removes secrets and anything shaped like a key or bearer token from server-provided text. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    // Very short "secrets" (placeholders) would shred ordinary words.
    if (secret.length >= 6) result = result.split(secret).join('***');
  }
  return result
    .replace(/\b(sk|pk|rk)-[A-Za-z0-9_*-]{4,}/g, '***')
    .replace(/Bearer\s+\S+/gi, 'Bearer ***')
    .replace(/api-key\s*[:=]\s*\S+/gi, 'api-key: ***');
}

const checkConnection = 'Check your network connection and the endpoint in the model profile, then try again.';

function where(context: ErrorContext): string {
  return `The model server for profile '${context.profileId}'`;
}

function setKeyHint(context: ErrorContext): string {
  return context.setApiKeyCommand ? `Run '${context.setApiKeyCommand}' to enter a new one.` : 'Enter a new API key for this profile.';
}

function networkError(context: ErrorContext, cause: unknown): ModelError {
  const detail = cause instanceof Error ? describeNetworkCause(cause) : '';
  return new ModelError(
    'network_error',
    `${where(context)} could not be reached or closed the connection${detail}. ${checkConnection}`,
    true,
  );
}

function describeNetworkCause(error: Error): string {
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? ` (${code})` : '';
}

function serverDetail(error: APIError, context: ErrorContext): string {
  const body = error.error as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : '';
  return message ? ` The server said: "${redact(message, context.secrets).slice(0, 500)}"` : '';
}

function looksLikeContextOverflow(error: APIError): boolean {
  if (error.code === 'context_length_exceeded') return true;
  const body = error.error as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : '';
  return /context[ _-]length|maximum context|context window|too many tokens/i.test(message);
}

function fromApiError(error: APIError, context: ErrorContext): ModelError {
  const status = error.status;
  const retryAfterMs = parseRetryAfterMs(error.headers);
  const model = `model '${context.model}'`;
  if (status === 401) {
    return new ModelError(
      'invalid_api_key',
      `The API key for model profile '${context.profileId}' was rejected (401). ${setKeyHint(context)}`,
      false,
      401,
    );
  }
  if (status === 403) {
    return new ModelError(
      'permission_denied',
      `The API key for model profile '${context.profileId}' is not allowed to use ${model} (403). Check the key's permissions or the deployment's access settings.`,
      false,
      403,
    );
  }
  if (status === 404) {
    return new ModelError(
      'model_not_found',
      `${capitalise(model)} was not found for model profile '${context.profileId}' (404). Check the model or deployment name and the endpoint.`,
      false,
      404,
    );
  }
  if (looksLikeContextOverflow(error)) {
    return new ModelError(
      'context_length_exceeded',
      `The conversation is too long for ${model}. Start a new thread, or lower the agent's max prompt tokens.`,
      false,
      status,
    );
  }
  if (status === 400 || status === 422) {
    return new ModelError(
      'bad_request',
      `${where(context)} rejected the request (${status}).${serverDetail(error, context)}`,
      false,
      status,
    );
  }
  if (status === 429) {
    if (error.code === 'insufficient_quota') {
      return new ModelError(
        'rate_limit_exceeded',
        `The account behind model profile '${context.profileId}' has run out of quota (429). Check its plan and billing.`,
        false,
        429,
      );
    }
    const wait = retryAfterMs !== undefined ? ` The server asked to wait ${Math.ceil(retryAfterMs / 1000)} s.` : '';
    return new ModelError(
      'rate_limit_exceeded',
      `${capitalise(model)} is rate limited (429).${wait} Try again later.`,
      true,
      429,
      retryAfterMs,
    );
  }
  if (status === 408) {
    return new ModelError('timeout', `${where(context)} timed out (408). Try again.`, true, 408, retryAfterMs);
  }
  if (status === undefined || status === 409 || status >= 500) {
    // status undefined: an error event inside an otherwise successful stream.
    const shown = status === undefined ? 'mid-stream' : String(status);
    return new ModelError(
      'server_error',
      `${where(context)} failed (${shown}).${serverDetail(error, context)} Try again later.`,
      true,
      status,
      retryAfterMs,
    );
  }
  return new ModelError('bad_request', `${where(context)} refused the request (${status}).${serverDetail(error, context)}`, false, status);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
