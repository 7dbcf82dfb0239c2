import {
  astFromValue,
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  print,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
} from 'graphql';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/logger.js';
import { generator, type Random } from '../support/random.js';
import { createApiKey } from '../../src/access/apiKeys.js';
import { defaultSettings, startApi, type TestApi } from '../support/api.js';

/**
 * Fuzzing the public endpoint from a seeded generator (FUZZ_SEED reproduces a run): mutated documents and
 * malformed HTTP requests, then documents generated from the schema with variables of every input type the
 * schema has, holding random values. Nothing a client sends may cause a 5xx or an error in the log, every
 * answer is GraphQL's JSON, and the server must serve normally afterwards.
 */
const seed = Number(process.env.FUZZ_SEED ?? 20231130);
// Enough for every kind of mutation, request, value and declaration to come up many times (the tests check).
const MUTATED_REQUESTS = 300;
const DOCUMENTS_PER_TARGET = 2;
const CONCURRENCY = 8;
const MAX_VARIABLES_BYTES = defaultSettings().limits.maxBodyBytes - 16_384;

/** How often each kind of mutation, request or value was made: the corpus must hold every kind. */
class Kinds {
  readonly counts = new Map<string, number>();
  add(kind: string) {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }
  missing(expected: readonly string[], atLeast: number): string[] {
    return expected.filter((kind) => (this.counts.get(kind) ?? 0) < atLeast);
  }
}

// Text written verbatim into the JSON sent: nesting deeper than JSON.stringify recurses, numbers JSON.parse
// turns into Infinity or -0, keys such as __proto__.
const rawTexts: string[] = [];
const raw = (text: string) => `__RAW_${rawTexts.push(text) - 1}__`;
const json = (value: unknown) => JSON.stringify(value).replace(/"__RAW_(\d+)__"/g, (_, index) => rawTexts[Number(index)]!);

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface Outcome {
  status: number;
  text: string;
  ranBy: string | null;
}

