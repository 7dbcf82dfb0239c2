import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { buffer } from 'node:stream/consumers';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, withoutExtensions, type TestApi } from '../support/api.js';

let api: TestApi;
let cached: TestApi;
beforeAll(async () => {
  [api, cached] = await Promise.all([startApi(), startApi({ settings: { responseCacheMaxBytes: 4_000_000 } })]);
});
afterAll(async () => {
  await Promise.all([api?.close(), cached?.close()]);
});

/** A large answer: every facility with its descriptions. */
const LARGE = '{ facilities(first: 100) { nodes { slug name description address category division { code name } } } }';
/** A small answer, under any sensible threshold. */
const SMALL = '{ division(code: "500104") { code } }';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as sent, before any decoding (fetch would decode them and hide what was sent). */
  bytes: Buffer;
}

function post(server: TestApi, query: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return send(server, 'POST', '/graphql', { 'content-type': 'application/json', accept: 'application/json', ...headers }, JSON.stringify({ query }));
}

function get(server: TestApi, query: string, headers: Record<string, string> = {}, extra: Record<string, string> = {}): Promise<RawResponse> {
  return send(server, 'GET', `/graphql?${new URLSearchParams({ query, ...extra })}`, headers);
}

function send(server: TestApi, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers }, (response) => {
      buffer(response).then((bytes) => resolve({ status: response.statusCode!, headers: response.headers, bytes }), reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

function decoded(response: RawResponse): string {
  const encoding = response.headers['content-encoding'];
  if (encoding === 'br') return zlib.brotliDecompressSync(response.bytes).toString('utf8');
  if (encoding === 'gzip') return zlib.gunzipSync(response.bytes).toString('utf8');
  expect(encoding).toBeUndefined();
  return response.bytes.toString('utf8');
}

const varyNames = (headers: IncomingHttpHeaders) =>
  String(headers.vary ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());

describe('response compression', () => {
  it.each(['br', 'gzip'] as const)('a large GraphQL answer is sent %s-encoded and decodes to the same JSON', async (encoding) => {
    const plain = await post(api, LARGE);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const answer = JSON.parse(plain.bytes.toString('utf8')) as { data: { facilities: { nodes: unknown[] } }; errors?: unknown };
    expect(answer.errors).toBeUndefined();
    expect(answer.data.facilities.nodes.length).toBeGreaterThan(10);

    const packed = await post(api, LARGE, { 'accept-encoding': encoding });
    expect(packed.status).toBe(200);
    expect(packed.headers['content-encoding']).toBe(encoding);
    expect(Number(packed.headers['content-length'])).toBe(packed.bytes.length);
    expect(packed.bytes.length).toBeLessThan(plain.bytes.length);
    expect(JSON.parse(decoded(packed))).toEqual(answer);
    expect(varyNames(packed.headers)).toContain('accept-encoding');
    expect(varyNames(plain.headers)).toContain('accept-encoding');
  });

  it('honours the client’s preferences: br first at equal q, a refused coding never used, identity when nothing fits', async () => {
    expect((await post(api, LARGE, { 'accept-encoding': 'gzip, deflate, br' })).headers['content-encoding']).toBe('br');
    expect((await post(api, LARGE, { 'accept-encoding': 'br;q=0.5, gzip' })).headers['content-encoding']).toBe('gzip');
    expect((await post(api, LARGE, { 'accept-encoding': 'br;q=0, gzip;q=0' })).headers['content-encoding']).toBeUndefined();
    expect((await post(api, LARGE, { 'accept-encoding': 'deflate' })).headers['content-encoding']).toBeUndefined();
  });

  it('a small answer is sent as it is, still with vary: accept-encoding', async () => {
    const small = await post(api, SMALL, { 'accept-encoding': 'br, gzip' });
    expect(small.status).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(withoutExtensions(JSON.parse(small.bytes.toString('utf8')))).toEqual({ data: { division: { code: '500104' } } });
    expect(varyNames(small.headers)).toContain('accept-encoding');
  });

  it('an answer from the response cache is compressed too, for each client as it asks', async () => {
    const first = await get(cached, LARGE, { 'accept-encoding': 'gzip' });
    expect(first.headers['x-cache']).toBe('miss');
    const brHit = await get(cached, LARGE, { 'accept-encoding': 'br' });
    const plainHit = await get(cached, LARGE);
    expect(brHit.headers['x-cache']).toBe('hit');
    expect(plainHit.headers['x-cache']).toBe('hit');
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(brHit.headers['content-encoding']).toBe('br');
    expect(plainHit.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(decoded(first))).toEqual(JSON.parse(decoded(plainHit)));
    expect(JSON.parse(decoded(brHit))).toEqual(JSON.parse(decoded(plainHit)));
    for (const response of [first, brHit, plainHit]) expect(varyNames(response.headers)).toContain('accept-encoding');
  });

  it('each coding of an answer has an ETag of its own, and revalidating with any of them is a 304 that names it', async () => {
    const plain = await get(cached, LARGE);
    const gzip = await get(cached, LARGE, { 'accept-encoding': 'gzip' });
    const br = await get(cached, LARGE, { 'accept-encoding': 'br' });
    const etag = plain.headers.etag!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(gzip.headers.etag).toBe(`${etag.slice(0, -1)}-gzip"`);
    expect(br.headers.etag).toBe(`${etag.slice(0, -1)}-br"`);
    for (const held of [etag, gzip.headers.etag!, br.headers.etag!]) {
      const revalidated = await get(cached, LARGE, { 'accept-encoding': 'gzip', 'if-none-match': held });
      expect(revalidated.status, held).toBe(304);
      expect(revalidated.headers.etag).toBe(held);
    }
    // The same for a download, compressed as it streams.
    const download = (headers: Record<string, string>) => send(api, 'GET', '/v1/data/facilities.csv', headers);
    const file = await download({});
    const packedFile = await download({ 'accept-encoding': 'gzip' });
    expect(packedFile.headers['content-encoding']).toBe('gzip');
    expect(packedFile.headers.etag).toBe(`${file.headers.etag!.slice(0, -1)}-gzip"`);
    expect(decoded(packedFile)).toBe(file.bytes.toString('utf8'));
    const fileRevalidated = await download({ 'accept-encoding': 'gzip', 'if-none-match': packedFile.headers.etag! });
    expect(fileRevalidated.status).toBe(304);
    expect(fileRevalidated.headers.etag).toBe(packedFile.headers.etag);
  });

  it('a CSV answer is compressed like a JSON one', async () => {
    const plain = await get(api, LARGE, {}, { format: 'csv' });
    const packed = await get(api, LARGE, { 'accept-encoding': 'br' }, { format: 'csv' });
    expect(plain.status).toBe(200);
    expect(packed.headers['content-encoding']).toBe('br');
    expect(packed.headers['content-type']).toBe(plain.headers['content-type']);
    expect(decoded(packed)).toBe(plain.bytes.toString('utf8'));
  });
});
