import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/apiKeys.js';
import { startApi, type TestApi } from '../support/api.js';
import { prometheusSamples } from '../support/prometheusText.js';

// GET /metrics: Prometheus' text format, behind METRICS_TOKEN, with labels of bounded values only.
const TOKEN = 'metrics-token-for-the-test';
let api: TestApi;
let plain: TestApi;
let smallBudgetKey: string;

beforeAll(async () => {
  api = await startApi({ settings: { metricsToken: TOKEN, responseCacheMaxBytes: 1 << 20, rateLimits: { standard: 5 } } });
  plain = await startApi({ db: api.db });
  smallBudgetKey = (await createApiKey(api.db, 'small budget', 'standard')).key;
});
afterAll(async () => {
  await plain?.close();
  await api?.close();
});

const scrape = (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, server = api) => fetch(`${server.url}/metrics`, { headers });

/** The samples of a scrape: `name{labels}` → value. */
async function samples(): Promise<Map<string, number>> {
  const response = await scrape();
  expect(response.status).toBe(200);
  return new Map(prometheusSamples(await response.text()).map((sample) => [sample.series, sample.value]));
}

describe('who may scrape', () => {
  it('without METRICS_TOKEN there is no /metrics (404)', async () => {
    expect((await scrape(undefined, plain)).status).toBe(404);
  });

  it('without the token, or with another, the answer is 401 and says what to send', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer not-the-token-at-all-x' }, { authorization: TOKEN }]) {
      const response = await scrape(headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
      expect(((await response.json()) as { error: string }).error).toContain('METRICS_TOKEN');
    }
  });

  it('with the token: Prometheus text format, never cached', async () => {
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('what it counts', () => {
  it('requests by route, operation name and status, and the SQL statements they sent', async () => {
    const before = await samples();
    const requestSeries = 'minsheng_http_request_duration_seconds_count{route="graphql",operation="ListSome",status="200"}';
    const statementSeries = 'minsheng_sql_statement_duration_seconds_count{outcome="ok"}';
    let statements = 0;
    for (const first of [3, 4, 5]) {
      const answer = await api.query('query ListSome($first: Int!) { facilities(first: $first) { nodes { slug } } }', { first });
      expect(answer.body.data.facilities.nodes).toHaveLength(first);
      statements += answer.sqlStatements;
    }
    const after = await samples();
    expect(after.get(requestSeries)! - (before.get(requestSeries) ?? 0)).toBe(3);
    expect(statements).toBeGreaterThan(0);
    // Every statement the requests sent is counted (and the data version's polling besides).
    expect(after.get(statementSeries)! - (before.get(statementSeries) ?? 0)).toBeGreaterThanOrEqual(statements);
  });

  it('the data version the answers carry', async () => {
    const answer = await api.query('{ facilities(first: 1) { totalCount } }');
    expect((await samples()).get('minsheng_data_version')).toBe((answer.body as any).extensions.dataVersion);
  });

  it('response cache hits and misses', async () => {
    const before = await samples();
    const query = '{ facilities(first: 2) { nodes { slug } } }';
    expect((await api.query(query)).headers.get('x-cache')).toBe('miss');
    expect((await api.query(query)).headers.get('x-cache')).toBe('hit');
    const after = await samples();
    const grew = (name: string) => after.get(name)! - (before.get(name) ?? 0);
    expect(grew('minsheng_response_cache_hits_total')).toBe(1);
    expect(grew('minsheng_response_cache_misses_total')).toBe(1);
    expect(after.get('minsheng_response_cache_bytes')).toBeGreaterThan(0);
  });

  it('rate-limit refusals', async () => {
    const before = (await samples()).get('minsheng_rate_limit_refusals_total') ?? 0;
    const refused = await api.query('{ facilities(first: 50) { nodes { slug } } }', undefined, { authorization: `Bearer ${smallBudgetKey}` });
    expect(refused.status).toBe(429);
    expect((await samples()).get('minsheng_rate_limit_refusals_total')).toBe(before + 1);
  });
});

describe('a flood of data versions newer than the data', () => {
  it('is refused 400 naming the newest, and the forty asked together read the version from the database a few times, not forty', async () => {
    const statementSeries = 'minsheng_sql_statement_duration_seconds_count{outcome="ok"}';
    const newest = ((await api.query('{ __typename }')).body as any).extensions.dataVersion as number;
    const before = (await samples()).get(statementSeries)!;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => api.query('{ __typename }', undefined, { 'minsheng-data-version': String(newest + 1000 + i) })),
    );
    const after = (await samples()).get(statementSeries)!;
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', newestDataVersion: newest });
    }
    // Reads for versions this instance has not seen are shared and spaced apart (and a poll may fall in).
    expect(after - before).toBeLessThanOrEqual(3);
  });
});

describe('labels stay bounded', () => {
  it('sixty operation names make at most fifty series, the rest "(other)"; no address and no query text appear', async () => {
    for (let n = 0; n < 60; n++) await api.query(`query Name${n} { facilities(first: 1) { totalCount } }`);
    const response = await scrape();
    const text = await response.text();
    const operations = new Set([...text.matchAll(/minsheng_http_request_duration_seconds_count\{[^}]*operation="([^"]*)"/g)].map((match) => match[1]));
    expect(operations.size).toBeLessThanOrEqual(50 + 3); // the names, "(other)", "" (other routes) and "(anonymous)"
    expect(operations).toContain('(other)');
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('totalCount');
  });
});
