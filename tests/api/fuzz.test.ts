import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/logger.js';
import { defaultSettings, startApi, type TestApi } from '../support/api.js';

/**
 * Fuzzing the public endpoint: thousands of mutated documents, random variables and malformed HTTP
 * requests, from a seeded generator (FUZZ_SEED reproduces a run). Nothing a client sends may cause a 5xx
 * or an error in the log, and the server must serve normally afterwards.
 */
const REQUESTS = 2400;
const seed = Number(process.env.FUZZ_SEED ?? 20231130);

function generator(start: number) {
  let state = start >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

const corpus = [
  '{ facilities(first: 5) { totalCount nodes { name(lang: ZH) category status division { name } programs(first: 3) { nodes { name } } } } }',
  'query EducationGroups { programs(filter: { kind: [SCHOOL_GROUP, ALLIANCE] }, first: 10) { nodes { name(lang: EN) parent { name(lang: EN) } facilities(first: 10) { edges { role node { name(lang: EN) } } } } } }',
  'query($q: String!, $n: Int) { observations(filter: { search: $q }, first: $n) { totalCount nodes { value unit qualifier label period { start end } source { quote document { title } } conflictsWith { value } } } }',
  'query($id: ID!) { node(id: $id) { id ... on Facility { slug name } ... on Program { slug kind } } }',
  'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
  'query($after: String, $first: Int) { facilities(first: $first, after: $after, orderBy: [{ field: NAME, direction: DESC }]) { pageInfo { hasNextPage endCursor } edges { cursor node { slug } } } }',
  '{ divisions(filter: { level: [DISTRICT, SUBDISTRICT] }) { nodes { code name parent { code } children(first: 5) { nodes { code facilities(first: 5) { nodes { slug } } } } } } }',
  '{ indicators(first: 5, orderBy: [{ field: CODE }]) { nodes { code unit observations(first: 3) { nodes { value } } } } sources { totalCount } }',
  'query Q($slug: String!) { facility(slug: $slug) { ...F } } fragment F on Facility { slug name(lang: EN) location { latitude longitude } sources { quote } }',
  '{ programs(last: 3, before: "bogus") { nodes { slug } } }',
  '{ __schema { queryType { name } types { name kind fields { name } } } }',
  '{ rateLimit { limit cost remaining resetAt } __typename }',
  'query($l: Language) { organizations(first: 4) { nodes { slug name(lang: $l) kind facilities(first: 2) { totalCount } } } }',
];

const tokens = ['{', '}', '(', ')', '[', ']', ':', '$', '$x', '...', '"', '"""', '@skip(if: true)', '@include(if: $b)', 'first: 100000', 'last: -1', 'first: 2147483648',
  '__typename', 'fragment', 'on', 'query', 'mutation', 'subscription', '!', '=', ',', '#', '\\', '\u0000', '养老', '😀', '1e309', '-0', 'null', 'true', '\n', ' '.repeat(50), 'node(id: "x")', 'id', 'nodes'];

function mutate(random: ReturnType<typeof generator>, text: string): string {
  let result = text;
  for (let edits = 1 + random.int(4); edits > 0; edits -= 1) {
    const at = random.int(result.length + 1);
    const span = 1 + random.int(12);
    switch (random.int(6)) {
      case 0: result = result.slice(0, at) + result.slice(at + span); break; // delete
      case 1: result = result.slice(0, at) + random.pick(tokens) + result.slice(at); break; // insert a token
      case 2: result = result.slice(0, at) + result.slice(at, at + span).repeat(1 + random.int(5)) + result.slice(at + span); break; // repeat
      case 3: result = result.slice(0, at); break; // truncate
      case 4: result = result.slice(0, at) + String.fromCharCode(random.int(0x3000)) + result.slice(at + 1); break; // replace a character
      default: { const other = random.int(result.length); result = result.slice(0, Math.min(at, other)) + result.slice(Math.max(at, other)) + result.slice(Math.min(at, other), Math.max(at, other)); } // move a span
    }
  }
  return result;
}

function randomValue(random: ReturnType<typeof generator>, depth = 0): unknown {
  switch (random.int(depth > 3 ? 6 : 9)) {
    case 0: return null;
    case 1: return random.pick([0, -1, 1, 2.5, 100, 101, 100000, 2 ** 31, -(2 ** 53), 1e308, Number.MAX_SAFE_INTEGER]);
    case 2: return random.pick(['', ' ', '养老', 'x'.repeat(5000), 'Facility:x', 'RmFjaWxpdHk6eXV4aW4tcHJpbWFyeS1zY2hvb2w', '\u0000', '%', "'; drop table facilities; --", '\ud800']);
    case 3: return random.pick([true, false]);
    case 4: return 'ZH';
    case 5: return Array.from({ length: random.int(4) }, () => randomValue(random, depth + 1)).join('');
    case 6: return depth === 0 && random.next() < 0.3 ? Array(random.pick([101, 1000, 50_000])).fill('RmFjaWxpdHk6eA') : Array.from({ length: random.int(4) }, () => randomValue(random, depth + 1));
    case 7: return Object.fromEntries(Array.from({ length: random.int(4) }, () => [random.pick(['search', 'kind', '__proto__', 'constructor', 'first', 'x']), randomValue(random, depth + 1)]));
    default: return `__NESTED_${random.int(20_000)}__`; // written out by json() below: JSON.stringify would recurse that deep
  }
}

function randomVariables(random: ReturnType<typeof generator>): unknown {
  const names = ['q', 'n', 'id', 'ids', 'after', 'first', 'slug', 'l', 'b', 'x'];
  return Object.fromEntries(names.filter(() => random.next() < 0.5).map((name) => [name, randomValue(random)]));
}

/** JSON with absurdly nested arrays where randomValue asked for them. */
const json = (value: unknown) => JSON.stringify(value).replace(/"__NESTED_(\d+)__"/g, (_, depth) => `${'['.repeat(Number(depth))}1${']'.repeat(Number(depth))}`);

interface FuzzRequest { method: string; path: string; headers: Record<string, string>; body?: string }

function randomRequest(random: ReturnType<typeof generator>): FuzzRequest {
  const base = random.pick(corpus);
  const query = random.next() < 0.85 ? mutate(random, base) : base;
  const variables = random.next() < 0.6 ? randomVariables(random) : undefined;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (random.next() < 0.2) headers.accept = random.pick(['application/graphql-response+json', 'application/json', '*/*', 'text/html', 'application/xml', 'garbage;;q=x']);
  if (random.next() < 0.05) headers.authorization = random.pick(['Bearer', 'Bearer ms_', `Bearer ms_${'x'.repeat(43)}`, 'Basic Og==', 'Bearer \xff\xfe']);
  if (random.next() < 0.05) headers['accept-language'] = random.pick(['en', 'zh-CN;q=0.1, en;q=0.9', ';;;', 'q=2']);
  switch (random.int(10)) {
    case 0: { // GET with parameters as a browser or CDN would send them, some of them broken
      const search = new URLSearchParams({ query });
      if (variables) search.set('variables', random.next() < 0.8 ? json(variables) : '{"broken":');
      if (random.next() < 0.2) search.set('extensions', random.pick(['{"persistedQuery":{"version":1,"sha256Hash":"00"}}', '[]', 'null', '{"persistedQuery":{"version":1,"sha256Hash":"' + '0'.repeat(64) + '"}}']));
      if (random.next() < 0.1) search.append('query', '{ __typename }');
      return { method: 'GET', path: `/graphql?${search}`, headers: {} };
    }
    case 1: { // a body that is not the JSON it claims to be
      const text = json({ query, variables });
      return { method: 'POST', path: '/graphql', headers, body: random.pick([text.slice(0, random.int(text.length)), '', 'null', '[]', '"query"', '{"query": 1}', '{"query": "{ __typename }", "variables": "x"}', '{"query": "{ __typename }", "extensions": []}', '\u0000\u0001', '{'.repeat(10_000)]) };
    }
    case 2: // the right body with a wrong content type, or none
      return { method: random.pick(['POST', 'PUT', 'PATCH', 'DELETE']), path: '/graphql', headers: random.next() < 0.5 ? { 'content-type': random.pick(['text/plain', 'application/json; charset=latin1', 'multipart/form-data', 'application/graphql']) } : {}, body: JSON.stringify({ query }) };
    default: // a well-formed request with a mutated document and random variables
      return { method: 'POST', path: '/graphql', headers, body: json({ query, variables, operationName: random.next() < 0.1 ? random.pick(['Q', 'Nope', '']) : undefined }) };
  }
}

const errorsLogged: unknown[] = [];
const recordingLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (message, fields) => errorsLogged.push({ message, ...fields }) };

