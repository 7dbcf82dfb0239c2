import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { identify, KeyRefused, type Identity } from '../access/identity.js';
import { PersistedQueryError, type PersistedQueries } from '../access/persistedQueries.js';
import { RateLimitExceeded, rateLimitHeaders, type RateLimiter } from '../access/rateLimit.js';
import type { EndpointSettings } from '../config.js';
import type { Database } from '../db/connection.js';
import { createContext, type Context } from '../graphql/context.js';
import { languageFromHeader } from '../graphql/language.js';
import { checkDocument, LimitExceeded, operationFacts, type CheckedDocument, type OperationFacts } from '../limits/documentLimits.js';
import type { Logger } from '../logger.js';
import { scopedDatabase, type RequestScope } from '../requestScope.js';
import { isDatabaseUnreachable, type DatabaseOutage } from './databaseOutage.js';
import { readGraphQLParams, type GraphQLParams } from './graphqlParams.js';
import { HttpError, sendGraphQLErrors, sendHttpError } from './httpErrors.js';
import { acceptsGraphQLJson, correctedStatus, responseMediaType, statusForRequestErrors } from './mediaTypes.js';
import type { DataVersionWatcher } from '../cache/dataVersion.js';
import { etagOf, ResponseCache } from '../cache/responseCache.js';
import type { CompiledExecution } from '../graphql/compiledExecution.js';
import { answerProvenQuery, ContentTypesChosen, type FormatError } from './provenAnswer.js';

export interface GraphQLEndpointParts {
  apollo: ApolloServer<Context>;
  schema: GraphQLSchema;
  /** The executor Apollo runs, which also knows the queries it has run (answered again without Apollo). */
  execution: CompiledExecution;
  /** Apollo's formatError, for the answers given without Apollo. */
  formatError: FormatError;
  db: Database;
  logger: Logger;
  settings: EndpointSettings;
  rateLimiter: RateLimiter;
  persistedQueries: PersistedQueries;
  outage: DatabaseOutage;
  /** Answer with `x-sql-statements` and `x-ran-by` (tests and benchmarks). */
  sqlCountHeader: boolean;
  dataVersion: DataVersionWatcher;
  /** Undefined: no response cache (RESPONSE_CACHE_MAX_BYTES=0). */
  responseCache: ResponseCache | undefined;
}

/** Where a cacheable request's answer is kept, and the ETag it carries while the data version holds. */
interface CachePlan {
  key: string;
  version: number;
  etag: string;
}

const RETRY_AFTER_OUTAGE_SECONDS = '5';

/**
 * POST/GET /graphql: every public-endpoint concern in one place, in the order a request meets them.
 *   1. read the parameters (method, content type, body size, JSON)   → 405, 415, 413, 400
 *   2. the database must not be known to be away                     → 503
 *   3. identity: anonymous by address, or a valid API key            → 401
 *   4. persisted query or allow-list: which text to run              → PersistedQueryNotFound, 403
 *   5. limits on the document: size, depth, aliases, root fields, page sizes, cost → request error
 *   6. rate limit: the estimated cost is charged to the budget       → 429 with Retry-After
 *   7. Apollo runs it, within the request time limit                 → 503 on timeout or database outage
 *      (a query Apollo has run before runs again without it: provenAnswer.ts)
 * Nothing before step 7 runs SQL, except looking up an API key. A read answered before at the current data
 * version skips 5 and 7: a matching If-None-Match gets 304, else the cached response is sent.
 */
