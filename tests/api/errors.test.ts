import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

/** Asks, expects exactly one error with this code, and returns its message. */
async function errorOf(query: string, variables?: Record<string, unknown>, code = 'BAD_USER_INPUT'): Promise<string> {
  const result = await api.query(query, variables);
  expect(result.body.errors, JSON.stringify(result.body)).toHaveLength(1);
  const [error] = result.body.errors!;
  expect(error!.extensions?.code).toBe(code);
  expect(JSON.stringify(result.body)).not.toMatch(/stacktrace|select |node_modules/i);
  return error!.message;
}

describe('client mistakes get a clear error with extensions.code, before the database is asked', () => {
  it('a page over 100 says the limit and what to do', async () => {
    const result = await api.query(`{ facilities(first: 101) { nodes { slug } } }`);
    expect(result.body.errors![0]!.message).toBe(
      '`first: 101` is over the page size limit of 100. Ask for at most 100 and follow `pageInfo` cursors for more.',
    );
    expect(result.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first', limit: 100 });
    expect(result.sqlStatements).toBe(0);
  });

  it('the limit holds on nested connections and on last', async () => {
    expect(await errorOf(`{ programs(first: 1) { nodes { facilities(first: 1000) { totalCount } } } }`)).toContain(
      '`first: 1000` is over the page size limit of 100',
    );
    expect(await errorOf(`{ programs(last: 500) { totalCount } }`)).toContain('`last: 500` is over the page size limit');
  });

  it('negative page sizes', async () => {
    expect(await errorOf(`{ facilities(first: -1) { totalCount } }`)).toBe('`first` must be a whole number from 0 to 100; got -1.');
  });

  it('first with last', async () => {
    expect(await errorOf(`{ facilities(first: 2, last: 2) { totalCount } }`)).toBe(
      'Page with `first`/`after` or with `last`/`before`, not both in one request.',
    );
  });

  it('a cursor that is not one', async () => {
    expect(await errorOf(`{ facilities(after: "bogus") { totalCount } }`)).toBe(
      '"bogus" is not a cursor of this list. Pass a `cursor`, `startCursor` or `endCursor` this list returned.',
    );
  });

  it('a cursor from another ordering', async () => {
    const data = await api.data(`{ facilities(first: 1, orderBy: [{ field: NAME }]) { pageInfo { endCursor } } }`);
    const message = await errorOf(`query($after: String) { facilities(after: $after) { totalCount } }`, { after: data.facilities.pageInfo.endCursor });
    expect(message).toBe(
      'This cursor was made for another ordering (NAME asc, ID asc); this list is ordered by SLUG asc, ID asc. Keep the same `orderBy` while paging.',
    );
  });

  it('an ordering that names a field twice', async () => {
    expect(await errorOf(`{ facilities(orderBy: [{ field: NAME }, { field: NAME, direction: DESC }]) { totalCount } }`)).toBe(
      'orderBy names NAME twice; name each field once.',
    );
  });

  it('an ID that is not one', async () => {
    expect(await errorOf(`{ node(id: "not-an-id") { id } }`)).toBe('"not-an-id" is not a Minsheng ID. Use the `id` field of a node returned by this API.');
  });

  it('a blank search', async () => {
    expect(await errorOf(`{ facilities(filter: { search: "  " }) { totalCount } }`)).toBe(
      '`search` is blank. Give at least one character to look for, or leave `search` out.',
    );
  });

  it('too many IDs for nodes(ids:)', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => Buffer.from(`Facility:x${i}`).toString('base64url'));
    expect(await errorOf(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids })).toBe('nodes(ids:) takes at most 100 IDs; got 101. Split the list.');
  });

  it('an unknown enum value or field is a validation error that names it', async () => {
    expect(await errorOf(`{ facilities(filter: { category: [SPACEPORT] }) { totalCount } }`, undefined, 'GRAPHQL_VALIDATION_FAILED')).toContain('SPACEPORT');
    expect(await errorOf(`{ facilities { nodes { colour } } }`, undefined, 'GRAPHQL_VALIDATION_FAILED')).toBe(
      'Cannot query field "colour" on type "Facility".',
    );
  });

  it('a syntax error', async () => {
    expect(await errorOf(`{ facilities { `, undefined, 'GRAPHQL_PARSE_FAILED')).toContain('Syntax Error');
  });

  it('malformed JSON is a 400, and the server keeps serving', async () => {
    const response = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
    expect((await api.data(`{ sources { totalCount } }`)).sources.totalCount).toBe(1);
  });

  it('an error in one field leaves the others answered', async () => {
    const result = await api.query(`{ ok: sources { totalCount } bad: node(id: "nope") { id } }`);
    expect(result.body.data).toEqual({ ok: { totalCount: 1 }, bad: null });
    expect(result.body.errors![0]!.path).toEqual(['bad']);
  });
});
