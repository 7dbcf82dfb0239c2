import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { HTTPGraphQLResponse } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { callerKeyOf, IdentityProviderUnavailable, KeyRefused, type Identity, type RequestIdentifier } from '../access/identity.js';
import { PersistedQueryError, type PersistedQueries } from '../access/persistedQueries.js';
import { RateLimitExceeded, rateLimitHeaders, type RateLimiter } from '../access/rateLimit.js';
import type { EndpointSettings, PublicationSettings } from '../config.js';
import { AnswerExtensions } from './answerExtensions.js';
import { publicBaseUrl } from './catalog/baseUrl.js';
import { Cancellation } from '../db/cancellation.js';
import type { Database } from '../db/connection.js';
import { readAsOf, VersionOutOfRange } from '../db/pastRead.js';
import { createContext } from '../graphql/context.js';
import { asOfAsked } from '../graphql/asOf.js';
import { draftsAsked } from '../graphql/includeDrafts.js';
import { languageFromHeader } from '../graphql/language.js';
import { checkDocument, checkDocumentSize, checkNestingBeforeParsing, LimitExceeded, type CheckedDocument } from '../limits/documentLimits.js';
import { MUTATION_COST } from '../limits/operationShape.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Logger } from '../logger.js';
import { scopedDatabase, type RequestScope } from '../requestScope.js';
import { actorOf } from '../writes/actor.js';
import type { DraftPreview } from '../writes/draftPreview.js';
import { EditRefused } from '../writes/edits.js';
import type { DatabaseOutage } from './databaseOutage.js';
import { isDatabaseUnreachable } from '../db/errorCauses.js';
import { readGraphQLParams, type GraphQLParams } from './graphqlParams.js';
import { HttpError, sendGraphQLErrors, sendHttpError } from './httpErrors.js';
import { acceptsGraphQLJson, correctedStatus, responseMediaType, statusForRequestErrors } from './mediaTypes.js';
import type { DataVersionWatcher } from '../cache/dataVersion.js';
import { etagOf, ResponseCache } from '../cache/responseCache.js';
import type { Execution, PreparedOperation } from '../execution/execution.js';
import { answerAsCsv, CSV_MEDIA_TYPE, csvRequested } from './answerAsCsv.js';
import { applyCompression } from './compression.js';
import { IdempotentRequests, type Claim } from './idempotency.js';
import { matchingEtag } from './plainAnswers.js';
import { pastVersionOf } from './asOfRequest.js';
import { DATA_VERSION_HEADER, type ReadPlace, type ReadRouting } from './readRouting.js';

