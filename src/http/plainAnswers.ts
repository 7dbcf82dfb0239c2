import type { ServerResponse } from 'node:http';

/**
 * A JSON answer of the routes beside /graphql (health, downloads, catalog, charts): errors say what to
 * change in `{ error }`, and are never stored by a cache (a 404 is otherwise cacheable by default).
 */
export function sendJson(response: ServerResponse, status: number, payload: unknown, headOnly = false): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  if (status >= 400) response.setHeader('cache-control', 'no-store');
  response.end(headOnly ? undefined : JSON.stringify(payload));
}

/** Does an If-None-Match header name this ETag (weakly compared, as RFC 9110 has it for GET), or `*`? */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const candidate = tag.trim().replace(/^W\//, '');
    return candidate === '*' || candidate === etag;
  });
}
