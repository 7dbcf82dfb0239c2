import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable the server reads, parsed once. A bad value stops start-up with a message
 * that names the variable and says what it takes.
 */
export const DEFAULT_DB_STATEMENT_TIMEOUT_MS = 5000;
export const DEFAULT_DB_CONNECT_TIMEOUT_SECONDS = 5;

/** An origin as browsers send it: `https://host[:port]`, no path, no trailing slash. */
function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === text;
  } catch {
    return false;
  }
}

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  SEED_ON_START: booleanFlag.default(true),
  SQL_COUNT_HEADER: booleanFlag.default(false),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(DEFAULT_DB_STATEMENT_TIMEOUT_MS),
  DB_CONNECT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(DEFAULT_DB_CONNECT_TIMEOUT_SECONDS),
  // DATABASE_URL names a pooler in transaction mode (PgBouncer): src/db/pooler.ts.
  DB_POOLER: z.enum(['none', 'transaction']).default('none'),
  // Read replicas (PostgreSQL standbys) that plain reads go to: src/db/replicas.ts.
  DATABASE_READ_URLS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((url) => url.trim())
        .filter((url) => url !== ''),
    )
    .refine((urls) => urls.every((url) => /^postgres(ql)?:\/\//.test(url)), 'must be postgres:// URLs separated by commas')
    .optional(),
  REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).default(5000),
  // The public endpoint: limits checked before execution, identity, rate limits, persisted queries.
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  MAX_DOCUMENT_BYTES: z.coerce
    .number()
    .int()
    .min(256)
    .default(64 * 1024),
  MAX_DEPTH: z.coerce.number().int().min(2).max(100).default(15),
  MAX_ALIASES: z.coerce.number().int().min(0).default(100),
  MAX_ROOT_FIELDS: z.coerce.number().int().min(1).default(20),
  MAX_QUERY_COST: z.coerce.number().int().min(1).default(500_000),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  HTTP_CACHE_MAX_AGE: z.coerce.number().int().min(0).default(60),
  DOWNLOADS_CONCURRENT: z.coerce.number().int().min(1).default(4),
  DOWNLOADS_QUEUED: z.coerce.number().int().min(0).default(16),
  DOWNLOADS_QUEUE_WAIT_MS: z.coerce.number().int().min(0).default(10_000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  REDIS_KEY_PREFIX: z.string().min(1).default('minsheng:'),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3600),
  RATE_LIMIT_ANONYMOUS: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1)
    .default(2_000_000),
  RATE_LIMIT_STANDARD: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1)
    .default(20_000_000),
  RATE_LIMIT_PARTNER: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1)
    .default(200_000_000),
  RATE_LIMIT_FAILED_KEYS: z.coerce.number().int().min(1).default(10),
  CORS_ALLOWED_ORIGINS: z
    .string()
    .default('*')
    .transform((value, context) => {
      if (value.trim() === '*') return '*' as const;
      const origins = value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean);
      const notOrigins = origins.filter((origin) => !isOrigin(origin));
      if (origins.length === 0 || notOrigins.length > 0) {
        context.addIssue({
          code: 'custom',
          message: `must be * or a comma-separated list of origins such as https://news.example (scheme, host and port only)${notOrigins.length ? `; not origins: ${notOrigins.join(', ')}` : ''}`,
        });
        return z.NEVER;
      }
      return origins;
    }),
  TRUST_PROXY: booleanFlag.default(false),
  PERSISTED_QUERIES_ALLOWLIST: z.string().min(1).optional(),
  // Tokens from an identity provider (src/access/tokens.ts): all three of issuer, audience and key set, or none.
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWT_JWKS: z
    .string()
    .min(1)
    .refine((value) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('https://'), 'must be the path of a JWKS file or an https:// URL')
    .optional(),
  JWT_CLAIMS: z.string().min(1).default('minsheng'),
  RESPONSE_CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(32 * 1024 * 1024),
  DATA_VERSION_POLL_MS: z.coerce.number().int().min(50).default(1000),
  // GET /metrics answers only `Authorization: Bearer <this>`; unset, there is no /metrics.
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (a secret: say `openssl rand -hex 16`)').optional(),
  // Who publishes the data and under which licence: said in the catalog, downloads and every answer's extensions.
  DATA_LICENSE: z.string().min(1).optional(),
  DATA_PUBLISHER: z.string().min(1).optional(),
  PUBLIC_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^/]+(\/.*)?$/, 'must be an absolute http(s) URL such as https://data.example.gov.cn')
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
});

