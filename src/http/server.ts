import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApolloServerPlugin } from '@apollo/server';
import { MemoryBudgetStore, RedisBudgetStore } from '../access/budgetStore.js';
import { MemoryQueryTextStore, PersistedQueries, readAllowlist, RedisQueryTextStore } from '../access/persistedQueries.js';
import { requestIdentifier } from '../access/identity.js';
import { RateLimiter } from '../access/rateLimit.js';
import { TokenVerifier } from '../access/tokens.js';
import { connectRedis } from '../access/redisClient.js';
import { loadConfig, type EndpointSettings, type PublicationSettings } from '../config.js';
import type { Database } from '../db/connection.js';
import type { Context } from '../graphql/context.js';
import { DataVersionWatcher } from '../cache/dataVersion.js';
import { DraftNotices } from '../writes/draftNotices.js';
import { ResponseCache } from '../cache/responseCache.js';
import { Execution } from '../execution/execution.js';
import { graphqlSchema } from '../composition/schema.js';
import { seedKindsByName } from '../composition/seeds.js';
import type { Logger } from '../logger.js';
import { tagErrors } from '../requestScope.js';
import { Cors } from './cors.js';
import { DatabaseOutage } from './databaseOutage.js';
import { explorerAsset, explorerContentSecurityPolicy } from './explorer.js';
import { graphqlEndpoint } from './graphqlEndpoint.js';
import { formatGraphQLError } from './graphqlErrors.js';
import { readinessOf } from './health.js';
import { publicDataRoutes } from './publicData.js';
import { AnswerExtensions } from './answerExtensions.js';
import { CatalogFactsCache } from './catalog/factsCache.js';
import { sendJson } from './plainAnswers.js';
import { Metrics } from '../metrics/metrics.js';
import { measuredDatabase } from '../metrics/measuredDatabase.js';
import { serveMetrics } from './metricsRoute.js';
import { ChangeStreams } from './changeStream.js';
import { DraftPreview } from '../writes/draftPreview.js';
import { ReadReplicas, type Replica } from '../db/replicas.js';
import { MemoryWrittenVersions, RedisWrittenVersions } from '../cache/writtenVersions.js';
import { ReadRouting } from './readRouting.js';
import { importRoute } from '../imports/route.js';

export interface HttpServerOptions {
  db: Database;
  logger: Logger;
  /** Answer with `x-sql-statements` (and `x-ran-by`) headers (tests and benchmarks). */
  sqlCountHeader?: boolean;
  /** Limits, rate limits, Redis, allow-list; read from the environment (src/config.ts) when not given. */
  settings?: EndpointSettings;
  /** Licence, publisher and public URL of the data; read from the environment when not given. */
  publication?: PublicationSettings;
  /** Who tracks whether the database is reachable (tests pass their own to look at it). */
  outage?: DatabaseOutage;
  /** Connections the database pool opens (DB_POOL_SIZE), for /metrics; 1 on the embedded database. */
  poolSize?: number;
  /** Read replicas of `db` for plain reads (DATABASE_READ_URLS), closed with the server; none by default. */
  replicas?: { replicas: Replica[]; maxLagMs: number };
}

const DEFAULT_POOL_SIZE = 10;

export interface MinshengServer {
  server: Server;
  listen(port: number, host: string): Promise<{ url: string; port: number }>;
  /** Stops taking requests, lets those in flight finish (no client is cut off), then stops GraphQL. */
  close(): Promise<void>;
}

/**
 * Plain node:http in front of Apollo's executeHTTPGraphQLRequest: four routes need no framework, and no
 * framework is the lightest HTTP layer there is (the performance issue measures it). What guards the
 * public endpoint (limits, keys, rate limits, persisted queries) is composed in graphqlEndpoint.ts.
 */