/** Sends every request, CONCURRENCY at a time, and returns what came back in the same order. */
async function send(api: TestApi, requests: FuzzRequest[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(requests.length);
  let index = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (index < requests.length) {
        const at = index++;
        const request = requests[at]!;
        try {
          const response = await fetch(`${api.url}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
          outcomes[at] = { status: response.status, text: await response.text(), ranBy: response.headers.get('x-ran-by') };
        } catch (error) {
          // No answer at all (the connection reset or closed): status 0, reported with its request below.
          outcomes[at] = { status: 0, text: `no answer: ${String((error as { cause?: unknown }).cause ?? error)}`, ranBy: null };
        }
      }
    }),
  );
  return outcomes;
}

const describeRequest = (request: FuzzRequest) => `${request.method} ${request.path.slice(0, 1500)}${request.body ? ` ${request.body.slice(0, 1500)}` : ''}`;

/** A 5xx, or an answer from /graphql that is not a JSON object with `data` or `errors`. */
function problems(requests: FuzzRequest[], outcomes: Outcome[]): string[] {
  const found: string[] = [];
  requests.forEach((request, at) => {
    const { status, text } = outcomes[at]!;
    let graphQLAnswer = false;
    try {
      const body = JSON.parse(text) as unknown;
      graphQLAnswer = typeof body === 'object' && body !== null && !Array.isArray(body) && ('data' in body || 'errors' in body);
    } catch {
      // not JSON
    }
    // 431: Node's HTTP parser refuses the headers (a GET's URL too long) before the server sees the request.
    if (status === 0 || status >= 500 || (!graphQLAnswer && status !== 431)) found.push(`${status} for ${describeRequest(request)} → ${text.slice(0, 500)}`);
  });
  return found;
}

const statusCounts = (outcomes: Outcome[]) => {
  const counts = new Map<number, number>();
  for (const { status } of outcomes) counts.set(status, (counts.get(status) ?? 0) + 1);
  return JSON.stringify(Object.fromEntries([...counts].sort(([a], [b]) => a - b)));
};

const errorsLogged: unknown[] = [];
const recordingLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (message, fields) => errorsLogged.push({ message, ...fields }) };

let api: TestApi;
let adminKey: string;
beforeAll(async () => {
  // Production limits, except the time limit: it measures the machine, and a busy one must not turn a slow
  // answer into a 503. A request that never ends still fails the test through its timeout.
  const production = defaultSettings();
  api = await startApi({
    logger: recordingLogger,
    settings: { limits: { ...production.limits, requestTimeoutMs: 600_000 }, responseCacheMaxBytes: production.responseCacheMaxBytes },
  });
  adminKey = (await createApiKey(api.db, 'fuzz admin', 'standard', { role: 'admin' })).key;
});
afterAll(async () => {
  await api?.close();
});
beforeEach(() => {
  errorsLogged.length = 0;
});

/** What a client must still get after the fuzzing: the server is alive and answers correctly. */
async function servesNormally() {
  expect(await (await fetch(`${api.url}/healthz`)).json()).toMatchObject({ status: 'ok' });
  expect((await api.data('{ facilities(first: 5) { totalCount nodes { slug } } }')).facilities.totalCount).toBe(31);
  const filtered = await api.data('query($f: FacilityFilter) { facilities(filter: $f) { nodes { category } } }', {
    f: { or: [{ category: ['MUSEUM'] }], not: { status: ['PLANNED'] } },
  });
  expect(filtered.facilities.nodes.length).toBeGreaterThan(0);
  expect(filtered.facilities.nodes.every((node: { category: string }) => node.category === 'MUSEUM')).toBe(true);
  // The server runs in this process: a `__proto__` key it merged anywhere would show here.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

describe('fuzzing with mutated documents and malformed requests', () => {
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

  const tokens = [
    '{',
    '}',
    '(',
    ')',
    '[',
    ']',
    ':',
    '$',
    '$x',
    '...',
    '"',
    '"""',
    '@skip(if: true)',
    '@include(if: $b)',
    'first: 100000',
    'last: -1',
    'first: 2147483648',
    '__typename',
    'fragment',
    'on',
    'query',
    'mutation',
    'subscription',
    '!',
    '=',
    ',',
    '#',
    '\\',
    '\u0000',
    '养老',
    '😀',
    '1e309',
    '-0',
    'null',
    'true',
    '\n',
    ' '.repeat(50),
    'node(id: "x")',
    'id',
    'nodes',
  ];

  const mutations = ['delete', 'insert a token', 'repeat', 'truncate', 'replace a character', 'move a span'] as const;

  function mutate(random: Random, kinds: Kinds, text: string): string {
    let result = text;
    for (let edits = 1 + random.int(4); edits > 0; edits -= 1) {
      const at = random.int(result.length + 1);
      const span = 1 + random.int(12);
      const mutation = random.pick(mutations);
      kinds.add(mutation);
      switch (mutation) {
        case 'delete':
          result = result.slice(0, at) + result.slice(at + span);
          break;
        case 'insert a token':
          result = result.slice(0, at) + random.pick(tokens) + result.slice(at);
          break;
        case 'repeat':
          result = result.slice(0, at) + result.slice(at, at + span).repeat(1 + random.int(5)) + result.slice(at + span);
          break;
        case 'truncate':
          result = result.slice(0, at);
          break;
        case 'replace a character':
          result = result.slice(0, at) + String.fromCharCode(random.int(0x3000)) + result.slice(at + 1);
          break;
        case 'move a span': {
          const other = random.int(result.length);
          result = result.slice(0, Math.min(at, other)) + result.slice(Math.max(at, other)) + result.slice(Math.min(at, other), Math.max(at, other));
        }
      }
    }
    return result;
  }

  function randomValue(random: Random, depth = 0): unknown {
    switch (random.int(depth > 3 ? 6 : 9)) {
      case 0:
        return null;
      case 1:
        return random.pick([0, -1, 1, 2.5, 100, 101, 100000, 2 ** 31, -(2 ** 53), 1e308, Number.MAX_SAFE_INTEGER]);
      case 2:
        return random.pick([
          '',
          ' ',
          '养老',
          'x'.repeat(5000),
          'Facility:x',
          'RmFjaWxpdHk6eXV4aW4tcHJpbWFyeS1zY2hvb2w',
          '\u0000',
          '%',
          "'; drop table facilities; --",
          '\ud800',
        ]);
      case 3:
        return random.pick([true, false]);
      case 4:
        return 'ZH';
      case 5:
        return Array.from({ length: random.int(4) }, () => randomValue(random, depth + 1)).join('');
      case 6:
        return depth === 0 && random.next() < 0.3
          ? Array(random.pick([101, 1000, 50_000])).fill('RmFjaWxpdHk6eA')
          : Array.from({ length: random.int(4) }, () => randomValue(random, depth + 1));
      case 7:
        return Object.fromEntries(
          Array.from({ length: random.int(4) }, () => [
            random.pick(['search', 'kind', '__proto__', 'constructor', 'first', 'x']),
            randomValue(random, depth + 1),
          ]),
        );
      default: {
        const nesting = random.int(20_000);
        return raw(`${'['.repeat(nesting)}1${']'.repeat(nesting)}`);
      }
    }
  }

  function randomVariables(random: Random): unknown {
    const names = ['q', 'n', 'id', 'ids', 'after', 'first', 'slug', 'l', 'b', 'x'];
    return Object.fromEntries(names.filter(() => random.next() < 0.5).map((name) => [name, randomValue(random)]));
  }

  const shapes = ['GET', 'a body that is not the JSON it claims', 'a wrong content type or method', 'a well-formed POST'] as const;

  function randomRequest(random: Random, kinds: Kinds): FuzzRequest {
    const base = random.pick(corpus);
    const query = random.next() < 0.85 ? mutate(random, kinds, base) : base;
    const variables = random.next() < 0.6 ? randomVariables(random) : undefined;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (random.next() < 0.2)
      headers.accept = random.pick(['application/graphql-response+json', 'application/json', '*/*', 'text/html', 'application/xml', 'garbage;;q=x']);
    if (random.next() < 0.05) headers.authorization = random.pick(['Bearer', 'Bearer ms_', `Bearer ms_${'x'.repeat(43)}`, 'Basic Og==', 'Bearer \xff\xfe']);
    if (random.next() < 0.05) headers['accept-language'] = random.pick(['en', 'zh-CN;q=0.1, en;q=0.9', ';;;', 'q=2']);
    const shape = shapes[Math.min(random.int(10), 3)]!;
    kinds.add(shape);
    switch (shape) {
      case 'GET': {
        // parameters as a browser or CDN would send them, some of them broken
        const search = new URLSearchParams({ query });
        if (variables) search.set('variables', random.next() < 0.8 ? json(variables) : '{"broken":');
        if (random.next() < 0.2)
          search.set(
            'extensions',
            random.pick([
              '{"persistedQuery":{"version":1,"sha256Hash":"00"}}',
              '[]',
              'null',
              '{"persistedQuery":{"version":1,"sha256Hash":"' + '0'.repeat(64) + '"}}',
            ]),
          );
        if (random.next() < 0.1) search.append('query', '{ __typename }');
        return { method: 'GET', path: `/graphql?${search}`, headers: {} };
      }
      case 'a body that is not the JSON it claims': {
        const text = json({ query, variables });
        return {
          method: 'POST',
          path: '/graphql',
          headers,
          body: random.pick([
            text.slice(0, random.int(text.length)),
            '',
            'null',
            '[]',
            '"query"',
            '{"query": 1}',
            '{"query": "{ __typename }", "variables": "x"}',
            '{"query": "{ __typename }", "extensions": []}',
            '\u0000\u0001',
            '{'.repeat(10_000),
          ]),
        };
      }
      case 'a wrong content type or method':
        return {
          method: random.pick(['POST', 'PUT', 'PATCH', 'DELETE']),
          path: '/graphql',
          headers:
            random.next() < 0.5
              ? { 'content-type': random.pick(['text/plain', 'application/json; charset=latin1', 'multipart/form-data', 'application/graphql']) }
              : {},
          body: JSON.stringify({ query }),
        };
      case 'a well-formed POST': // with a mutated document and random variables
        return {
          method: 'POST',
          path: '/graphql',
          headers,
          body: json({ query, variables, operationName: random.next() < 0.1 ? random.pick(['Q', 'Nope', '']) : undefined }),
        };
    }
  }

  it(
    `${MUTATED_REQUESTS} random and mutated requests: no 5xx, only GraphQL answers, nothing logged as a crash, and the server serves on`,
    { timeout: 300_000 },
    async () => {
      const random = generator(seed);
      const kinds = new Kinds();
      const requests = Array.from({ length: MUTATED_REQUESTS }, () => randomRequest(random, kinds));
      // The corpus, though smaller than it once was, still holds every kind of edit and request many times.
      expect(kinds.missing([...mutations, ...shapes], 15)).toEqual([]);
      const outcomes = await send(api, requests);
      console.log(`fuzz (FUZZ_SEED=${seed}): ${MUTATED_REQUESTS} mutated requests, statuses ${statusCounts(outcomes)}`);
      expect(problems(requests, outcomes)).toEqual([]);
      expect(errorsLogged).toEqual([]);
      expect(outcomes.some(({ status }) => status === 200)).toBe(true);
      expect(outcomes.some(({ status }) => status >= 400)).toBe(true);
      await servesNormally();
    },
  );
});

/**
 * Documents made from the schema (as clients write them, buildSchema over schema/schema.graphql), each
 * declaring a variable of one input type where the schema takes that type: every argument of every field,
 * and every input field inside one. The values are valid ones, wrong types, nulls, deep nesting, huge
 * lists, extreme scalars and `__proto__` keys. Each document is sent twice with different values: first
 * Apollo runs it, then the compiled path that runs a query Apollo has run before.
 */
describe('fuzzing with variables of every input type', () => {
  const schema = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
  const queryType = schema.getQueryType()!;
  // Mutations are fuzzed too, as an admin, so that hostile values reach the checks of every write.
  const mutationType = schema.getMutationType()!;

  /** A place a variable can stand: an argument, or an input field reached through the argument's value. */
  interface Place {
    owner: GraphQLObjectType;
    field: GraphQLField<unknown, unknown>;
    argument: GraphQLArgument;
    /** The input objects (and their fields) from the argument down to the place; empty: the argument itself. */
    path: { type: GraphQLInputObjectType; field: string }[];
    type: GraphQLInputType;
  }

  const requiresValue = (type: GraphQLInputType, defaultValue: unknown) => isNonNullType(type) && defaultValue === undefined;

  /** Every place, descending into each input object once per path (the filters are recursive). */
  function places(): Place[] {
    const found: Place[] = [];
    for (const owner of Object.values(schema.getTypeMap()).filter(isObjectType)) {
      // Subscriptions are served at /graphql/stream, not here (tests/api/changeStream.test.ts).
      if (owner.name.startsWith('__') || owner === schema.getSubscriptionType()) continue;
      for (const field of Object.values(owner.getFields())) {
        for (const argument of field.args) {
          found.push({ owner, field, argument, path: [], type: argument.type });
          const descend = (type: GraphQLInputType, path: Place['path']) => {
            const named = getNamedType(type);
            if (!isInputObjectType(named) || path.some((step) => step.type === named)) return;
            for (const inner of Object.values(named.getFields())) {
              const at = [...path, { type: named, field: inner.name }];
              found.push({ owner, field, argument, path: at, type: inner.type });
              descend(inner.type, at);
            }
          };
          descend(argument.type, []);
        }
      }
    }
    return found;
  }

  /** For each object type, the fields from Query (or Mutation) down to it that need no argument (lists take `first: 2`). */
  function routes(): Map<GraphQLObjectType, GraphQLField<unknown, unknown>[]> {
    const found = new Map<GraphQLObjectType, GraphQLField<unknown, unknown>[]>([
      [queryType, []],
      [mutationType, []],
    ]);
    const queue = [queryType];
    while (queue.length > 0) {
      const type = queue.shift()!;
      for (const field of Object.values(type.getFields())) {
        const next = getNamedType(field.type);
        if (!isObjectType(next) || found.has(next) || field.args.some((argument) => requiresValue(argument.type, argument.defaultValue))) continue;
        found.set(next, [...found.get(type)!, field]);
        queue.push(next);
      }
    }
    return found;
  }

  /** A selection that makes the field run: connections count and list their nodes. */
  function selectionOf(type: GraphQLOutputType): string {
    const named = getNamedType(type);
    if (isLeafType(named)) return '';
    if (!isObjectType(named)) return '{ __typename }';
    const fields = named.getFields();
    if (fields.nodes && fields.totalCount) return '{ totalCount nodes { __typename } }';
    const leaf = Object.values(fields).find((field) => isLeafType(getNamedType(field.type)) && field.args.length === 0);
    return `{ __typename ${leaf?.name ?? ''} }`;
  }

  // Records as the writes take them: empty, one field, and a whole facility of the seeds (it exists already).
  const seededFacility = (JSON.parse(readFileSync(new URL('../../seeds/facilities.json', import.meta.url), 'utf8')) as object[])[0]!;
  const records: object[] = [{}, { status: 'open' }, seededFacility, { ...seededFacility, slug: 'fuzz-copy', name_en: '' }];
  const nested = (depth: number): object => (depth === 0 ? {} : { a: nested(depth - 1) });

  const strings = [
    '500104',
    '500104001',
    'dadukou-museum',
    'yuxin-primary-school',
    'tongxin-alliance',
    'dadukou-education-commission',
    'cultural-events-held',
    '养老',
    'school',
    '',
  ];
  const ids = [
    'Facility:dadukou-museum',
    'Program:tongxin-alliance',
    'Division:500104',
    'Organization:dadukou-education-commission',
    'Indicator:cultural-events-held',
    'Source:x',
    'Nothing:x',
  ].map((text) => Buffer.from(text).toString('base64url'));
  const dates = ['2023-01-01', '2023-12-31', '2020-02-29', '1999-12-31'];

  /** A value graphql-js accepts for the type (which the server may still refuse, e.g. an unknown slug). */
  function validValue(random: Random, type: GraphQLInputType, depth = 0, leaf?: (named: GraphQLNamedType) => unknown): unknown {
    if (isNonNullType(type)) return validValue(random, type.ofType, depth, leaf);
    if (isListType(type)) {
      if (random.next() < 0.1) return validValue(random, type.ofType, depth + 1, leaf); // one item stands for a list of one
      return Array.from({ length: random.int(depth > 1 ? 2 : 4) }, () => validValue(random, type.ofType, depth + 1, leaf));
    }
    if (isInputObjectType(type)) {
      const value: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        const recursive = getNamedType(field.type) === type;
        if (requiresValue(field.type, field.defaultValue) || random.next() < (recursive ? (depth < 3 ? 0.2 : 0) : depth < 2 ? 0.3 : 0.1)) {
          value[field.name] = validValue(random, field.type, depth + 1, leaf);
        }
      }
      return value;
    }
    const extreme = leaf?.(type);
    if (extreme !== undefined) return extreme;
    if (isEnumType(type)) return random.pick(type.getValues()).name;
    switch (type.name) {
      case 'Int':
        return random.pick([0, 1, 2, 3, 10, 20, 100]);
      case 'Float':
        return random.pick([0, 29.48, 106.52, 500, -1.5, 1e6]);
      case 'Boolean':
        return random.next() < 0.5;
      case 'ID':
        return random.pick(ids);
      case 'Date':
        return random.pick(dates);
      case 'JSONObject':
        return structuredClone(random.pick(records));
      case 'DateTime':
        return random.pick(['2026-01-01T00:00:00Z', '2023-12-31T16:00:00.000Z', '2030-06-01T08:00:00+08:00']);
      default:
        return random.pick(strings);
    }
  }

  /** Scalars at the edges of what a type holds, or past them. */
  function extremeLeaf(random: Random, named: GraphQLNamedType): unknown {
    if (isEnumType(named)) return random.pick([named.getValues()[0]!.name.toLowerCase(), '__proto__', 'constructor', '']);
    switch (named.name) {
      case 'Int':
        return random.pick([2147483647, 2147483648, -2147483649, raw('9007199254740993'), 0.5, raw('1e400'), raw('-0'), -1]);
      case 'Float':
        return random.pick([1e308, -1e308, 5e-324, raw('1e400'), raw('-1e400'), raw('-0'), 91, -181]);
      case 'Boolean':
        return random.pick([0, 1, 'true', 'false']);
      case 'Date':
        return random.pick(['0001-01-01', '9999-12-31', '2023-02-29', '2023-13-01', '+275760-09-13', '2023-01-01T00:00:00Z', '', 20230101]);
      case 'JSONObject':
        return random.pick([
          nested(200),
          { slug: 'x'.repeat(100_000) },
          Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`field${i}`, i])),
          { citations: Array.from({ length: 2000 }, () => ({ source: 'dadukou-2023-livelihood', quote: '养' })) },
          { constructor: { prototype: { polluted: 'yes' } } },
          [],
        ]);
      default:
        return random.pick([
          '\u0000',
          '\ud800',
          'x'.repeat(100_000),
          '养'.repeat(3000),
          '%_\\',
          "'; drop table facilities; --",
          '\u202e',
          'a\nb',
          '   ',
          '$1',
          '${x}',
        ]);
    }
  }

  /** A value of a JSON kind the type does not take. */
  function wrongValue(random: Random, type: GraphQLInputType): unknown {
    const inner = getNullableType(type);
    if (isListType(inner)) return random.pick([{}, 'x', 1, true, [[[]]], { 0: 'a', length: 1 }]);
    if (isInputObjectType(inner)) return random.pick(['x', 1, true, [], [{}], { nope: 1 }, {}]);
    if (isEnumType(inner)) return random.pick([1, true, {}, [[inner.getValues()[0]!.name]], 'NOT_A_VALUE']);
    switch (inner.name) {
      case 'Int':
      case 'Float':
        return random.pick(['1', 'NaN', 'Infinity', true, {}, [1], '0x10']);
      case 'Boolean':
        return random.pick(['yes', 'true', {}, [true], null]);
      default:
        return random.pick([1.5, true, {}, ['a'], raw('12345678901234567890')]);
    }
  }

  /** The value nested `depth` times: through a recursive field where the type has one, else in arrays. */
  function deepValue(random: Random, type: GraphQLInputType, depth: number): unknown {
    const named = getNamedType(type);
    const recursiveFields = isInputObjectType(named) ? Object.values(named.getFields()).filter((field) => getNamedType(field.type) === named) : [];
    const recursive = recursiveFields.length > 0 ? random.pick(recursiveFields) : undefined;
    if (recursive) {
      const open = isListType(getNullableType(recursive.type)) ? `{"${recursive.name}":[` : `{"${recursive.name}":`;
      const close = isListType(getNullableType(recursive.type)) ? ']}' : '}';
      const text = `${open.repeat(depth)}{}${close.repeat(depth)}`;
      return raw(isListType(getNullableType(type)) ? `[${text}]` : text);
    }
    if (isInputObjectType(named)) {
      const name = Object.keys(named.getFields())[0]!;
      return raw(`${`{"${name}":`.repeat(depth)}1${'}'.repeat(depth)}`);
    }
    return raw(`${'['.repeat(depth)}${json(validValue(random, named as GraphQLInputType))}${']'.repeat(depth)}`);
  }

  /** A list far longer than any page, of one valid item (or of the type itself where it is no list). */
  function hugeList(random: Random, type: GraphQLInputType): unknown {
    const inner = getNullableType(type);
    const item = validValue(random, isListType(inner) ? inner.ofType : (inner as GraphQLInputType), 2);
    const length = random.pick([1_000, 10_000, 60_000]);
    const text = json(item);
    return raw(
      `[${Array(Math.max(1, Math.min(length, Math.floor(900_000 / (text.length + 1)))))
        .fill(text)
        .join(',')}]`,
    );
  }

  /** A valid value with `__proto__`, `constructor` and the like beside its keys (or in place of it). */
  function protoValue(random: Random, type: GraphQLInputType): unknown {
    const payload = random.pick(['{"polluted":"yes"}', '{"prototype":{"polluted":"yes"}}', 'null', '[]', '"x"', '{"__proto__":{"polluted":"yes"}}']);
    const key = random.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf']);
    const value = validValue(random, type);
    const text = json(value);
    if (text.startsWith('{')) return raw(`{"${key}":${payload}${text === '{}' ? '' : ','}${text.slice(1)}`);
    if (text.startsWith('[{')) return raw(`[{"${key}":${payload}${text.startsWith('[{}') ? '' : ','}${text.slice(2)}`);
    return raw(`{"${key}":${payload}}`);
  }

  const valueKinds = ['valid', 'null', 'a null inside', 'wrong type', 'deep nesting', 'huge list', 'extreme scalars', '__proto__ keys'] as const;

  function randomValueOf(random: Random, kinds: Kinds, type: GraphQLInputType, only?: (typeof valueKinds)[number]): unknown {
    const kind = only ?? (random.next() < 0.35 ? 'valid' : random.pick(valueKinds));
    kinds.add(kind);
    switch (kind) {
      case 'valid':
        return validValue(random, type);
      case 'null':
        return null;
      case 'a null inside': {
        const value = validValue(random, type);
        if (Array.isArray(value)) return [...value, null];
        if (typeof value === 'object' && value !== null) {
          const keys = Object.keys(value);
          return keys.length > 0 ? { ...value, [random.pick(keys)]: null } : { and: [null], not: null };
        }
        return [null];
      }
      case 'wrong type':
        return wrongValue(random, type);
      case 'deep nesting':
        return deepValue(random, type, random.pick([8, 16, 31, 64, 5_000]));
      case 'huge list':
        return hugeList(random, type);
      case 'extreme scalars':
        return validValue(random, type, 0, (named) => (random.next() < 0.7 ? extremeLeaf(random, named) : undefined));
      case '__proto__ keys':
        return protoValue(random, type);
    }
  }

  const declarations = ['as the schema takes it', 'non-null', 'nullable', 'in a list', 'unwrapped from its list', 'of another type'] as const;

  /** The type a variable is declared with: mostly what the place takes, sometimes a mistake. */
  function declaredType(random: Random, kinds: Kinds, type: GraphQLInputType): { text: string; matches: boolean } {
    const declaration = random.pick(declarations);
    kinds.add(declaration);
    const text = String(type);
    switch (declaration) {
      case 'as the schema takes it':
        return { text, matches: true };
      case 'non-null':
        return { text: isNonNullType(type) ? text : `${text}!`, matches: true };
      case 'nullable':
        return { text: String(getNullableType(type)), matches: !isNonNullType(type) };
      case 'in a list':
        return { text: `[${text}]${random.next() < 0.5 ? '!' : ''}`, matches: false };
      case 'unwrapped from its list': {
        const inner = getNullableType(type);
        return isListType(inner) ? { text: String(inner.ofType), matches: false } : { text: `${getNamedType(type).name}`, matches: !isNonNullType(type) };
      }
      case 'of another type':
        return { text: random.pick(['String', 'Int', '[ID!]!', 'FacilityFilter', 'ProgramOrder!', 'Facility', 'NoSuchType', 'Date']), matches: false };
    }
  }

  /** A GraphQL literal for a valid value of the type. */
  const literal = (random: Random, type: GraphQLInputType) => literalOf(validValue(random, type, 1), type);

  /** The value as a GraphQL literal; a JSONObject's by hand (graphql-js prints no literal of an object-valued scalar). */
  function literalOf(value: unknown, type: GraphQLInputType): string {
    if (value === null) return 'null';
    const inner = getNullableType(type);
    if (isListType(inner)) return Array.isArray(value) ? `[${value.map((item) => literalOf(item, inner.ofType)).join(', ')}]` : literalOf(value, inner.ofType);
    if (isInputObjectType(inner)) {
      const fields = inner.getFields();
      return `{ ${Object.entries(value as object)
        .map(([name, item]) => `${name}: ${literalOf(item, fields[name]!.type)}`)
        .join(', ')} }`;
    }
    if (inner.name === 'JSONObject') return jsonLiteral(value);
    return print(astFromValue(value, inner)!);
  }
  const jsonLiteral = (value: unknown): string =>
    value === null
      ? 'null'
      : Array.isArray(value)
        ? `[${value.map(jsonLiteral).join(', ')}]`
        : typeof value === 'object'
          ? `{ ${Object.entries(value)
              .map(([name, item]) => `${name}: ${jsonLiteral(item)}`)
              .join(', ')} }`
          : JSON.stringify(value);

  interface Document {
    text: string;
    /** The JSON of random variables for the document (`$v` valid, if asked). */
    variables: (random: Random, valid?: boolean) => string;
    /** The input type the place takes, and whether `$v` was declared so that it may stand there. */
    declared: string;
    matches: boolean;
    /** A mutation: sent by POST only (GET is 405). */
    mutation: boolean;
    /** Sent with an admin's key: a mutation, or a field only the writers' keys may read. */
    asAdmin: boolean;
  }

  /** A query that puts `$v` at the place, through a route from Query down to the field's type. */
  function documentAt(random: Random, kinds: Kinds, place: Place, route: GraphQLField<unknown, unknown>[], asTheSchemaTakesIt = false): Document {
    const declared = asTheSchemaTakesIt ? { text: String(place.type), matches: true } : declaredType(random, kinds, place.type);
    // The argument's value: `$v`, wrapped in the input objects (and lists) of the path, whose other required fields get literals.
    let value = '$v';
    for (let at = place.path.length - 1; at >= 0; at -= 1) {
      const { type, field } = place.path[at]!;
      const others = Object.values(type.getFields()).filter((other) => other.name !== field && requiresValue(other.type, other.defaultValue));
      value = `{ ${[`${field}: ${value}`, ...others.map((other) => `${other.name}: ${literal(random, other.type)}`)].join(', ')} }`;
      const holder = at === 0 ? place.argument.type : place.path[at - 1]!.type.getFields()[place.path[at - 1]!.field]!.type;
      if (isListType(getNullableType(holder))) value = `[${value}]`;
    }
    // The field's other arguments: each required one, and some of the others, as variables of their own.
    const others = place.field.args.filter(
      (argument) => argument !== place.argument && (requiresValue(argument.type, argument.defaultValue) || random.next() < 0.3),
    );
    const definitions = [
      `$v: ${declared.text}${!asTheSchemaTakesIt && random.next() < 0.1 ? ` = ${random.pick([literal(random, place.type), '"x"', '{}', '[[[]]]', 'null', '{ and: [{ not: {} }] }'])}` : ''}`,
      ...others.map((argument, index) => `$a${index}: ${argument.type}`),
    ];
    const argumentsText = [`${place.argument.name}: ${value}`, ...others.map((argument, index) => `${argument.name}: $a${index}`)].join(', ');
    let text = `${place.field.name}(${argumentsText}) ${selectionOf(place.field.type)}`;
    for (const step of [...route].reverse()) text = `${step.name}${step.args.some((argument) => argument.name === 'first') ? '(first: 2)' : ''} { ${text} }`;
    const mutation = place.owner === mutationType;
    const rootField = route[0]?.name ?? place.field.name;
    return {
      text: `${mutation ? 'mutation' : 'query'} Fuzz(${definitions.join(', ')}) { ${text} }`,
      declared: getNamedType(place.type).name,
      matches: declared.matches,
      mutation,
      asAdmin: mutation || ['auditLog', 'drafts', 'draft'].includes(rootField),
      variables: (valueRandom, valid = false) => {
        const variables: Record<string, unknown> = {};
        if (valid || valueRandom.next() < 0.95) variables.v = randomValueOf(valueRandom, kinds, place.type, valid ? 'valid' : undefined);
        others.forEach((argument, index) => {
          variables[`a${index}`] =
            valid || (requiresValue(argument.type, argument.defaultValue) && valueRandom.next() < 0.8)
              ? validValue(valueRandom, argument.type)
              : randomValueOf(valueRandom, kinds, argument.type);
        });
        const text = json(variables);
        return !valid && valueRandom.next() < 0.05 ? `{"__proto__":{"polluted":"yes"}${text === '{}' ? '' : ','}${text.slice(1)}` : text;
      },
    };
  }

  function requestFor(random: Random, document: Document, valid = false): FuzzRequest {
    // Within the body limit: bodies past it are refused before their variables are read (and are the
    // HTTP tests' concern), and the answer to one still being sent can be lost to a connection reset.
    let variables = document.variables(random, valid);
    for (let tries = 0; variables.length > MAX_VARIABLES_BYTES && tries < 5; tries += 1) variables = document.variables(random, valid);
    if (variables.length > MAX_VARIABLES_BYTES) variables = '{}';
    const body = `{"query":${JSON.stringify(document.text)},"variables":${variables}}`;
    // GET too, where the URL fits in what Node accepts for headers (16 KiB).
    const path = `/graphql?${new URLSearchParams({ query: document.text, variables })}`;
    if (!document.asAdmin && random.next() < 0.2 && path.length < 12_000) return { method: 'GET', path, headers: { accept: 'application/json' } };
    return {
      method: 'POST',
      path: '/graphql',
      headers: {
        'content-type': 'application/json',
        accept: random.pick(['application/json', 'application/graphql-response+json']),
        ...(document.asAdmin ? { authorization: `Bearer ${adminKey}` } : {}),
      },
      body,
    };
  }

  const allPlaces = places();
  const allRoutes = routes();
  // Input types the schema takes anywhere: its arguments' types and all they hold.
  const inputTypes = [...new Set(allPlaces.map((place) => getNamedType(place.type)))].sort((a, b) => a.name.localeCompare(b.name));

  it('reaches every input type and every argument of the schema', () => {
    const inputObjects = Object.values(schema.getTypeMap())
      .filter(isInputObjectType)
      .map((type) => type.name)
      .sort();
    expect(inputTypes.filter(isInputObjectType).map((type) => type.name)).toEqual(inputObjects);
    expect(inputTypes.map((type) => type.name)).toEqual(
      expect.arrayContaining(['ID', 'String', 'Int', 'Float', 'Boolean', 'Date', 'Language', 'FacilityFilter', 'DateRange', 'NearInput']),
    );
    const unreachable = allPlaces.filter((place) => !allRoutes.has(place.owner)).map((place) => `${place.owner.name}.${place.field.name}`);
    expect([...new Set(unreachable)]).toEqual([]);
  });

  it(
    'documents with variables of every input type and every argument, random values: no 5xx, only GraphQL answers, nothing logged, and the server serves on',
    { timeout: 300_000 },
    async () => {
      const random = generator(seed ^ 0x5eed);
      const kinds = new Kinds();
      // For each target, the first document declares `$v` as the schema takes it and is first sent a valid value.
      const documents: { document: Document; first: boolean }[] = [];
      // Every argument of every field, the variable standing for the whole argument...
      const argumentPlaces = allPlaces.filter((place) => place.path.length === 0);
      for (const place of argumentPlaces) {
        for (let n = 0; n < DOCUMENTS_PER_TARGET; n += 1)
          documents.push({ document: documentAt(random, kinds, place, allRoutes.get(place.owner)!, n === 0), first: n === 0 });
      }
      // ...and every input type, the variable standing wherever the schema takes that type (inside filters too).
      for (const type of inputTypes) {
        const at = allPlaces.filter((place) => getNamedType(place.type) === type);
        for (let n = 0; n < DOCUMENTS_PER_TARGET; n += 1) {
          const place = random.pick(at);
          documents.push({ document: documentAt(random, kinds, place, allRoutes.get(place.owner)!, n === 0), first: n === 0 });
        }
      }
      // Each document twice, with different values: Apollo runs the first round, the compiled path of queries
      // Apollo ran before answers much of the second.
      const rounds = [
        documents.map(({ document, first }) => requestFor(random, document, first)),
        documents.map(({ document }) => requestFor(random, document)),
      ];
      const requests = rounds.flat();
      expect(kinds.missing([...valueKinds, ...declarations], 10)).toEqual([]);

      const outcomes = await send(api, requests);
      const proven = outcomes.filter((outcome) => outcome.ranBy === 'proven').length;
      console.log(
        `fuzz (FUZZ_SEED=${seed}): ${documents.length} documents over ${argumentPlaces.length} arguments and ${inputTypes.length} input types, ${requests.length} requests (${proven} answered by the compiled path), statuses ${statusCounts(outcomes)}`,
      );
      expect(problems(requests, outcomes)).toEqual([]);
      expect(errorsLogged).toEqual([]);
      // A valid variable of every input type was coerced and the operation ran (an answer with `data`).
      const executed = (outcome: Outcome) => outcome.text.startsWith('{"data"') || outcome.text.includes(',"data":');
      const ran = new Set(documents.filter(({ first }, at) => first && executed(outcomes[at]!)).map(({ document }) => document.declared));
      expect(inputTypes.map((type) => type.name).filter((name) => !ran.has(name))).toEqual([]);
      expect(proven, 'answers of the compiled path').toBeGreaterThan(documents.length / 10);
      await servesNormally();
    },
  );
});
