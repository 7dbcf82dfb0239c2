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
    const first = await get(query, 'application/xml');
    expect(first.status).toBe(406);
    const json = await get(query, 'application/json');
    expect(json.status).toBe(200);
    expect((await get(query, 'application/json')).headers.get('x-cache')).toBe('hit');
    const again = await get(query, 'application/xml');
    expect(again.status).toBe(406);
    expect(again.headers.get('x-cache')).toBeNull();
  });

  it('is cached by what the document asks, not by how its text starts: comments and fragments first change nothing', async () => {
    const variants = [
      '{ organizations(first: 3) { nodes { slug } } }',
      '# a comment first, even one that names rateLimit\n{ organizations(first: 3) { nodes { slug } } }',
      'fragment O on Organization { slug } { organizations(first: 3) { nodes { ...O } } }',
    ];
    for (const query of variants) {
      const first = await get(query, 'application/json');
      const second = await get(query, 'application/json');
      expect([first.headers.get('x-cache'), second.headers.get('x-cache')], query).toEqual(['miss', 'hit']);
      expect(second.headers.get('cache-control'), query).toMatch(/^public, max-age=/);
      expect(await second.json(), query).toEqual(await first.json());
    }
  });

  it('never shares an answer about the caller, however the rate limit is asked for', async () => {
    for (const query of [
      '{ rateLimit { remaining } }',
      '{ budget: rateLimit { remaining } }',
      '{ ...R } fragment R on Query { rateLimit { remaining } }',
      '{ ... on Query { rateLimit { cost } } }',
    ]) {
      const first = await get(query, 'application/json');
      const second = await get(query, 'application/json');
      expect(first.status, query).toBe(200);
      expect([first.headers.get('x-cache'), second.headers.get('x-cache')], query).toEqual([null, null]);
      expect(second.headers.get('cache-control'), query).toBe('no-store');
    }
  });

  it('names every page over the size limit, not only the first', async () => {
    const response = await api.query('{ facilities(first: 500) { nodes { programs(first: 300) { nodes { slug } } } } }');
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0]!.message).toBe(
      '`first: 500` and `first: 300` are over the page size limit of 100. Ask for at most 100 and follow `pageInfo` cursors for more.',
    );
  });

  it.each(['mutation { x }', 'subscription { x }', '# a comment first\nmutation { x }'])(
    '%j is a client error, and nothing is logged as an error',
    async (query) => {
      logged.length = 0;
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      // A subscription is refused as such, with where it is served; a mutation of no field fails validation.
      expect(body.errors[0]!.extensions.code).toBe(query.startsWith('subscription') ? 'BAD_REQUEST' : 'GRAPHQL_VALIDATION_FAILED');
      expect(logged.filter((line) => line.level === 'error')).toEqual([]);
    },
  );
});
