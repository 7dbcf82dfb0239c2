import { readFileSync } from 'node:fs';
import { buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('HTTP endpoints', () => {
  it('GET / serves the explorer, and every asset it loads comes from this server', async () => {
    const response = await fetch(`${api.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    // The browser may not fetch, connect to or run anything from another origin.
    const policy = response.headers.get('content-security-policy')!;
    for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "font-src 'self' data:"]) expect(policy).toContain(directive);
    const html = await response.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(5);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/explorer\//); // same origin, no CDN
      const served = await fetch(`${api.url}${asset}`);
      expect(served.status, asset).toBe(200);
      expect((await served.arrayBuffer()).byteLength, asset).toBeGreaterThan(1000);
    }
  });

  it('the explorer opens on example queries that work', async () => {
    const script = await (await fetch(`${api.url}/explorer/explorer.js`)).text();
    const queries = [...script.matchAll(/query: `([\s\S]*?)`/g)].map((m) => m[1]!);
    expect(queries).toHaveLength(3);
    for (const query of queries) expect((await api.query(query)).body.errors, query).toBeUndefined();
  });

  it('GET /healthz and /readyz', async () => {
    await api.data('{ divisions(first: 1) { nodes { code } } }');
    const health = (await (await fetch(`${api.url}/healthz`)).json()) as {
      status: string;
      caches: Record<string, { entries: number; bytes: number; maxBytes: number }>;
    };
    expect(health.status).toBe('ok');
    // Every per-text cache reports what it holds, within its bound; the query just run is in each.
    for (const name of ['parsedDocuments', 'compiledQueries', 'persistedQueryTexts']) {
      const size = health.caches[name]!;
      expect(size.bytes, name).toBeLessThanOrEqual(size.maxBytes);
    }
    for (const name of ['parsedDocuments', 'compiledQueries']) expect(health.caches[name]!.entries, name).toBeGreaterThan(0);
    // Apollo is handed the parsed, validated document while a request runs, and keeps none of its own.
    expect((health.caches as Record<string, unknown>).documentsHandedToApollo).toBe(0);
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { ready: boolean; migrations: { applied: number; expected: number } };
    expect(body.ready).toBe(true);
    expect(body.migrations.applied).toBe(body.migrations.expected);
  });

  it('unknown paths are 404 with a pointer to the API', async () => {
    const response = await fetch(`${api.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'Nothing at /nope. The API is at /graphql, its explorer at /.' });
  });

  it('every response carries a request id; a sane client id is kept', async () => {
    const response = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'client-abc.1' } });
    expect(response.headers.get('x-request-id')).toBe('client-abc.1');
    const generated = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('schema/schema.graphql equals the schema the server serves', async () => {
    const introspection = await api.data(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true }));
    const served = printSchema(lexicographicSortSchema(buildClientSchema(introspection)));
    const committed = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(served.trim(), 'schema/schema.graphql is stale: run npm run schema:emit').toBe(committed.trim());
  });

  it('every type, field, argument and enum value has a description', async () => {
    const introspection = await api.data(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true }));
    const missing: string[] = [];
    for (const type of introspection.__schema.types) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      for (const field of [...(type.fields ?? []), ...(type.inputFields ?? [])]) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args ?? []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
      for (const value of type.enumValues ?? []) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
  });
});
