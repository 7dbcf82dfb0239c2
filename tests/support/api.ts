import { inject } from 'vitest';
import type { Database } from '../../src/db/connection.js';
import { loadConfig, type EndpointSettings, type PublicationSettings } from '../../src/config.js';
import type { DatabaseOutage } from '../../src/http/databaseOutage.js';
import { createHttpServer, type HttpServerOptions, type MinshengServer } from '../../src/http/server.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { openTestDatabase } from './databases.js';

export interface GraphQLResponse<Data = any> {
  status: number;
  headers: Headers;
  body: { data?: Data; errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[] };
  /** SQL statements the server issued for this request. */
  sqlStatements: number;
}

/** A Minsheng server on its own copy of the seeded database, reached over HTTP like any client. */
export interface TestApi {
  url: string;
  db: Database;
  query<Data = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<Data>>;
  /** Like query, but fails the test on any GraphQL error, and returns data. */
  data<Data = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Data>;
  close(): Promise<void>;
}

export interface SettingsOverrides {
  limits?: Partial<EndpointSettings['limits']>;
  rateLimits?: Partial<EndpointSettings['rateLimits']>;
  redisUrl?: string;
  redisKeyPrefix?: string;
  trustProxy?: boolean;
  allowlistFile?: string;
  httpCacheMaxAge?: number;
  responseCacheMaxBytes?: number;
  dataVersionPollMs?: number;
  downloads?: Partial<EndpointSettings['downloads']>;
  /** The identity provider whose tokens the server accepts (default: none). */
  jwt?: EndpointSettings['jwt'];
  /** The token GET /metrics requires (default: none, no /metrics). */
  metricsToken?: string;
}

/** The endpoint settings a server gets from an empty environment: what production runs with. */
export const defaultSettings = (): EndpointSettings => loadConfig({}).endpoint;

/**
 * The endpoint settings of a test server: the defaults of src/config.ts, except budgets so large that
 * only the tests about rate limits, which set their own, ever meet them, and a cost limit that lets the
 * statement-count tests page 50 items four levels deep (6.5 million estimated, to prove batching holds)
 * where production stops at 500,000. tests/api/limits.test.ts runs with the production limits. The
 * response cache is off, so that every request really runs (tests count its SQL statements); the tests
 * of the cache turn it on.
 */
export function testSettings(overrides: SettingsOverrides = {}): EndpointSettings {
  const defaults = defaultSettings();
  return {
    ...defaults,
    responseCacheMaxBytes: 0,
    ...overrides,
    limits: { ...defaults.limits, maxQueryCost: 10_000_000, ...overrides.limits },
    rateLimits: { ...defaults.rateLimits, anonymous: 1e9, standard: 1e9, partner: 1e9, ...overrides.rateLimits },
    downloads: { ...defaults.downloads, ...overrides.downloads },
  };
}

export interface StartApiOptions {
  settings?: SettingsOverrides;
  /** Serve this database instead of a fresh copy of the seeded one (the caller closes it). */
  db?: Database;
  /** Where the server logs (default: nowhere). */
  logger?: Logger;
  /** Licence, publisher and public URL (default: none stated, as from an empty environment). */
  publication?: PublicationSettings;
  /** The server's outage tracker (default: its own). */
  outage?: DatabaseOutage;
  /** Read replicas of `db` (the server closes them). */
  replicas?: HttpServerOptions['replicas'];
}

export async function startApi(options: StartApiOptions = {}): Promise<TestApi> {
  const db = options.db ?? (await openTestDatabase(inject('seeded')));
  const http: MinshengServer = await createHttpServer({
    db,
    logger: options.logger ?? createLogger('silent'),
    sqlCountHeader: true,
    settings: testSettings(options.settings),
    outage: options.outage,
    replicas: options.replicas,
    publication: options.publication ?? loadConfig({}).publication,
  });
  const { url } = await http.listen(0, '127.0.0.1');
  async function query<Data>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse<Data>> {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as GraphQLResponse<Data>['body'],
      sqlStatements: Number(response.headers.get('x-sql-statements')),
    };
  }
  return {
    url,
    db,
    query,
    async data<Data>(text: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
      const result = await query<Data>(text, variables, headers);
      if (result.body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(result.body.errors)}`);
      return result.body.data as Data;
    },
    async close() {
      await http.close();
      if (!options.db) await db.close(); // a database passed in belongs to the caller
    },
  };
}

/**
 * A GraphQL answer without the `extensions` every answer carries, after checking they say what they must
 * (the data version it was read at, the licence as stated, an attribution line): for comparing answers.
 */
export function withoutExtensions(body: unknown): Record<string, unknown> {
  const { extensions, ...answer } = body as Record<string, unknown>;
  const said = extensions as { dataVersion?: unknown; license?: unknown; attribution?: unknown } | undefined;
  if (typeof said?.dataVersion !== 'number' || typeof said.attribution !== 'string' || !('license' in said)) {
    throw new Error(`The answer's extensions lack the data version, licence or attribution: ${JSON.stringify(extensions)}`);
  }
  return answer;
}
