import type { ServerResponse } from 'node:http';
import { responseMediaType } from './mediaTypes.js';

/**
 * A request refused before GraphQL ran, with the HTTP status that says why (400 bad JSON, 401 bad key,
 * 413 body too large, 415 wrong content type, 429 over budget, 503 database away). Its body has the shape
 * of a GraphQL response, so clients read every refusal the same way.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extensions: Record<string, unknown> & { code: string },
    readonly headers: [string, string][] = [],
  ) {
    super(message);
  }
}

export function sendGraphQLErrors(
  response: ServerResponse,
  accept: string | undefined,
  status: number,
  errors: { message: string; extensions: Record<string, unknown> }[],
  headers: [string, string][] = [],
) {
  response.statusCode = status;
  for (const [name, value] of headers) response.setHeader(name, value);
  response.setHeader('content-type', responseMediaType(accept));
  response.setHeader('cache-control', 'no-store');
  response.end(JSON.stringify({ errors }));
}

export function sendHttpError(response: ServerResponse, accept: string | undefined, error: HttpError) {
  sendGraphQLErrors(response, accept, error.status, [{ message: error.message, extensions: error.extensions }], error.headers);
}
