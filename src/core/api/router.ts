// A small method + path-pattern router: `/threads/:thread_id/runs/:run_id` style patterns, matched in order.

import type { ServerResponse } from 'node:http';

/** What a route handler gets: path parameters, the query string and the parsed JSON body. */
export interface ApiRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  res: ServerResponse;
}

/** Returned by a handler that has written the response itself (a stream). */
export const STREAMED: unique symbol = Symbol('streamed');

/** A route's answer: a JSON value sent with 200 (plus optional headers), or STREAMED. */
export type RouteResult = typeof STREAMED | { json: unknown; headers?: Record<string, string> };

export type RouteHandler = (req: ApiRequest) => Promise<RouteResult>;

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

interface Route {
  method: HttpMethod;
  path: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

/** Routes keyed by method and path pattern. */
export class Router {
  private readonly routes: Route[] = [];

  /** Adds a route; `path` segments starting with ':' are parameters. */
  add(method: HttpMethod, path: string, handler: RouteHandler): this {
    const names: string[] = [];
    const source = path
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, path, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  /**
   * The handler, parameters and path pattern (e.g. `/threads/:thread_id`) for a request, 'method_not_allowed' when
   * only the method is wrong, or undefined.
   */
  match(
    method: string,
    path: string,
  ): { handler: RouteHandler; params: Record<string, string>; path: string } | 'method_not_allowed' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = safeDecode(match[i + 1])));
      return { handler: route.handler, params, path: route.path };
    }
    return pathMatched ? 'method_not_allowed' : undefined;
  }
}

/** A JSON result. */
export function json(value: unknown, headers?: Record<string, string>): RouteResult {
  return { json: value, headers };
}

// A malformed escape cannot name a real object; keeping it raw lets the id check answer 404.
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