let api: TestApi;
beforeAll(async () => { api = await startApi({ logger: recordingLogger, settings: { limits: defaultSettings().limits, responseCacheMaxBytes: defaultSettings().responseCacheMaxBytes } }); });
afterAll(async () => { await api?.close(); });

describe('fuzzing the endpoint', () => {
  it(`${REQUESTS} random and mutated requests: no 5xx, nothing logged as a crash, and the server serves on`, { timeout: 120_000 }, async () => {
    const random = generator(seed);
    const requests = Array.from({ length: REQUESTS }, () => randomRequest(random));
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    let index = 0;
    const started = Date.now();
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (index < requests.length) {
        const request = requests[index++]!;
        const response = await fetch(`${api.url}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500) serverErrors.push(`${response.status} ${JSON.stringify(request).slice(0, 300)} → ${text.slice(0, 300)}`);
      }
    }));
    console.log(`fuzz (seed ${seed}): ${REQUESTS} requests in ${Date.now() - started} ms, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(serverErrors).toEqual([]);
    expect(errorsLogged).toEqual([]);
    expect([...statuses.keys()].some((status) => status === 200)).toBe(true);
    expect([...statuses.keys()].some((status) => status >= 400)).toBe(true);

    expect(await (await fetch(`${api.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await api.data(corpus[0]!)).facilities.totalCount).toBe(31);
  });
});
