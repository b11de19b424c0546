// Reading JSON request bodies (with a size limit) and writing JSON responses for the local agent API.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest } from './apiErrors';

/** Request bodies larger than this are refused with 413 (images arrive inline as data URLs, hence not tiny). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Headers every response carries: nothing is cached, nothing is sniffed. */
const COMMON_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

/** The parsed JSON body (an object, or undefined when empty); 400 for bad JSON, 413 when over `limit`. */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Record<string, unknown> | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

function tooLarge(limit: number): ApiError {
  return new ApiError(
    413,
    'invalid_request_error',
    `The request body is larger than ${Math.round(limit / 1024 / 1024)} MB.`,
    'request_too_large',
  );
}

/** Writes `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...COMMON_HEADERS, ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts a server-sent-events response. */
export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
  res.flushHeaders();
}
