import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByText } from '../../src/cache/byText.js';
import { startApi, type TestApi } from '../support/api.js';

// A query text Apollo has run once is answered again by the endpoint itself (src/http/provenAnswer.ts).
// Each request below is sent twice: the first answer is Apollo's, the second must be the same bytes,
// status and content type, whoever gave it — and `x-ran-by` says who did.
let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

interface Request {
  method?: 'GET' | 'POST';
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** undefined: no Accept header at all. */
  accept?: string;
}

interface Answer {
  status: number;
  contentType: string | null;
  body: string;
  ranBy: string | null;
}

async function send(request: Request): Promise<Answer> {
  const headers: Record<string, string> = { 'x-request-id': 'proven-check' };
  if (request.accept !== undefined) headers.accept = request.accept;
  const params = { query: request.query, variables: request.variables, operationName: request.operationName };
  let response: Response;
  if (request.method === 'GET') {
    const search = new URLSearchParams({ query: request.query });
    if (request.variables) search.set('variables', JSON.stringify(request.variables));
    if (request.operationName) search.set('operationName', request.operationName);
    response = await fetch(`${api.url}/graphql?${search}`, { headers });
  } else {
    response = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(params) });
  }
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text(), ranBy: response.headers.get('x-ran-by') };
}

/** The first answer (Apollo's) and the second; both must be the same but for who ran them. */
async function twice(request: Request): Promise<[Answer, Answer]> {
  const first = await send(request);
  const second = await send(request);
  expect(first.ranBy).toBe('apollo');
  expect({ ...second, ranBy: undefined }).toEqual({ ...first, ranBy: undefined });
  return [first, second];
}

/** A test per request: sent twice, the same answer both times, the second given by `ranBy`. */
function secondAnsweredBy(ranBy: 'proven' | 'apollo', requests: [string, Request][]) {
  for (const [name, request] of requests) {
    it(name, async () => {
      const [, second] = await twice(request);
      expect(second.ranBy).toBe(ranBy);
    });
  }
}

const JSON_TYPE = 'application/json';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

describe('a query Apollo has run before is answered again without it, the same to the byte', () => {
  const answeredDirectly: [string, Request][] = [
    [
      'a page of facilities',
      { query: '{ facilities(first: 3, orderBy: [{ field: SLUG }]) { nodes { slug name category } pageInfo { endCursor } } }', accept: JSON_TYPE },
    ],
    [
      'with variables',
      {
        query: 'query ($n: Int!, $lang: Language) { facilities(first: $n) { nodes { slug name(lang: $lang) } } }',
        variables: { n: 2, lang: 'EN' },
        accept: JSON_TYPE,
      },
    ],
    ['under application/graphql-response+json', { query: '{ indicators(first: 2) { nodes { code name } } }', accept: GRAPHQL_RESPONSE }],
    ['with no Accept header', { query: '{ indicators(first: 1) { totalCount } }' }],
    ['with a weighted Accept header', { query: '{ sources { totalCount } }', accept: `${GRAPHQL_RESPONSE}, ${JSON_TYPE};q=0.9` }],
    [
      'over GET',
      {
        method: 'GET',
        query: 'query ($code: String!) { indicator(code: $code) { code observations(first: 2) { nodes { key value period { start end } } } } }',
        variables: { code: 'x' },
        accept: JSON_TYPE,
      },
    ],
    ['a resolver error beside answered fields', { query: '{ ok: sources { totalCount } bad: node(id: "nope") { id } }', accept: JSON_TYPE }],
    ['a resolver error under graphql-response+json', { query: '{ facilities(after: "not-a-cursor") { totalCount } }', accept: GRAPHQL_RESPONSE }],
    [
      'a value the database refuses',
      { query: 'query ($q: String!) { facilities(filter: { search: $q }) { totalCount } }', variables: { q: 'a\u0000b' }, accept: JSON_TYPE },
    ],
  ];
  secondAnsweredBy('proven', answeredDirectly);

  it('each operation of a document by its name', async () => {
    const query = 'query Slugs { facilities(first: 2) { nodes { slug } } } query Codes { indicators(first: 2) { nodes { code } } }';
    const [slugs] = await twice({ query, operationName: 'Slugs', accept: JSON_TYPE });
    const [codes] = await twice({ query, operationName: 'Codes', accept: JSON_TYPE });
    expect(Object.keys(JSON.parse(slugs.body).data)).toEqual(['facilities']);
    expect(Object.keys(JSON.parse(codes.body).data)).toEqual(['indicators']);
    // Both names are proven now; the document without a name is still Apollo's to refuse.
    expect((await send({ query, operationName: 'Codes', accept: JSON_TYPE })).ranBy).toBe('proven');
    const unnamed = await twice({ query, accept: JSON_TYPE });
    expect(unnamed[1].ranBy).toBe('apollo');
    expect(JSON.parse(unnamed[1].body).errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
  });

  it('an internal failure is masked the same way', async () => {
    const query = '{ sources { nodes { title } } }';
    await send({ query, accept: JSON_TYPE }); // proven while the table is there
    await api.db.rows(sql`alter table sources rename to sources_gone`);
    try {
      const first = await send({ query, accept: JSON_TYPE });
      expect(first.ranBy).toBe('proven');
      expect(JSON.parse(first.body).errors[0]).toMatchObject({
        message: 'Internal server error. Quote request id proven-check when reporting it.',
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'proven-check' },
      });
      expect(first.body).not.toMatch(/sources_gone|relation|stack/i);
    } finally {
      await api.db.rows(sql`alter table sources_gone rename to sources`);
    }
  });
});