export interface GraphQLEndpointParts {
  schema: GraphQLSchema;
  /** How operations are parsed, validated and run (src/execution). */
  execution: Execution;
  db: Database;
  logger: Logger;
  settings: EndpointSettings;
  rateLimiter: RateLimiter;
  /** Who is asking (src/access/identity.ts). */
  identify: RequestIdentifier;
  persistedQueries: PersistedQueries;
  outage: DatabaseOutage;
  /** Answer with `x-sql-statements` and `x-ran-by` (tests and benchmarks). */
  sqlCountHeader: boolean;
  dataVersion: DataVersionWatcher;
  /** Undefined: no response cache (RESPONSE_CACHE_MAX_BYTES=0). */
  responseCache: ResponseCache | undefined;
  publication: PublicationSettings;
  /** What every answer's extensions carry (data version, licence, attribution). */
  answerExtensions: AnswerExtensions;
  /** Reads with drafts applied (`query @includeDrafts`), rolled back after the read (src/writes/draftPreview.ts). */
  draftPreview: DraftPreview;
  /** Undefined without METRICS_TOKEN: nothing is measured. */
  metrics: Metrics | undefined;
  /** Which database a read runs on: a read replica that has what the client has seen, else the primary. */
  readRouting: ReadRouting;
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
 *   3. identity: anonymous by address, a valid API key or JWT        → 401
 *   4. persisted query or allow-list: which text to run              → PersistedQueryNotFound, 403
 *   5. limits on the document: size, depth, aliases, root fields, page sizes, cost → request error
 *   6. rate limit: the estimated cost is charged to the budget       → 429 with Retry-After
 *   7. it runs (src/execution), within the request time limit       → 503 on timeout or database outage
 * Nothing before step 7 runs SQL, except looking up an API key. A read answered before at the current data
 * version skips 5 and 7: a matching If-None-Match gets 304, else the cached response is sent.
 */
export function graphqlEndpoint(parts: GraphQLEndpointParts) {
  const { schema, execution, db, settings, rateLimiter, persistedQueries, outage, dataVersion, responseCache } = parts;
  const { limits } = settings;
  const idempotency = new IdempotentRequests(db);

  return async function serveGraphQL(request: IncomingMessage, response: ServerResponse, url: URL, requestId: string): Promise<void> {
    const scope: RequestScope = { requestId, startedAt: Date.now(), sqlStatements: 0, stop: new Cancellation() };
    const requestDb = scopedDatabase(db, scope);
    const asked = csvRequested(url.searchParams, request.headers.accept);
    const csv = 'csv' in asked && asked.csv ? { bom: asked.bom } : undefined;
    // A CSV is made from the JSON answer; its request errors then get 400 (graphql-response+json), not 200.
    const asAsked: IncomingHttpHeaders = csv ? { ...request.headers, accept: 'application/graphql-response+json' } : request.headers;
    const accept = asAsked.accept;
    const headers: [string, string][] = [];
    let claim: Claim | undefined;
    let settled = false;
    const finish = () => {
      for (const [name, value] of headers) response.setHeader(name, value);
      if (parts.sqlCountHeader) response.setHeader('x-sql-statements', String(scope.sqlStatements));
      if (parts.sqlCountHeader && scope.ranBy) response.setHeader('x-ran-by', scope.ranBy);
    };
    try {
      if ('error' in asked) throw new HttpError(400, asked.error, { code: 'BAD_REQUEST' });
      const params = await readGraphQLParams(request, url, limits.maxBodyBytes);
      if (outage.active) throw databaseUnavailable();
      const identity = await parts.identify(requestDb, request);
      const operation = await persistedQueries.resolve(params.query, params.extensions);
      // Without the response cache, only a GET's ETag serves anyone (browsers and CDNs revalidate GETs):
      // a POST then skips hashing its key.
      // The text is parsed once (a text seen before is not parsed again); every decision below reads the parsed operation.
      let prepared: PreparedOperation | undefined;
      if (operation.query !== undefined) {
        checkDocumentSize(operation.query, limits);
        prepared = execution.prepare(operation.query, params.operationName, (text) => checkNestingBeforeParsing(text, limits));
      }
      parts.metrics?.nameOperation(response, prepared?.operation.name?.value);
      // Read with the drafts the caller may review: an answer for the caller alone, never cached or shared.
      const withDrafts = prepared?.type === 'query' && draftsAsked(schema, prepared.operation, params.variables);
      // Read at a past data version (`@asOf`, or the Minsheng-As-Of header): never cached here, read from history.
      const asOf = prepared?.type === 'query' ? pastVersionOf(request.headers, asOfAsked(schema, prepared.operation, params.variables), withDrafts) : undefined;
      const aboutTheCaller = (prepared?.aboutTheCaller ?? false) || withDrafts;
      // Permalinks name this URL; when it comes from the request's Host, it is part of the cache key.
      const baseUrl = publicBaseUrl(parts.publication, request.headers, settings.trustProxy);
      const hostBaseUrl = parts.publication.baseUrl ? undefined : baseUrl;
      // A plain read is never answered from data older than the client has seen (readRouting.ts).
      const plainRead = prepared?.type === 'query' && !withDrafts;
      const leastVersion = plainRead ? await parts.readRouting.leastVersionFor(request, identity) : 0;
      const current = plainRead && asOf === undefined;
      const cache =
        current && leastVersion <= (dataVersion.current ?? 0) && (responseCache || request.method === 'GET')
          ? cachePlan(dataVersion, asAsked, params, prepared, csv, hostBaseUrl)
          : undefined;
      const held = cache && matchingEtag(request.headers['if-none-match'], cache.etag);
      if (held) {
        // Revalidation costs the client one point: nothing is parsed or run.
        headers.push(...rateLimitHeaders(await rateLimiter.charge(identity, 1)), ['etag', held]);
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
        response.setHeader(DATA_VERSION_HEADER, String(cache.version));
        response.setHeader('cache-control', cacheControl(request, 200, hit.body, aboutTheCaller, identity));
        if (hit.contentDisposition) response.setHeader('content-disposition', hit.contentDisposition);
        response.appendHeader('vary', 'accept, accept-language, authorization, x-api-key');
        return applyCompression(request, response, hit.body);
      }
      const checked: CheckedDocument = checkDocument(schema, prepared, params.variables, limits);
      // Checked after the document: one that does not validate is told so first.
      if (prepared?.type === 'subscription') {
        throw new HttpError(400, 'Subscriptions are served over Server-Sent Events at /graphql/stream (the graphql-sse protocol).', { code: 'BAD_REQUEST' });
      }
      await operation.register?.();
      // Applying the drafts is a write's work, rolled back: priced as one root field of a mutation more.
      const cost = (checked.shape?.cost ?? 1) + (withDrafts ? MUTATION_COST : 0);
      const rateLimit = await rateLimiter.charge(identity, cost);
      headers.push(...rateLimitHeaders(rateLimit));
      // A mutation sent again with its Idempotency-Key gets its first answer and writes nothing twice.
      const idempotencyKey = request.headers['idempotency-key'];
      if (typeof idempotencyKey === 'string' && prepared?.type === 'mutation') {
        claim = await idempotency.claim(callerKeyOf(identity), idempotencyKey, {
          query: prepared.text,
          operationName: params.operationName,
          variables: params.variables,
        });
        if (claim.kind === 'replay') {
          finish();
          response.statusCode = claim.answer.status;
          response.setHeader('content-type', claim.answer.contentType);
          response.setHeader('idempotent-replayed', 'true');
          response.setHeader('cache-control', 'no-store');
          return applyCompression(request, response, claim.answer.body);
        }
      }
      const runOn = (database: Database, extensions: object) =>
        execution.run({
          method: request.method === 'GET' ? 'GET' : 'POST',
          headers: asAsked,
          query: operation.query,
          operationName: params.operationName,
          variables: params.variables,
          extensions: params.extensions,
          prepared,
          scope,
          context: () => ({
            ...createContext(database, languageFromHeader(request.headers['accept-language']), scope, { identity, rateLimit }),
            publicBaseUrl: baseUrl,
            answerExtensions: extensions,
          }),
        });
      let result: HTTPGraphQLResponse;
      let readAt: number | undefined;
      if (withDrafts) {
        const answerExtensions = parts.answerExtensions.forAnswer();
        const run = parts.draftPreview.read(actorOf(identity, requestId), (database, drafts) =>
          runOn(scopedDatabase(database, scope), { ...answerExtensions, drafts }),
        );
        result = await withinTimeLimit(run, scope);
      } else if (plainRead) {
        // A past read runs where that version has been replayed, on the data as it was then (src/db/pastRead.ts).
        const readOn = (place: ReadPlace) =>
          asOf === undefined
            ? runOn(place.db, parts.answerExtensions.forAnswer(place.version))
            : readAsOf(place.db, asOf, (database) => runOn(scopedDatabase(database, scope), parts.answerExtensions.forAnswer(asOf)));
        let place: ReadPlace = await parts.readRouting.placeRead(Math.max(leastVersion, asOf ?? 0), scope);
        result = await withinTimeLimit(readOn(place), scope);
        if (scope.replicaFailed) {
          // The replica went away during the read: the same read, from the primary, which has every version.
          scope.replicaFailed = false;
          place = parts.readRouting.onPrimary(scope);
          result = await withinTimeLimit(readOn(place), scope);
        }
        readAt = asOf ?? place.version;
      } else {
        result = await withinTimeLimit(runOn(requestDb, parts.answerExtensions.forAnswer()), scope);
        // After a write, its writer's next reads, through any instance, see it.
        if (prepared?.type === 'mutation') readAt = await parts.readRouting.wrote(identity);
      }
      if (readAt !== undefined) response.setHeader(DATA_VERSION_HEADER, String(readAt));
      finish();
      // An answer read from a replica behind this instance's version is not kept under that version.
      const keep = cache && readAt !== undefined && readAt >= cache.version ? cache : undefined;
      await sendApolloResult(request, response, result, scope, aboutTheCaller, identity, keep, cost, csv, async (answer) => {
        // A server-side failure (5xx) is not an answer to keep: its retry runs again.
        if (claim?.kind === 'first') await claim.settle(answer.status >= 500 ? undefined : answer);
        settled = true;
      });
    } catch (error) {
      // A request that got no answer gives its Idempotency-Key back, so that its retry runs.
      if (claim?.kind === 'first' && !settled) await claim.settle(undefined);
      if (error instanceof RateLimitExceeded) headers.push(...rateLimitHeaders(error.status));
      finish();
      if (error instanceof HttpError) return sendHttpError(response, accept, error);
      if (error instanceof VersionOutOfRange) {
        return sendHttpError(
          response,
          accept,
          new HttpError(400, error.message, { code: 'BAD_USER_INPUT', earliestDataVersion: error.range.earliest, newestDataVersion: error.range.newest }),
        );
      }
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
      if (error instanceof EditRefused) {
        return sendGraphQLErrors(response, accept, error.status, [{ message: error.message, extensions: { code: error.code } }]);
      }
      if (error instanceof IdentityProviderUnavailable) {
        return sendHttpError(
          response,
          accept,
          new HttpError(503, error.message, { code: 'IDENTITY_PROVIDER_UNAVAILABLE' }, [['retry-after', RETRY_AFTER_OUTAGE_SECONDS]]),
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

  /** The answer, unless the time limit passes or an outage is found first (then a 503). */
  async function withinTimeLimit(answer: Promise<HTTPGraphQLResponse>, scope: RequestScope): Promise<HTTPGraphQLResponse> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        scope.stop?.cancel(); // its running statements are cancelled, and resolvers still waiting send no more
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
    csv: { bom: boolean } | undefined,
    answered: (answer: { status: number; contentType: string; body: string }) => Promise<void>,
  ) {
    for (const [name, value] of result.headers) response.setHeader(name, value);
    let body = result.body.kind === 'complete' ? result.body.string : undefined;
    response.statusCode = body === undefined ? (result.status ?? 200) : correctedStatus(result.status ?? 200, result.headers.get('content-type'), body);
    if (csv && body !== undefined) {
      const answer = answerAsCsv(JSON.parse(body) as { data?: unknown; errors?: { message: string }[] }, csv);
      if ('csv' in answer) {
        body = answer.csv;
        response.setHeader('content-type', CSV_MEDIA_TYPE);
        response.setHeader('content-disposition', `attachment; filename="${answer.fileName}"`);
      } else if (answer.code === 'GRAPHQL_ERRORS') {
        // The GraphQL errors as they are, never a CSV; a CSV client still sees a failure status.
        const { errors } = JSON.parse(body) as { errors: { extensions?: { code?: unknown } }[] };
        if (response.statusCode < 400) response.statusCode = errors.some((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR') ? 500 : 400;
      } else {
        response.statusCode = 400;
        body = JSON.stringify({ errors: [{ message: answer.error, extensions: { code: answer.code } }] });
      }
    }
    if (scope.databaseUnavailable) {
      response.statusCode = 503;
      response.setHeader('retry-after', RETRY_AFTER_OUTAGE_SECONDS);
    }
    // Only a complete success is kept, and only if the data did not change while it was computed.
    if (cache && body !== undefined && response.statusCode === 200 && !body.includes('"errors":') && dataVersion.current === cache.version) {
      const contentDisposition = response.getHeader('content-disposition') as string | undefined;
      responseCache?.set(cache.key, { body, contentType: String(response.getHeader('content-type') ?? 'application/json'), contentDisposition, cost });
      response.setHeader('etag', cache.etag);
      if (responseCache) response.setHeader('x-cache', 'miss');
    }
    response.setHeader('cache-control', cacheControl(request, response.statusCode, body, aboutTheCaller, identity));
    response.appendHeader('vary', 'accept, accept-language, authorization, x-api-key');
    if (body !== undefined) {
      await answered({ status: response.statusCode, contentType: String(response.getHeader('content-type') ?? 'application/json'), body });
      return applyCompression(request, response, body);
    }
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
  headers: IncomingHttpHeaders,
  params: GraphQLParams,
  prepared: PreparedOperation | undefined,
  csv: { bom: boolean } | undefined,
  hostBaseUrl: string | undefined,
): CachePlan | undefined {
  const version = dataVersion.current;
  // Decided on the parsed operation: a mutation after a comment or a fragment is still a mutation.
  if (!prepared || version === undefined || prepared.type !== 'query' || prepared.aboutTheCaller) return undefined;
  // An Accept header no JSON answer satisfies gets Apollo's 406, whatever was cached for others.
  if (!acceptsGraphQLJson(headers.accept)) return undefined;
  let key: string;
  try {
    key = ResponseCache.keyOf({
      query: prepared.text,
      operationName: params.operationName,
      variables: params.variables,
      language: languageFromHeader(headers['accept-language']),
      // The format is part of what shapes the answer: JSON, CSV and CSV with a BOM are three entries (and ETags).
      mediaType: csv ? `${CSV_MEDIA_TYPE}${csv.bom ? '; bom' : ''}` : responseMediaType(headers.accept),
      // Permalinks name the host asked when no PUBLIC_BASE_URL is set; citations name the day they were made.
      baseUrl: hostBaseUrl,
      day: new Date().toISOString().slice(0, 10),
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
