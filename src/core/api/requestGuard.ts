// Who may talk to the local agent API: only local processes that know the bearer token. Browsers are refused
// outright (any Origin header), and so is any request whose Host is not the loopback address, which defeats
// DNS-rebinding pages that point a public name at 127.0.0.1.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './apiErrors';

/** A fresh bearer token: 32 random bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Throws 403 unless the request comes from a non-browser client addressed to this loopback server's port. */
export function assertLocalNonBrowserRequest(headers: IncomingHttpHeaders, port: number): void {
  if (headers.origin !== undefined) {
    throw new ApiError(
      403,
      'permission_error',
      'Requests from web pages (with an Origin header) are not accepted by the local agent API.',
      'origin_not_allowed',
    );
  }
  if (!isLoopbackHost(headers.host, port)) {
    throw new ApiError(
      403,
      'permission_error',
      "The Host header must be 127.0.0.1 or localhost with this server's port.",
      'host_not_allowed',
    );
  }
}

function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const match = /^(127\.0\.0\.1|localhost)(?::(\d{1,5}))?$/i.exec(host);
  // A missing port means 80; only accept it when the server really listens there.
  return match !== null && Number(match[2] ?? 80) === port;
}

/** Throws 401 unless `Authorization: Bearer <token>` carries exactly `token` (compared in constant time). */
export function assertAuthorized(headers: IncomingHttpHeaders, token: string): void {
  const presented = /^Bearer (\S+)$/.exec(headers.authorization ?? '')?.[1];
  if (presented === undefined || !sameSecret(presented, token)) {
    // Never echo what was presented: it may be a real key sent to the wrong server.
    throw new ApiError(
      401,
      'authentication_error',
      'Missing or incorrect bearer token. Run "Agent Threads: Show Local API Address and Token" to get it.',
      'invalid_api_key',
    );
  }
}

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // timingSafeEqual needs equal lengths; the length of a token is not secret (it is always 43 characters).
  return a.length === b.length && timingSafeEqual(a, b);
}