describe('what only Apollo answers', () => {
  const apolloOnly: [string, Request][] = [
    ['variables that do not coerce', { query: 'query ($n: Int!) { facilities(first: $n) { totalCount } }', variables: { n: 'many' }, accept: JSON_TYPE }],
    ['introspection', { query: '{ __schema { queryType { name } } }', accept: JSON_TYPE }],
    ['a validation error', { query: '{ facilities { nope } }', accept: JSON_TYPE }],
    ['an Accept header Apollo refuses', { query: '{ indicators(first: 1) { totalCount } }', accept: 'text/html' }],
  ];
  secondAnsweredBy('apollo', apolloOnly);

  it('a proven query whose variables stop coercing goes back to Apollo, and its own words', async () => {
    const query = 'query ($n: Int!) { programs(first: $n) { totalCount } }';
    await twice({ query, variables: { n: 1 }, accept: JSON_TYPE });
    const refused = await send({ query, variables: { n: 'one' }, accept: JSON_TYPE });
    expect(refused.ranBy).toBe('apollo');
    expect(JSON.parse(refused.body).errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(JSON.parse(refused.body).errors[0].message).toMatch(/^Variable "\$n" got invalid value "one"/);
  });
});

describe('what is kept per query text', () => {
  it('is bounded by the bytes its texts hold, oldest out first; a text set again counts once and becomes the newest', () => {
    const kept = new ByText<number>(10, 1);
    kept.set('aaaa', 1);
    kept.set('bbbb', 2);
    kept.set('aaaa', 3); // 8 characters, not 12; 'bbbb' is now the oldest
    kept.set('cc', 4);
    expect([kept.get('aaaa'), kept.get('bbbb'), kept.get('cc')]).toEqual([3, 2, 4]);
    kept.set('dd', 5); // 12 > 10: the oldest goes
    expect([kept.get('aaaa'), kept.get('bbbb'), kept.get('cc'), kept.get('dd')]).toEqual([3, undefined, 4, 5]);
    kept.set('x'.repeat(50), 6); // more than the bound alone: not kept, and nothing else goes for it
    expect([kept.get('aaaa'), kept.get('cc'), kept.get('dd'), kept.get('x'.repeat(50))]).toEqual([3, 4, 5, undefined]);
    expect(kept.size).toEqual({ entries: 3, bytes: 8, maxBytes: 10 });
    const weighed = new ByText<number>(100, 30); // what is kept costs 30 bytes a character
    weighed.set('abc', 1);
    weighed.set('def', 2);
    expect(weighed.size).toEqual({ entries: 1, bytes: 90, maxBytes: 100 });
    expect([weighed.get('abc'), weighed.get('def')]).toEqual([undefined, 2]);
  });
});
