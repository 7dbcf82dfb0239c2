import type { IncomingMessage } from 'node:http';
import { HttpError } from './httpErrors.js';

/** The four parameters of a GraphQL-over-HTTP request, checked for shape (not yet for meaning). */
export interface GraphQLParams {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

const badRequest = (message: string) => new HttpError(400, message, { code: 'BAD_REQUEST' });
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the parameters of GET (query string) and POST (JSON body) requests.
 *
 * CSRF: a browser sends a cross-site POST without asking first only with a "simple" content type
 * (text/plain, form encodings), so a POST must be application/json, which makes the browser ask (CORS
 * preflight), and keys travel in headers a foreign page cannot set. GETs are queries only (Apollo refuses
 * mutations over GET), read public data and carry no cookies we honour, so they need no such header and
 * stay cacheable. That replaces Apollo's csrfPrevention, which also blocks plain GETs.
 */
export async function readGraphQLParams(request: IncomingMessage, url: URL, maxBodyBytes: number): Promise<GraphQLParams> {
  if (request.method === 'GET') return paramsOfSearch(url.searchParams);
  if (request.method !== 'POST') {
    throw new HttpError(405, `${request.method} is not supported at /graphql: use GET for queries, POST for any operation.`, { code: 'METHOD_NOT_ALLOWED' }, [
      ['allow', 'GET, POST'],
    ]);
  }
  const contentType = request.headers['content-type'];
  const [essence = '', ...parameters] = (contentType ?? '')
    .toLowerCase()
    .split(';')
    .map((part) => part.trim());
  const charset = parameters
    .find((parameter) => parameter.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (essence !== 'application/json' || (charset !== undefined && charset !== 'utf-8')) {
    request.resume(); // drain what the client sends, so it reads our answer
    throw new HttpError(
      415,
      contentType
        ? `A POST to /graphql must be \`content-type: application/json\` (UTF-8); got \`${contentType}\`.`
        : 'A POST to /graphql needs `content-type: application/json`.',
      { code: 'UNSUPPORTED_MEDIA_TYPE' },
    );
  }
  const raw = await readBody(request, maxBodyBytes);
  if (raw.length === 0)
    throw badRequest('The POST body is empty: send a JSON object with `query` (and optionally `variables`, `operationName`, `extensions`).');
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
  if (Array.isArray(body)) throw badRequest('Batched requests are not supported: send one operation per request.');
  if (!isRecord(body)) throw badRequest('The request body must be a JSON object with `query` (and optionally `variables`, `operationName`, `extensions`).');
  return checkShapes(body.query, body.operationName, body.variables, body.extensions);
}

function paramsOfSearch(search: URLSearchParams): GraphQLParams {
  const once = (name: string) => {
    const values = search.getAll(name);
    if (values.length > 1) throw badRequest(`The \`${name}\` parameter is given ${values.length} times; give it once.`);
    return values[0];
  };
  const json = (name: string) => {
    const value = once(name);
    if (value === undefined || value === '') return undefined;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw badRequest(`The \`${name}\` parameter is not valid JSON.`);
    }
  };
  return checkShapes(once('query'), once('operationName') || undefined, json('variables'), json('extensions'));
}

function checkShapes(query: unknown, operationName: unknown, variables: unknown, extensions: unknown): GraphQLParams {
  if (query != null && typeof query !== 'string') throw badRequest('`query` must be a string holding a GraphQL document.');
  if (operationName != null && typeof operationName !== 'string') throw badRequest('`operationName` must be a string.');
  if (variables != null && !isRecord(variables)) throw badRequest('`variables` must be a JSON object mapping variable names to values.');
  if (extensions != null && !isRecord(extensions)) throw badRequest('`extensions` must be a JSON object.');
  return {
    query: query ?? undefined,
    operationName: operationName ?? undefined,
    variables: variables ?? undefined,
    extensions: extensions ?? undefined,
  };
}

/** The body, refused with 413 past `limit` bytes (announced by Content-Length or counted as it arrives). */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  // The connection closes after the answer: reading the rest of an oversized body would be the attack.
  const tooLarge = () =>
    new HttpError(
      413,
      `The request body is over the limit of ${limit} bytes. Send a shorter document, or fewer variables per request.`,
      { code: 'REQUEST_TOO_LARGE', limit },
      [['connection', 'close']],
    );
  const announced = Number(request.headers['content-length']);
  if (announced > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.pause();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', (error) => reject(new HttpError(400, `The request body could not be read: ${error.message}.`, { code: 'BAD_REQUEST' })));
  });
}
