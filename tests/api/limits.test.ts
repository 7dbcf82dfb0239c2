import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings, startApi, type TestApi } from '../support/api.js';

// Every limit is checked on the document and variables before anything runs: no SQL is issued
// (x-sql-statements), and the error names the limit, the measured value and what to change.
let api: TestApi;
beforeAll(async () => {
  api = await startApi({ settings: { limits: defaultSettings().limits } });
});
afterAll(async () => {
  await api?.close();
});

async function refused(query: string, variables?: Record<string, unknown>) {
  const result = await api.query(query, variables);
  expect(result.body.errors, JSON.stringify(result.body).slice(0, 500)).toHaveLength(1);
  expect(result.body.data).toBeUndefined();
  expect(result.sqlStatements).toBe(0);
  expect(result.status).toBe(200); // application/json: request errors are 200 (GraphQL over HTTP)
  return result.body.errors![0]!;
}

const nested = (depth: number) => `{ facilities(first: 1) { nodes { division { ${'parent { '.repeat(depth - 4)}code${' }'.repeat(depth - 4)} } } } }`;

describe('limits checked before execution', () => {
  it('a depth-50 query', async () => {
    const error = await refused(nested(50));
    expect(error.extensions).toEqual({ code: 'QUERY_TOO_DEEP', limit: 15, actual: 50 });
    expect(error.message).toBe(
      'The query nests 50 levels deep; the limit is 15. Ask for fewer nested levels, and fetch deeper data in a second request (node(id:) takes any ID).',
    );
  });

  it('a query nested far deeper than the parser could take is refused, not crashed on', async () => {
    const error = await refused(`{ ${'a { '.repeat(20_000)}b${' }'.repeat(20_000)} }`.slice(0, 60_000));
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', limit: 15 });
  });

  it('depth 15 is fine', async () => {
    const result = await api.query(nested(15));
    expect(result.body.errors).toBeUndefined();
  });

  it('a 10,000-alias query', async () => {
    const error = await refused(`{ facility(slug: "yuxin-primary-school") {${' a:id'.repeat(10_000)} } }`);
    expect(error.extensions).toEqual({ code: 'TOO_MANY_ALIASES', limit: 100, actual: 10_000 });
    expect(error.message).toContain('The query uses 10,000 aliases; the limit is 100.');
  });

  it('aliases hidden in a fragment spread many times count every time', async () => {
    const fragment = `fragment F on Facility {${Array.from({ length: 10 }, (_, i) => ` a${i}: slug`).join('')} }`;
    const error = await refused(
      `{ facilities(first: 1) { nodes {${Array.from({ length: 11 }, (_, i) => ` f${i}: division { name }`).join('')} ${'...F '.repeat(9)}} } } ${fragment}`,
    );
    expect(error.extensions).toEqual({ code: 'TOO_MANY_ALIASES', limit: 100, actual: 101 });
  });

  it('a 10,000-alias query with long aliases is over the document size', async () => {
    const error = await refused(`{ facility(slug: "yuxin-primary-school") {${Array.from({ length: 10_000 }, (_, i) => ` alias${i}: id`).join('')} } }`);
    expect(error.extensions).toMatchObject({ code: 'DOCUMENT_TOO_LARGE', limit: 65_536 });
    expect((error.extensions as { actual: number }).actual).toBeGreaterThan(65_536);
  });

  it('too many root fields', async () => {
    const error = await refused(`{ ${Array.from({ length: 21 }, (_, i) => `s${i}: sources(first: 1) { totalCount }`).join(' ')} }`);
    expect(error.extensions).toEqual({ code: 'TOO_MANY_ROOT_FIELDS', limit: 20, actual: 21 });
    expect(error.message).toBe('The query asks for 21 root fields; the limit is 20. Split it into several requests.');
  });

  it('first: 100000, as a literal and as a variable', async () => {
    const literal = await refused('{ facilities(first: 100000) { nodes { slug } } }');
    expect(literal.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'first', limit: 100, actual: 100_000 });
    expect(literal.message).toBe('`first: 100000` is over the page size limit of 100. Ask for at most 100 and follow `pageInfo` cursors for more.');
    const variable = await refused('query($n: Int) { programs(first: 1) { nodes { facilities(last: $n) { totalCount } } } }', { n: 100_000 });
    expect(variable.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'last', actual: 100_000 });
  });

  it('an estimated cost over the limit: three nested pages of 100', async () => {
    const error = await refused(
      '{ facilities(first: 100) { nodes { programs(first: 100) { nodes { facilities(first: 100) { nodes { slug division { code } } } } } } } }',
    );
    // facilities 1 + 100 × (facility 1 + programs 1 + 100 × (program 1 + facilities 1 + 100 × (facility 1 + division 1)))
    expect(error.extensions).toEqual({ code: 'QUERY_TOO_COSTLY', limit: 500_000, actual: 1 + 100 * (1 + 1 + 100 * (1 + 1 + 100 * (1 + 1))) });
    expect(error.message).toContain('ask for smaller pages or fewer nested connections');
  });

  it('the cost counts fragments as spread, even a fragment bomb', async () => {
    const levels = Array.from(
      { length: 12 },
      (_, i) => `fragment L${i} on Division { ${i === 11 ? 'parent { code }' : `a: parent { ...L${i + 1} } b: parent { ...L${i + 1} }`} }`,
    );
    const result = await api.query(`{ divisions(first: 1) { nodes { ...L0 } } } ${levels.join(' ')}`);
    expect(result.body.errors![0]!.extensions?.code).toMatch(/QUERY_TOO_DEEP|TOO_MANY_ALIASES|QUERY_TOO_COSTLY/);
    expect(result.sqlStatements).toBe(0);
  });

  it('a body over the limit is a 413', async () => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(1024 * 1024) } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'The request body is over the limit of 1048576 bytes. Send a shorter document, or fewer variables per request.',
          extensions: { code: 'REQUEST_TOO_LARGE', limit: 1_048_576 },
        },
      ],
    });
    expect((await api.data('{ sources { totalCount } }')).sources.totalCount).toBe(1);
  });

  it('under application/graphql-response+json a refused document is a 400', async () => {
    const result = await api.query(nested(50), undefined, { accept: 'application/graphql-response+json' });
    expect(result.status).toBe(400);
    expect(result.headers.get('content-type')).toContain('application/graphql-response+json');
  });

  it('the introspection query GraphiQL sends fits the limits', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const result = await api.query(
      getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true }),
    );
    expect(result.body.errors).toBeUndefined();
  });
});