export type Config = {
  port: number;
  host: string;
  /** postgres:// URL, or undefined for the embedded PGlite database. */
  databaseUrl: string | undefined;
  dataDir: string;
  dbPoolSize: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  production: boolean;
  /** Seed an empty embedded database at start. */
  seedOnStart: boolean;
  /** Answer every request with an `x-sql-statements` header (tests, benchmarks). */
  sqlCountHeader: boolean;
  /** PostgreSQL's statement_timeout for every connection (0: none). */
  dbStatementTimeoutMs: number;
  dbConnectTimeoutSeconds: number;
  /** DATABASE_URL names a pooler in transaction mode: src/db/pooler.ts. */
  dbPooler: 'none' | 'transaction';
  /** Read replicas of DATABASE_URL (postgres:// URLs); empty: every read goes to DATABASE_URL. */
  databaseReadUrls: string[];
  /** A replica behind the primary's data version for longer than this gets no reads until it catches up. */
  replicaMaxLagMs: number;
  endpoint: EndpointSettings;
  publication: PublicationSettings;
};

/** Who publishes the data, under which licence, and where: deployment settings, never guessed. */
export interface PublicationSettings {
  /** The data's licence (an SPDX id or URL) as the deployment states it; undefined: not stated. */
  license: string | undefined;
  /** Who publishes this API's data; undefined: not stated. */
  publisher: string | undefined;
  /** The public URL this server is reached at (permalinks, catalog); undefined: taken from each request's Host. */
  baseUrl: string | undefined;
}

/** Settings of the public GraphQL endpoint (src/http/graphqlEndpoint.ts), one place for every limit. */
export interface EndpointSettings {
  limits: {
    maxBodyBytes: number;
    maxDocumentBytes: number;
    maxDepth: number;
    maxAliases: number;
    maxRootFields: number;
    maxQueryCost: number;
    requestTimeoutMs: number;
  };
  /**
   * Cost points per window for each kind of client; and how many unknown or revoked API keys an address
   * may present per minute (each costs a lookup) before its keys are refused unlooked-up.
   */
  rateLimits: { windowSeconds: number; anonymous: number; standard: number; partner: number; failedKeysPerMinute: number };
  /** Redis for budgets and persisted queries shared by several instances; unset: in-process memory. */
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  /** Take the client address from X-Forwarded-For (behind a load balancer). */
  trustProxy: boolean;
  /** Path of an operation manifest: when set, only the operations it lists run. */
  allowlistFile: string | undefined;
  /** Bearer tokens from an identity provider; undefined: only API keys are accepted. */
  jwt: JwtSettings | undefined;
  /** max-age of successful GET responses. */
  httpCacheMaxAge: number;
  /** Whole responses kept in memory, bounded in bytes (0: no response cache). */
  responseCacheMaxBytes: number;
  /** How often the data version is read from PostgreSQL: the longest a cached answer outlives a write. */
  dataVersionPollMs: number;
  /** The bearer token GET /metrics (Prometheus) requires; undefined: no /metrics. */
  metricsToken: string | undefined;
  /** Origins whose pages may read answers in a browser (CORS): any, or these. */
  corsAllowedOrigins: '*' | string[];
  /** Bulk downloads running at once, and those waiting for a turn (src/http/downloads/slots.ts). */
  downloads: DownloadSlotLimits;
}

/** The identity provider whose tokens are accepted (modelled on Hasura's JWT mode). */
export interface JwtSettings {
  /** The `iss` tokens must carry. */
  issuer: string;
  /** What their `aud` must include. */
  audience: string;
  /** The provider's public keys: the path of a JWKS file, or its https:// URL. */
  jwks: string;
  /** The claim holding Minsheng's claims object (`role`, `organizations`, `domains`). */
  claims: string;
}

