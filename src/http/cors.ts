import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Cross-origin reads (CORS): a page on another site may call the API and read every answer, errors
 * included. Never with credentials: the API honours no cookies, and keys travel in headers the page sets
 * itself. A POST still has to be `application/json` (graphqlParams.ts), so a browser asks first with a
 * preflight, answered here.
 */
export type CorsOrigins = '*' | string[];

/** What requests may send: what the server reads, and the client headers Apollo Client adds when named. */
const ALLOWED_HEADERS = [
  'accept',
  'accept-language',
  'authorization',
  'content-type',
  // POST /imports: the file's name, and how long to wait for the job's end (src/imports/route.ts).
  'content-disposition',
  'prefer',
  'idempotency-key',
  'if-none-match',
  // The data version of an answer already seen: no older one is served (src/http/readRouting.ts).
  'minsheng-data-version',
  // A past data version to read at (src/http/asOfRequest.ts).
  'minsheng-as-of',
  'x-api-key',
  'x-request-id',
  'apollographql-client-name',
  'apollographql-client-version',
].join(', ');

/** Response headers a page may read besides the safelisted ones (content-type, cache-control, …). */
const EXPOSED_HEADERS = [
  'etag',
  'idempotent-replayed',
  'minsheng-data-version',
  'retry-after',
  'www-authenticate',
  'x-cache',
  'x-request-id',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'ratelimit-policy',
  // Downloads: the file name, and how many rows the file holds (charged before the first byte).
  'content-disposition',
  'x-row-count',
].join(', ');

/** How long a browser may reuse a preflight's answer (browsers cap it lower themselves). */
const PREFLIGHT_MAX_AGE_SECONDS = '86400';

export class Cors {
  constructor(private readonly origins: CorsOrigins) {}

  /** The origin whose pages may read this answer; undefined when its page may not. */
  private allowedOrigin(request: IncomingMessage): string | undefined {
    if (this.origins === '*') return '*';
    const origin = request.headers.origin;
    return origin !== undefined && this.origins.includes(origin) ? origin : undefined;
  }

  /** Lets an allowed page read the answer, whatever it turns out to be: call before anything is sent. */
  allowReading(request: IncomingMessage, response: ServerResponse) {
    // With a list, the answer depends on the Origin header: caches must keep one copy per origin.
    if (this.origins !== '*') response.setHeader('vary', 'origin');
    const origin = this.allowedOrigin(request);
    if (origin === undefined) return;
    response.setHeader('access-control-allow-origin', origin);
    response.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  }

  /** Answers OPTIONS: the methods of this path, and for a preflight from an allowed page, what it may send. */
  answerOptions(request: IncomingMessage, response: ServerResponse, methods: string) {
    response.setHeader('allow', methods);
    const preflight = request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined;
    if (preflight && this.allowedOrigin(request) === undefined) {
      response.statusCode = 403;
      response.setHeader('content-type', 'application/json; charset=utf-8');
      return void response.end(
        JSON.stringify({
          error: `Pages from ${request.headers.origin} may not call this API from a browser: the server allows only the origins in its CORS_ALLOWED_ORIGINS.`,
        }),
      );
    }
    if (preflight) {
      response.setHeader('access-control-allow-methods', methods);
      response.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
      response.setHeader('access-control-max-age', PREFLIGHT_MAX_AGE_SECONDS);
    }
    response.statusCode = 204;
    response.end();
  }
}