export function graphqlEndpoint(parts: GraphQLEndpointParts) {
  const { apollo, schema, execution, formatError, db, settings, rateLimiter, persistedQueries, outage, dataVersion, responseCache } = parts;
  const { limits } = settings;
  const contentTypes = new ContentTypesChosen();

  return async function serveGraphQL(request: IncomingMessage, response: ServerResponse, url: URL, requestId: string): Promise<void> {
    const scope: RequestScope = { requestId, startedAt: Date.now(), sqlStatements: 0, stop: new AbortController() };
    const requestDb = scopedDatabase(db, scope);
    const accept = request.headers.accept;
    const headers: [string, string][] = [];
    const finish = () => {
      for (const [name, value] of headers) response.setHeader(name, value);
      if (parts.sqlCountHeader) response.setHeader('x-sql-statements', String(scope.sqlStatements));
      if (parts.sqlCountHeader && scope.ranBy) response.setHeader('x-ran-by', scope.ranBy);
    };
    try {
      const params = await readGraphQLParams(request, url, limits.maxBodyBytes);
      if (outage.active) throw databaseUnavailable();
      const identity = await identify(requestDb, request.headers, request.socket.remoteAddress, settings.trustProxy, rateLimiter);
      const operation = await persistedQueries.resolve(params.query, params.extensions);
      // Without the response cache, only a GET's ETag serves anyone (browsers and CDNs revalidate GETs):
      // a POST then skips hashing its key.
      const facts = operation.query === undefined ? undefined : operationFacts(schema, operation.query, params.operationName, limits);
      const aboutTheCaller = facts?.aboutTheCaller ?? false;
      const cache = responseCache || request.method === 'GET' ? cachePlan(dataVersion, request, params, operation.query, facts) : undefined;
      if (cache && request.headers['if-none-match'] === cache.etag) {
        // Revalidation costs the client one point: nothing is parsed or run.
        headers.push(...rateLimitHeaders(await rateLimiter.charge(identity, 1)), ['etag', cache.etag]);
        finish();
        response.statusCode = 304;
        response.setHeader('cache-control', cacheControl(request, 200, '{}', aboutTheCaller, identity));
        return void response.end();
      }
      const hit = cache && responseCache?.get(cache.key);
      if (cache && hit) {
        headers.push(...rateLimitHeaders(await rateLimiter.charge(identity, hit.cost)));
        finish();
        response.statusCode = 200;
        response.setHeader('content-type', hit.contentType);
        response.setHeader('etag', cache.etag);
        response.setHeader('x-cache', 'hit');
        response.setHeader('cache-control', cacheControl(request, 200, hit.body, aboutTheCaller, identity));
        response.appendHeader('vary', 'accept, accept-language, authorization, x-api-key');
        return void response.end(hit.body);
      }
      const checked: CheckedDocument =
        operation.query === undefined ? {} : checkDocument(schema, operation.query, params.operationName, params.variables, limits);
      await operation.register?.();
      const rateLimit = await rateLimiter.charge(identity, checked.shape?.cost ?? 1);
      headers.push(...rateLimitHeaders(rateLimit));
      const context = () => createContext(requestDb, languageFromHeader(request.headers['accept-language']), scope, { identity, rateLimit });
      const result = await withinTimeLimit(run(request, scope, params, operation.query, context), scope);
      finish();
      await sendApolloResult(request, response, result, scope, aboutTheCaller, identity, cache, checked.shape?.cost ?? 1);
    } catch (error) {
      if (error instanceof RateLimitExceeded) headers.push(...rateLimitHeaders(error.status));
      finish();
      if (error instanceof HttpError) return sendHttpError(response, accept, error);
      if (error instanceof LimitExceeded) {
        return sendGraphQLErrors(response, accept, statusForRequestErrors(responseMediaType(accept)), [
          { message: error.message, extensions: error.extensions },
        ]);
      }
      if (error instanceof KeyRefused) {
        return sendGraphQLErrors(
          response,
          accept,
          401,
          [{ message: error.message, extensions: { code: 'UNAUTHENTICATED', reason: error.reason } }],
          [['www-authenticate', 'Bearer realm="minsheng"']],
        );
      }
      if (error instanceof PersistedQueryError)
        return sendGraphQLErrors(response, accept, error.status, [{ message: error.message, extensions: { code: error.code } }]);
      if (error instanceof RateLimitExceeded) {
        const retryAfter = Math.max(1, Math.ceil((error.status.resetAt.getTime() - Date.now()) / 1000));
        return sendGraphQLErrors(
          response,
          accept,
          429,
          [
            {
              message: error.message,
              extensions: {
                code: 'RATE_LIMITED',
                limit: error.status.limit,
                cost: error.wanted,
                remaining: error.status.remaining,
                resetAt: error.status.resetAt.toISOString(),
              },
            },
          ],
          [['retry-after', String(retryAfter)]],
        );
      }
      if (isDatabaseUnreachable(error)) {
        outage.report(error, scope.startedAt);
        return sendHttpError(response, accept, databaseUnavailable());
      }
      throw error;
    }
  };

  /** The answer to a query Apollo has run before and to this Accept header, else Apollo's (and what it chose is learnt). */
  async function run(
    request: IncomingMessage,
    scope: RequestScope,
    params: GraphQLParams,
    query: string | undefined,
    context: () => Context,
  ): Promise<HTTPGraphQLResponse> {
    const proven = query === undefined ? undefined : execution.proven(query, params.operationName);
    const contentType = proven && contentTypes.of(request.headers.accept);
    if (proven && contentType) {
      const answer = await answerProvenQuery(schema, proven, context(), params.variables ?? {}, contentType, formatError);
      if (answer) {
        scope.ranBy = 'proven';
        return answer;
      }
    }
    scope.ranBy = 'apollo';
    const answer = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: apolloRequest(request, params, query), context: async () => context() });
    contentTypes.learn(request.headers.accept, answer);
    return answer;
  }

  /** The answer, unless the time limit passes or an outage is found first (then a 503). */
  async function withinTimeLimit(answer: Promise<HTTPGraphQLResponse>, scope: RequestScope): Promise<HTTPGraphQLResponse> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        scope.stop?.abort(); // its running statements are cancelled, and resolvers still waiting send no more
        reject(
          new HttpError(
            503,
            `The request ran past the time limit of ${limits.requestTimeoutMs} ms and was stopped. Ask for less per request.`,
            { code: 'REQUEST_TIMEOUT', limit: limits.requestTimeoutMs },
            [['retry-after', '1']],
          ),
        );
      }, limits.requestTimeoutMs);
    });
    answer.catch(() => {}); // what finishes after the time limit (resolvers already running) is dropped
    let stopWatching = () => {};
    const outageFound = new Promise<never>((_, reject) => {
      stopWatching = outage.watchForOutage(() => reject(databaseUnavailable()));
    });
    try {
      return await Promise.race([answer, timeout, outageFound]);
    } finally {
      clearTimeout(timer);
      stopWatching();
    }
  }

  async function sendApolloResult(
    request: IncomingMessage,
    response: ServerResponse,
    result: HTTPGraphQLResponse,
    scope: RequestScope,
    aboutTheCaller: boolean,
    identity: Identity,
    cache: CachePlan | undefined,
    cost: number,
  ) {
    for (const [name, value] of result.headers) response.setHeader(name, value);
    const body = result.body.kind === 'complete' ? result.body.string : undefined;
    response.statusCode = body === undefined ? (result.status ?? 200) : correctedStatus(result.status ?? 200, result.headers.get('content-type'), body);
    if (scope.databaseUnavailable) {
      response.statusCode = 503;
      response.setHeader('retry-after', RETRY_AFTER_OUTAGE_SECONDS);
    }
    // Only a complete success is kept, and only if the data did not change while it was computed.
    if (cache && body !== undefined && response.statusCode === 200 && !body.includes('"errors":') && dataVersion.current === cache.version) {
      responseCache?.set(cache.key, { body, contentType: String(response.getHeader('content-type') ?? 'application/json'), cost });
      response.setHeader('etag', cache.etag);
      if (responseCache) response.setHeader('x-cache', 'miss');
    }
    response.setHeader('cache-control', cacheControl(request, response.statusCode, body, aboutTheCaller, identity));
    response.appendHeader('vary', 'accept, accept-language, authorization, x-api-key');
    if (body !== undefined) return void response.end(body);
    if (result.body.kind === 'chunked') for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }

  /** Successful GETs of public data may be cached; anything about the caller (its rate limit) may not be shared. */
  function cacheControl(request: IncomingMessage, status: number, body: string | undefined, aboutTheCaller: boolean, identity: Identity): string {
    const ok = request.method === 'GET' && status === 200 && body !== undefined && !body.startsWith('{"errors"') && settings.httpCacheMaxAge > 0;
    if (!ok || aboutTheCaller) return 'no-store';
    return `${identity.kind === 'anonymous' ? 'public' : 'private'}, max-age=${settings.httpCacheMaxAge}`;
  }
}

