import type { IncomingMessage, ServerResponse } from 'node:http';

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

/**
 * The tag of an If-None-Match header that names this ETag (weakly compared, as RFC 9110 has it for GET),
 * as the client holds it (`*`: this ETag); undefined when none does. A compressed answer carries the ETag with its coding added
 * (`"…-gzip"`, compression.ts), and names the same data: it matches too. A 304 sends back the tag
 * returned, the ETag of the copy the client holds.
 */
export function matchingEtag(header: string | undefined, etag: string): string | undefined {
  if (!header) return undefined;
  for (const tag of header.split(',')) {
    const candidate = tag.trim().replace(/^W\//, '');
    if (candidate === '*') return etag;
    if (candidate === etag || withoutCoding(candidate) === etag) return candidate;
  }
  return undefined;
}

const withoutCoding = (tag: string) => tag.replace(/-(?:br|gzip)"$/, '"');

/**
 * Sets the answer's ETag; when If-None-Match names it, ends the response as a 304 carrying the tag the
 * client holds, and says so (the caller then sends nothing more).
 */
export function answeredNotModified(request: IncomingMessage, response: ServerResponse, etag: string): boolean {
  const held = matchingEtag(request.headers['if-none-match'], etag);
  response.setHeader('etag', held ?? etag);
  if (!held) return false;
  response.statusCode = 304;
  response.end();
  return true;
}
