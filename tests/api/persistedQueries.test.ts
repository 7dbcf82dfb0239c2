import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, withoutExtensions, type TestApi } from '../support/api.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const query = '{ facilities(first: 2) { nodes { slug } } }';
const expected = { data: { facilities: { nodes: [{ slug: expect.any(String) }, { slug: expect.any(String) }] } } };

function get(url: string, params: { query?: string; hash?: string; variables?: unknown }) {
  const search = new URLSearchParams();
  if (params.query) search.set('query', params.query);
  if (params.hash) search.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash: params.hash } }));
  if (params.variables) search.set('variables', JSON.stringify(params.variables));
  return fetch(`${url}/graphql?${search}`);
}

const dir = mkdtempSync(path.join(tmpdir(), 'minsheng-allowlist-'));
const allowlistFile = path.join(dir, 'manifest.json');
const registered = 'query Divisions { divisions(first: 3) { nodes { code } } }';
writeFileSync(
  allowlistFile,
  JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [{ id: sha256(registered), name: 'Divisions', type: 'query', body: registered }],
  }),
);

let api: TestApi;
let allowlisted: TestApi;
beforeAll(async () => {
  api = await startApi();
  allowlisted = await startApi({ settings: { allowlistFile } });
});
afterAll(async () => {
  await api?.close();
  await allowlisted?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('automatic persisted queries (Apollo APQ) over GET', () => {
  it('an unknown hash asks the client for the text; sent with its hash, the text is remembered; then the hash alone runs it, cacheably', async () => {
    const hash = sha256(query);
    const unknown = await get(api.url, { hash });
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toEqual({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
    expect(unknown.headers.get('cache-control')).toBe('no-store');

    const registering = await get(api.url, { query, hash });
    expect(registering.status).toBe(200);
    expect(withoutExtensions(await registering.json())).toEqual(expected);

    const byHash = await get(api.url, { hash });
    expect(byHash.status).toBe(200);
    expect(withoutExtensions(await byHash.json())).toEqual(expected);
    expect(byHash.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it("a hash that is not the text's is a 400", async () => {
    const response = await get(api.url, { query, hash: sha256('something else') });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0]).toEqual({ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } });
  });

  it('a persisted query passes the same limits as any other, and is not remembered when refused', async () => {
    const deep = `{ facilities(first: 1) { nodes { division { ${'parent { '.repeat(46)}code${' }'.repeat(46)} } } } }`;
    const refused = await get(api.url, { query: deep, hash: sha256(deep) });
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
    expect(((await (await get(api.url, { hash: sha256(deep) })).json()) as any).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('malformed persistedQuery extensions are a 400', async () => {
    const response = await fetch(`${api.url}/graphql?extensions=${encodeURIComponent('{"persistedQuery":{"version":2,"sha256Hash":"abc"}}')}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });
});

describe('allow-list mode (PERSISTED_QUERIES_ALLOWLIST)', () => {
  it('a registered operation runs, by hash or by its text', async () => {
    const byHash = await get(allowlisted.url, { hash: sha256(registered) });
    expect(((await byHash.json()) as any).data.divisions.nodes).toHaveLength(3);
    const byText = await allowlisted.query(registered);
    expect(byText.body.data.divisions.nodes).toHaveLength(3);
  });

  it('anything else is refused with 403 before it runs, and cannot be registered', async () => {
    const other = await allowlisted.query(query);
    expect(other.status).toBe(403);
    expect(other.sqlStatements).toBe(0);
    expect(other.body.errors![0]!.extensions).toEqual({ code: 'OPERATION_NOT_ALLOWED' });
    expect(other.body.errors![0]!.message).toContain('runs only the operations registered in its allow-list');
    expect((await get(allowlisted.url, { query, hash: sha256(query) })).status).toBe(403);
    expect((await get(allowlisted.url, { hash: sha256(query) })).status).toBe(403);
  });
});
