import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('GraphQL over HTTP compliance (graphql-http audit suite against the real server)', () => {
  it('passes every MUST and SHOULD audit', async () => {
    const results = await auditServer({ url: `${api.url}/graphql` });
    const failed = results
      .filter((result) => result.status !== 'ok' && !result.name.startsWith('MAY'))
      .map((result) => `${result.name}: ${'reason' in result ? result.reason : ''}`);
    expect(failed).toEqual([]);
    const musts = results.filter((result) => result.name.startsWith('MUST'));
    const shoulds = results.filter((result) => result.name.startsWith('SHOULD'));
    expect(musts.length).toBeGreaterThanOrEqual(10);
    expect(shoulds.length).toBeGreaterThanOrEqual(20);
    // The MAY audits are optional; this records which we pass, so a regression shows.
    const mayFailed = results.filter((result) => result.status !== 'ok' && result.name.startsWith('MAY')).map((result) => result.id);
    expect(mayFailed).toEqual([]);
  });
});

describe('queries over GET, mutations and CSRF', () => {
  const facilitiesQuery = '{ facilities(first: 2) { nodes { slug } } }';

  it('a plain GET, with no special header, runs a query and may be cached', async () => {
    const response = await fetch(`${api.url}/graphql?query=${encodeURIComponent(facilitiesQuery)}`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.facilities.nodes).toHaveLength(2);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(response.headers.get('vary')).toContain('accept-language');
  });

  it('GET with variables', async () => {
    const query = 'query($n: Int) { facilities(first: $n) { nodes { slug } } }';
    const response = await fetch(`${api.url}/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent('{"n":3}')}`);
    expect(((await response.json()) as any).data.facilities.nodes).toHaveLength(3);
  });

  it('an error answer is not cacheable', async () => {
    const response = await fetch(`${api.url}/graphql?query=${encodeURIComponent('{ facilities { colour } }')}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('a mutation over GET is refused with a 4xx, and never runs', async () => {
    const response = await fetch(`${api.url}/graphql?query=${encodeURIComponent('mutation { __typename }')}`, {
      headers: { accept: 'application/graphql-response+json' },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(((await response.json()) as any).data).toBeUndefined();
  });

  it('a POST a browser could send cross-site without asking (text/plain, form) is refused with 415, before it runs', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: JSON.stringify({ query: facilitiesQuery }),
      });
      expect(response.status, contentType).toBe(415);
      const body = (await response.json()) as any;
      expect(body.errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(body.data).toBeUndefined();
      expect(response.headers.get('x-sql-statements')).toBe('0');
    }
  });

  it('other methods get 405 with Allow', async () => {
    const response = await fetch(`${api.url}/graphql`, { method: 'PUT', body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });

  it('OPTIONS says which methods /graphql takes (a preflight gets more: hostile/lowHoles.test.ts)', async () => {
    const response = await fetch(`${api.url}/graphql`, { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('allow')).toBe('GET, POST, OPTIONS');
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('batched requests are a 400 that says why', async () => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }]),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].message).toBe('Batched requests are not supported: send one operation per request.');
  });
});