/**
 * Reads are cacheable once the data version is known; answers about the caller (rateLimit) never are.
 * The key holds everything that shapes the answer, so two requests with one key get the same bytes.
 */
function cachePlan(
  dataVersion: DataVersionWatcher,
  request: IncomingMessage,
  params: GraphQLParams,
  query: string | undefined,
  facts: OperationFacts | undefined,
): CachePlan | undefined {
  const version = dataVersion.current;
  // Decided on the parsed operation: a mutation after a comment or a fragment is still a mutation.
  if (query === undefined || version === undefined || facts?.type !== 'query' || facts.aboutTheCaller) return undefined;
  // An Accept header no JSON answer satisfies gets Apollo's 406, whatever was cached for others.
  if (!acceptsGraphQLJson(request.headers.accept)) return undefined;
  let key: string;
  try {
    key = ResponseCache.keyOf({
      query,
      operationName: params.operationName,
      variables: params.variables,
      language: languageFromHeader(request.headers['accept-language']),
      mediaType: responseMediaType(request.headers.accept),
    });
  } catch {
    return undefined; // variables nested too deep to serialize: not cacheable, and refused further on
  }
  return { key, version, etag: etagOf(version, key) };
}

function databaseUnavailable(): HttpError {
  return new HttpError(503, 'The database is unreachable right now; retry in a few seconds.', { code: 'DATABASE_UNAVAILABLE' }, [
    ['retry-after', RETRY_AFTER_OUTAGE_SECONDS],
  ]);
}

/** The request Apollo sees: the resolved query text in place of a persisted query hash (Apollo's own APQ is off). */
function apolloRequest(request: IncomingMessage, params: GraphQLParams, query: string | undefined): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const { persistedQuery: _resolved, ...extensions } = params.extensions ?? {};
  const fields = Object.fromEntries(
    Object.entries({
      query,
      operationName: params.operationName,
      variables: params.variables,
      extensions: Object.keys(extensions).length ? extensions : undefined,
    }).filter(([, value]) => value !== undefined),
  );
  if (request.method === 'POST') return { method: 'POST', headers, search: '', body: fields };
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return { method: 'GET', headers, search: search.toString(), body: undefined };
}