/** How many bulk downloads run at once on one server, and how a download beyond that is treated. */
export interface DownloadSlotLimits {
  /** Downloads streaming at once: each holds a database connection while it streams. */
  concurrent: number;
  /** Downloads that may wait for a slot, in order of arrival; one more is refused at once. */
  queued: number;
  /** The longest a download waits for a slot before it is refused. */
  waitMs: number;
}

export class ConfigError extends Error {}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const defined = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(defined);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0]);
      return `${variable}=${JSON.stringify(environment[variable])}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const env = parsed.data;
  if (env.DATABASE_READ_URLS?.length && !env.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  DATABASE_READ_URLS is set without DATABASE_URL: read replicas are replicas of a PostgreSQL primary, named by DATABASE_URL.',
    );
  }
  const jwtVariables = { JWT_ISSUER: env.JWT_ISSUER, JWT_AUDIENCE: env.JWT_AUDIENCE, JWT_JWKS: env.JWT_JWKS };
  const unset = Object.keys(jwtVariables).filter((name) => jwtVariables[name as keyof typeof jwtVariables] === undefined);
  if (unset.length > 0 && unset.length < 3) {
    throw new ConfigError(
      `Invalid configuration:\n  ${unset.join(' and ')} ${unset.length === 1 ? 'is' : 'are'} not set: tokens from an identity provider need JWT_ISSUER, JWT_AUDIENCE and JWT_JWKS all set (or none of them)`,
    );
  }
  const jwt =
    env.JWT_ISSUER && env.JWT_AUDIENCE && env.JWT_JWKS
      ? {
          issuer: env.JWT_ISSUER,
          audience: env.JWT_AUDIENCE,
          jwks: env.JWT_JWKS.startsWith('https://') ? env.JWT_JWKS : path.resolve(env.JWT_JWKS),
          claims: env.JWT_CLAIMS,
        }
      : undefined;
  return {
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: path.resolve(env.DATA_DIR),
    dbPoolSize: env.DB_POOL_SIZE,
    logLevel: env.LOG_LEVEL,
    production: env.NODE_ENV === 'production',
    seedOnStart: env.SEED_ON_START,
    sqlCountHeader: env.SQL_COUNT_HEADER,
    dbStatementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    dbConnectTimeoutSeconds: env.DB_CONNECT_TIMEOUT_SECONDS,
    dbPooler: env.DB_POOLER,
    databaseReadUrls: env.DATABASE_READ_URLS ?? [],
    replicaMaxLagMs: env.REPLICA_MAX_LAG_MS,
    endpoint: {
      limits: {
        maxBodyBytes: env.MAX_BODY_BYTES,
        maxDocumentBytes: env.MAX_DOCUMENT_BYTES,
        maxDepth: env.MAX_DEPTH,
        maxAliases: env.MAX_ALIASES,
        maxRootFields: env.MAX_ROOT_FIELDS,
        maxQueryCost: env.MAX_QUERY_COST,
        requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
      },
      rateLimits: {
        windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
        anonymous: env.RATE_LIMIT_ANONYMOUS,
        standard: env.RATE_LIMIT_STANDARD,
        partner: env.RATE_LIMIT_PARTNER,
        failedKeysPerMinute: env.RATE_LIMIT_FAILED_KEYS,
      },
      redisUrl: env.REDIS_URL,
      redisKeyPrefix: env.REDIS_KEY_PREFIX,
      trustProxy: env.TRUST_PROXY,
      allowlistFile: env.PERSISTED_QUERIES_ALLOWLIST ? path.resolve(env.PERSISTED_QUERIES_ALLOWLIST) : undefined,
      jwt,
      httpCacheMaxAge: env.HTTP_CACHE_MAX_AGE,
      responseCacheMaxBytes: env.RESPONSE_CACHE_MAX_BYTES,
      dataVersionPollMs: env.DATA_VERSION_POLL_MS,
      metricsToken: env.METRICS_TOKEN,
      corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS,
      downloads: { concurrent: env.DOWNLOADS_CONCURRENT, queued: env.DOWNLOADS_QUEUED, waitMs: env.DOWNLOADS_QUEUE_WAIT_MS },
    },
    publication: { license: env.DATA_LICENSE, publisher: env.DATA_PUBLISHER, baseUrl: env.PUBLIC_BASE_URL },
  };
}
