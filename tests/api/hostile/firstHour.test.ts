import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/logger.js';
import { startApi, type TestApi } from '../../support/api.js';

/** What a new client meets in its first hour: the same request always gets the same answer, and a clear one. */
describe('first-hour frictions', () => {
  let api: TestApi;
  const logged: { level: string; message: string }[] = [];
  const record = (level: string) => (message: string) => void logged.push({ level, message });
  const logger: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  beforeAll(async () => {
    api = await startApi({ settings: { responseCacheMaxBytes: 8 * 2 ** 20 }, logger });
  });
  afterAll(async () => {
    await api?.close();
  });

  const get = (query: string, accept: string) => fetch(`${api.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { accept } });

  it('an Accept header no JSON answer satisfies is a 406 before and after the same query was cached', async () => {
    const query = '{ divisions(first: 2) { nodes { code } } }';
    const first = await get(query, 'text/csv');
    expect(first.status).toBe(406);
    const json = await get(query, 'application/json');
    expect(json.status).toBe(200);
    expect((await get(query, 'application/json')).headers.get('x-cache')).toBe('hit');
    const again = await get(query, 'text/csv');
    expect(again.status).toBe(406);
    expect(again.headers.get('x-cache')).toBeNull();
  });

  it('names every page over the size limit, not only the first', async () => {
    const response = await api.query('{ facilities(first: 500) { nodes { programs(first: 300) { nodes { slug } } } } }');
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0]!.message).toBe('`first: 500` and `first: 300` are over the page size limit of 100. Ask for at most 100 and follow `pageInfo` cursors for more.');
  });

  it.each(['mutation { x }', 'subscription { x }', '# a comment first\nmutation { x }'])('%j is a client error, and nothing is logged as an error', async (query) => {
    logged.length = 0;
    const response = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, body: JSON.stringify({ query }) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(logged.filter((line) => line.level === 'error')).toEqual([]);
  });
});
