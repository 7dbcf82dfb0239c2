import type { ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read from the server's parts when scraped: counts the parts keep anyway. */
export interface MetricSources {
  dataVersion(): number | undefined;
  responseCache(): { hits: number; misses: number; bytes: number; entries: number } | undefined;
  rateLimitRefusals(): number;
  /** Connections the database pool may open (1 for the embedded database). */
  poolSize: number;
  /** Each read replica (named by host, port and database: as many as configured), as last polled. */
  replicas(): readonly { name: string; reachable: boolean; lagMs?: number; serving: boolean }[];
}

// Operation names are the client's to choose: only this many distinct ones get a series of their own.
const MAX_OPERATION_NAMES = 50;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const OTHER_OPERATION = '(other)';
const ANONYMOUS_OPERATION = '(anonymous)';

/**
 * The server's metrics in Prometheus' text format (`GET /metrics`), with prom-client: request durations by
 * route, operation and status; SQL statements and their duration; statements in flight against the pool;
 * the response cache; rate-limit refusals; the data version; and Node's own (memory, event loop, GC). Every
 * label has a bounded set of values: no query text, no client address.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();
  private readonly operationOf = new WeakMap<ServerResponse, string>();
  private readonly requestSeconds: Histogram<'route' | 'operation' | 'status'>;
  private readonly statementSeconds: Histogram<'outcome'>;
  // An object, so that the gauges' collect functions (called with `this` as the gauge) can read it.
  private readonly statements = { inFlight: 0 };

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'minsheng_' });
    this.requestSeconds = new Histogram({
      name: 'minsheng_http_request_duration_seconds',
      help: 'HTTP requests by route, GraphQL operation name (the first 50 distinct names; the rest "(other)") and status.',
      labelNames: ['route', 'operation', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.statementSeconds = new Histogram({
      name: 'minsheng_sql_statement_duration_seconds',
      help: 'SQL statements of the read path (reads, lookups, checks), by outcome: ok or error.',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers,
    });
    const statements = this.statements;
    new Gauge({
      name: 'minsheng_db_pool_in_use',
      help: 'Statements running on the pool’s connections (at most the pool size).',
      registers,
      collect() {
        this.set(Math.min(statements.inFlight, sources.poolSize));
      },
    });
    new Gauge({
      name: 'minsheng_db_pool_waiting',
      help: 'Statements waiting for a connection of the pool.',
      registers,
      collect() {
        this.set(Math.max(0, statements.inFlight - sources.poolSize));
      },
    });
    new Gauge({
      name: 'minsheng_data_version',
      help: 'The data version this instance serves (bumped by every published change).',
      registers,
      collect() {
        const version = sources.dataVersion();
        if (version !== undefined) this.set(version);
      },
    });
    const cacheCounter = (name: string, help: string, read: (cache: NonNullable<ReturnType<MetricSources['responseCache']>>) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          const cache = sources.responseCache();
          this.reset();
          if (cache) this.inc(read(cache));
        },
      });
    cacheCounter('minsheng_response_cache_hits_total', 'Answers served from the response cache.', (cache) => cache.hits);
    cacheCounter('minsheng_response_cache_misses_total', 'Cacheable requests whose answer the response cache did not hold.', (cache) => cache.misses);
    new Gauge({
      name: 'minsheng_response_cache_bytes',
      help: 'Bytes the response cache holds.',
      registers,
      collect() {
        this.set(sources.responseCache()?.bytes ?? 0);
      },
    });
    new Gauge({
      name: 'minsheng_replica_lag_seconds',
      help: 'How long each read replica has been behind the primary’s data version (0: it has the latest); absent while it is unreachable.',
      labelNames: ['replica'],
      registers,
      collect() {
        this.reset();
        for (const replica of sources.replicas()) if (replica.lagMs !== undefined) this.set({ replica: replica.name }, replica.lagMs / 1000);
      },
    });
    new Gauge({
      name: 'minsheng_replica_serving',
      help: 'Whether reads go to each read replica now (1), or it is skipped as unreachable or too far behind (0).',
      labelNames: ['replica'],
      registers,
      collect() {
        this.reset();
        for (const replica of sources.replicas()) this.set({ replica: replica.name }, replica.serving ? 1 : 0);
      },
    });
    new Counter({
      name: 'minsheng_rate_limit_refusals_total',
      help: 'Requests refused with 429 because their cost exceeded the caller’s budget.',
      registers,
      collect() {
        this.reset();
        this.inc(sources.rateLimitRefusals());
      },
    });
  }

  /** Names the GraphQL operation a response answers, for its request's duration series. */
  nameOperation(response: ServerResponse, name: string | undefined): void {
    this.operationOf.set(response, name ?? ANONYMOUS_OPERATION);
  }

  /** Times a request from now until its response is finished (or its client goes away). */
  timeRequest(response: ServerResponse, route: () => string): void {
    const end = this.requestSeconds.startTimer();
    response.once('close', () => {
      const operation = this.operationOf.get(response);
      end({ route: route(), operation: operation === undefined ? '' : this.boundedName(operation), status: String(response.statusCode) });
    });
  }

  /** Times one statement, counting it in flight while it runs. */
  async timeStatement<T>(run: () => Promise<T>): Promise<T> {
    const end = this.statementSeconds.startTimer();
    this.statements.inFlight += 1;
    try {
      const result = await run();
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      throw error;
    } finally {
      this.statements.inFlight -= 1;
    }
  }

  private boundedName(name: string): string {
    if (name === ANONYMOUS_OPERATION || this.operationNames.has(name)) return name;
    if (!OPERATION_NAME.test(name) || this.operationNames.size >= MAX_OPERATION_NAMES) return OTHER_OPERATION;
    this.operationNames.add(name);
    return name;
  }
}
