/**
 * Load for one query on one server: autocannon at a fixed concurrency for a fixed time, after a short
 * warm-up whose numbers are dropped (JIT, connection pool, plan and document caches).
 */
import autocannon from 'autocannon';
import { cpuBetween, type CpuReading } from './machine.js';
import type { Operation } from './queries.js';

export interface LoadSettings {
  connections: number;
  seconds: number;
  warmupSeconds: number;
  /** Runs per query and server, alternating which server goes first; each number reported is their median. */
  rounds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  /** Responses whose body differed from the one expected (only when one was given). */
  mismatches?: number;
  /** CPU ms per request of the server's process and of PostgreSQL, over the measured run. */
  cpuMsPerRequest: { server: number; postgres: number };
}

const HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

interface Fired {
  result: autocannon.Result;
  /** Each 2xx response's latency in ms, as measured (autocannon's own percentiles are whole milliseconds). */
  latencies: Float64Array;
}

/** A request of the load: what is sent, the headers it adds, and the body every answer must have, if known. */
export interface Request {
  headers?: Record<string, string>;
  expectBody?: string;
}

async function fire(url: string, operation: Operation, connections: number, seconds: number, request: Request = {}): Promise<Fired> {
  let connection = 0;
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const options: autocannon.Options = {
    url: `${url}/graphql`,
    method: 'POST',
    headers: HEADERS,
    // Each connection is a client of its own (Minsheng trusts X-Forwarded-For in the benchmark): one
    // anonymous budget of 2^31 - 1 points a second cannot pay for 20,000 cached nested queries a second.
    setupClient: (client) => client.setHeaders({ ...HEADERS, ...request.headers, 'x-forwarded-for': `198.51.100.${(connection++ % 250) + 1}` }),
    body: JSON.stringify(operation),
    connections,
    duration: seconds,
    // A slow query should show up in p99, not be cut off by autocannon's own 10 s timeout.
    timeout: 30,
    ...(request.expectBody === undefined ? {} : { expectBody: request.expectBody }),
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => record(statusCode, responseTime));
  });
  return { result, latencies: latencies.subarray(0, count).sort() };

  function record(statusCode: number, responseTime: number) {
    if (statusCode < 200 || statusCode > 299) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
  }
}

/** The latency below which `share` of the (sorted) responses came, to 0.1 ms (nearest rank); 0 for none. */
export function percentile(sorted: ArrayLike<number>, share: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1));
  return Math.round(sorted[rank]! * 10) / 10;
}

/**
 * `readCpu` is read when the measured run starts and when it ends; the difference per request is the
 * run's CPU cost (less noisy than req/s on a small machine shared by the load generator).
 */
export async function measure(
  url: string,
  operation: Operation,
  settings: LoadSettings,
  readCpu: () => CpuReading,
  request: Request = {},
): Promise<LoadResult> {
  if (settings.warmupSeconds > 0) await fire(url, operation, settings.connections, settings.warmupSeconds, request);
  const before = readCpu();
  const { result, latencies } = await fire(url, operation, settings.connections, settings.seconds, request);
  const used = cpuBetween(before, readCpu());
  const perRequest = (ms: number) => Math.round((ms / Math.max(1, result.requests.total)) * 1000) / 1000;
  return {
    cpuMsPerRequest: { server: perRequest(used.serverMs), postgres: perRequest(used.postgresMs) },
    requestsPerSecond: Math.round(result.requests.total / result.duration),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    ...(request.expectBody === undefined ? {} : { mismatches: result.mismatches }),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Several runs of one query on one server as one result: the median of each rate, latency and CPU figure
 * (one slow or fast run on a shared two-core machine moves none of them), and the sum of the counts.
 */
export function medianOfRuns(runs: LoadResult[]): LoadResult {
  const of = (pick: (run: LoadResult) => number) => median(runs.map(pick));
  const sum = (pick: (run: LoadResult) => number) => runs.reduce((total, run) => total + pick(run), 0);
  return {
    requestsPerSecond: Math.round(of((run) => run.requestsPerSecond)),
    p50Ms: Math.round(of((run) => run.p50Ms) * 10) / 10,
    p99Ms: Math.round(of((run) => run.p99Ms) * 10) / 10,
    requests: sum((run) => run.requests),
    errors: sum((run) => run.errors),
    non2xx: sum((run) => run.non2xx),
    cpuMsPerRequest: {
      server: Math.round(of((run) => run.cpuMsPerRequest.server) * 1000) / 1000,
      postgres: Math.round(of((run) => run.cpuMsPerRequest.postgres) * 1000) / 1000,
    },
  };
}