export async function createHttpServer({
  db: database,
  logger,
  sqlCountHeader = false,
  settings = loadConfig().endpoint,
  publication = loadConfig().publication,
  ...options
}: HttpServerOptions): Promise<MinshengServer> {
  // Only with a token to read them by: otherwise no request and no statement pays for timing itself.
  // The sources are read when scraped: by then every part named here exists.
  const metrics: Metrics | undefined = settings.metricsToken
    ? new Metrics({
        dataVersion: () => dataVersion.current,
        responseCache: () => responseCache && { hits: responseCache.hits, misses: responseCache.misses, ...responseCache.size },
        rateLimitRefusals: () => rateLimiter.refusals,
        poolSize: database.kind === 'pglite' ? 1 : (options.poolSize ?? DEFAULT_POOL_SIZE),
        replicas: () => replicas?.status() ?? [],
      })
    : undefined;
  const db: Database = metrics ? measuredDatabase(database, metrics) : database;
  const measured = (replica: Replica): Replica => (metrics ? { name: replica.name, db: measuredDatabase(replica.db, metrics) } : replica);
  const outage = options.outage ?? new DatabaseOutage(db, logger);
  const schema = graphqlSchema();
  const formatError = formatGraphQLError(logger, (error, requestStartedAt) => outage.report(error, requestStartedAt));
  const execution = await Execution.start({ schema, logger, formatError, plugins: [errorsKnowTheirRequest] });

  const redisLink = settings.redisUrl ? await connectRedis(settings.redisUrl, logger) : undefined;
  const rateLimiter = new RateLimiter(redisLink ? new RedisBudgetStore(redisLink, settings.redisKeyPrefix) : new MemoryBudgetStore(), settings.rateLimits);
  const queryTexts = redisLink ? new RedisQueryTextStore(redisLink.redis, settings.redisKeyPrefix) : new MemoryQueryTextStore();
  // The identity provider's key set is read once per server, never per request.
  const identify = requestIdentifier(settings.trustProxy, rateLimiter, new TokenVerifier(settings.jwt));
  const persistedQueries = new PersistedQueries(queryTexts, settings.allowlistFile ? readAllowlist(settings.allowlistFile) : undefined);
  const dataVersion = new DataVersionWatcher(db, settings.dataVersionPollMs, logger);
  await dataVersion.start();
  const responseCache = settings.responseCacheMaxBytes > 0 ? new ResponseCache(settings.responseCacheMaxBytes) : undefined;
  if (responseCache) dataVersion.onChange(() => responseCache.clear());
  const replicas = options.replicas?.replicas.length
    ? new ReadReplicas(
        options.replicas.replicas.map(measured),
        () => dataVersion.current,
        { pollMs: settings.dataVersionPollMs, maxLagMs: options.replicas.maxLagMs },
        logger,
      )
    : undefined;
  if (replicas) {
    dataVersion.onChange((version) => replicas.primaryMovedTo(version));
    await replicas.start();
  }
  // A writer's last version is kept as long as a replica may serve reads without it.
  const keepWrittenMs = Math.max(60_000, (options.replicas?.maxLagMs ?? 0) * 2);
  const writtenVersions = redisLink ? new RedisWrittenVersions(redisLink, settings.redisKeyPrefix, keepWrittenMs) : new MemoryWrittenVersions(keepWrittenMs);
  const catalogFacts = new CatalogFactsCache(db, dataVersion);
  const answerExtensions = new AnswerExtensions(publication, db, dataVersion, logger);
  await answerExtensions.start();
  const serveGraphQL = graphqlEndpoint({
    schema,
    execution,
    db,
    logger,
    settings,
    rateLimiter,
    identify,
    persistedQueries,
    outage,
    sqlCountHeader,
    dataVersion,
    responseCache,
    publication,
    answerExtensions,
    draftPreview: new DraftPreview(db, seedKindsByName),
    metrics,
    readRouting: new ReadRouting(db, dataVersion, writtenVersions, replicas),
  });
  const draftNotices = new DraftNotices(db, logger);
  await draftNotices.start();
  const changeStreams = new ChangeStreams({ schema, db, identify, rateLimiter, dataVersion, draftNotices });
  const routes = publicDataRoutes({ db, logger, schema, settings, publication, dataVersion, rateLimiter, identify, catalogFacts });
  const serveImports = importRoute({ db, logger, rateLimiter, identify, kinds: seedKindsByName });
  const cors = new Cors(settings.corsAllowedOrigins);
  const drain = new Drain();

  async function handle(request: IncomingMessage, response: ServerResponse) {
    drain.track(response);
    let route = 'unknown';
    metrics?.timeRequest(response, () => route);
    const requestId = validRequestId(request.headers['x-request-id']) ?? randomUUID();
    response.setHeader('x-request-id', requestId);
    cors.allowReading(request, response);
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      return sendJson(response, 400, { error: 'The request target is not a valid URL path.' });
    }
    try {
      if (request.method === 'OPTIONS') return cors.answerOptions(request, response, methodsOf(url.pathname));
      if (url.pathname === '/graphql') {
        route = 'graphql';
        return await serveGraphQL(request, response, url, requestId);
      }
      if (url.pathname === STREAM_PATH) {
        route = 'graphql-stream';
        if (request.method !== 'GET' && request.method !== 'POST') return sendJson(response, 405, { error: 'GET or POST a subscription here.' });
        return await changeStreams.serve(request, response, requestId);
      }
      if (url.pathname === '/imports') {
        route = 'imports';
        return await serveImports(request, response, url, requestId);
      }
      if (url.pathname === '/metrics') {
        route = 'metrics';
        return await serveMetrics(request, response, settings.metricsToken, metrics?.registry);
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, { error: 'Only GET here; the API is at /graphql.' });
      for (const candidate of routes) {
        const match = candidate.path.exec(url.pathname);
        if (match) {
          route = candidate.name;
          return await candidate.handle(request, response, url, match, requestId);
        }
      }
      if (url.pathname === '/healthz' || url.pathname === '/readyz') route = url.pathname.slice(1);
      if (url.pathname === '/healthz') {
        // What the per-text caches hold: each is bounded in bytes, and their sum stays well below the heap.
        const caches = {
          ...execution.sizes(),
          responses: responseCache?.size,
          persistedQueryTexts: queryTexts instanceof MemoryQueryTextStore ? queryTexts.size : undefined,
        };
        const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
        return sendJson(response, 200, { status: 'ok', caches, memory: { rss, heapUsed, heapTotal, external } });
      }
      if (url.pathname === '/readyz') {
        // While the database is known to be away, say so at once instead of waiting for a connection to time out.
        const readiness = outage.active ? { ready: false, database: 'unreachable' } : await readinessOf(db);
        // Replicas are reported, not required: without them reads go to the primary.
        return sendJson(response, readiness.ready ? 200 : 503, replicas ? { ...readiness, replicas: replicas.status() } : readiness);
      }
      const asset = explorerAsset(url.pathname);
      if (asset) {
        route = 'explorer';
        response.setHeader('content-type', asset.contentType);
        response.setHeader('content-security-policy', explorerContentSecurityPolicy);
        response.setHeader('cache-control', url.pathname === '/' ? 'no-cache' : 'public, max-age=3600');
        return response.end(request.method === 'HEAD' ? undefined : asset.body);
      }
      return sendJson(response, 404, { error: `Nothing at ${url.pathname}. The API is at /graphql, its explorer at /.` });
    } catch (error) {
      logger.error('request failed', { requestId, error: error instanceof Error ? error.stack : String(error) });
      if (!response.headersSent) sendJson(response, 500, { error: `Internal server error. Quote request id ${requestId} when reporting it.` });
      else response.end();
    }
  }

  const server = createServer((request, response) => void handle(request, response));
  // A client that trickles its request in (slowloris) is cut off; answering is bounded by REQUEST_TIMEOUT_MS.
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  // Idle kept-alive connections outlive the clients' own idle time (undici, HAProxy: a few seconds), so that a
  // client, not the server, closes them: a server closing one as a client reuses it resets that request.
  server.keepAliveTimeout = 12_000;
  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address();
          const boundPort = typeof address === 'object' && address ? address.port : port;
          resolve({ url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`, port: boundPort });
        });
      }),
    close: async () => {
      changeStreams.close();
      await drain.stop(server);
      outage.stop();
      dataVersion.stop();
      await draftNotices.stop();
      await replicas?.close();
      await execution.stop();
      await redisLink?.redis.quit().catch(() => redisLink.redis.disconnect());
    },
  };
}

/**
 * Stops a server without cutting a client off. A kept-alive connection may carry a new request at any
 * moment, and closing it under a request on its way resets it. So once stopping, every answer says
 * `Connection: close` (its connection closes after it, and the client opens no further request on it),
 * and connections that are idle are closed only after DRAIN_GRACE_MS, once a request sent just before the
 * stop has arrived and been answered. Meanwhile new connections are still accepted, and answered likewise.
 */
class Drain {
  private stopping = false;
  private readonly unanswered = new Set<ServerResponse>();

  track(response: ServerResponse) {
    if (this.stopping) return void response.setHeader('connection', 'close');
    this.unanswered.add(response);
    response.once('close', () => this.unanswered.delete(response));
  }

  async stop(server: Server) {
    this.stopping = true;
    for (const response of this.unanswered) if (!response.headersSent) response.setHeader('connection', 'close');
    this.unanswered.clear();
    const open = await new Promise<number>((resolve) => server.getConnections((_, count) => resolve(count)));
    if (open > 0) {
      await sleep(DRAIN_GRACE_MS);
      await new Promise(setImmediate); // what arrived meanwhile is read, so its connection is no longer idle
    }
    // Stops listening, closes the connections that are idle and waits for the others to be answered.
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Where subscriptions are served, over Server-Sent Events (changeStream.ts). */
const STREAM_PATH = '/graphql/stream';

/** Time for a request sent on a kept-alive connection just before the stop to arrive (a network's latency, with room). */
const DRAIN_GRACE_MS = 500;

function validRequestId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(header) ? header : undefined;
}
/** Tags each error with its request's scope before formatError runs, which gets no context (graphqlErrors.ts). */
const errorsKnowTheirRequest: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        tagErrors(errors, contextValue.scope);
      },
    };
  },
};

/** The methods a path answers, for OPTIONS and a browser's preflight. */
function methodsOf(path: string): string {
  if (path === '/graphql' || path === STREAM_PATH) return 'GET, POST, OPTIONS';
  if (path === '/imports') return 'POST, OPTIONS';
  return 'GET, HEAD, OPTIONS';
}
