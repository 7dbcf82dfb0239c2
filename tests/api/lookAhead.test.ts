import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, withoutExtensions, type TestApi } from '../support/api.js';

// indicator(code) fetches the indicator and the page of figures asked under it in one statement
// (loadWithNestedPage). Whatever the arguments, the answer must be the one the same list gives under
// the indicators list, which loads the indicator and its figures separately.
let api: TestApi;
let code: string;
beforeAll(async () => {
  api = await startApi();
  const { indicators } = await api.data<{ indicators: { nodes: { code: string; observations: { totalCount: number } }[] } }>(
    '{ indicators(first: 100) { nodes { code observations { totalCount } } } }',
  );
  // The indicator with the most figures, so pages and orders have something to tell apart.
  code = [...indicators.nodes].sort((a, b) => b.observations.totalCount - a.observations.totalCount)[0]!.code;
});
afterAll(async () => {
  await api?.close();
});

const figures = `key value status period { end } label`;

describe('an indicator with its figures', () => {
  const argumentSets = [
    '',
    '(first: 2)',
    '(first: 0)',
    '(orderBy: [{ field: VALUE, direction: DESC }], first: 3)',
    '(filter: { status: [ACTUAL] }, orderBy: [{ field: PERIOD_END, direction: DESC }])',
    '(filter: { value: { gt: 1e15 } })',
  ];
  for (const args of argumentSets) {
    it(`answers in one statement what the list answers alone: observations${args}`, async () => {
      const selection = `code name observations${args} { totalCount edges { cursor node { ${figures} } } pageInfo { hasNextPage endCursor } }`;
      const alone = await api.query<{ indicators: { nodes: unknown[] } }>(
        `query ($code: String!) { indicators(filter: { code: [$code] }) { nodes { ${selection} } } }`,
        { code },
      );
      const together = await api.query<{ indicator: unknown }>(`query ($code: String!) { indicator(code: $code) { ${selection} } }`, { code });
      expect(withoutExtensions(together.body)).toEqual({ data: { indicator: alone.body.data!.indicators.nodes[0] } });
      // totalCount is its own statement, as in any nested list: 1 + 1 here, where the list alone takes 3.
      expect([together.sqlStatements, alone.sqlStatements]).toEqual([2, 3]);
    });
  }

  it('follows the cursor to the next page, one statement a page', async () => {
    const page = async (after: string | null) =>
      api.query<{ indicator: { observations: { nodes: { key: string }[]; pageInfo: { endCursor: string; hasNextPage: boolean } } } }>(
        'query ($code: String!, $after: String) { indicator(code: $code) { observations(first: 1, after: $after) { nodes { key } pageInfo { endCursor hasNextPage } } } }',
        { code, after },
      );
    const { nodes } = (
      await api.data<{ indicator: { observations: { nodes: { key: string }[] } } }>(
        'query ($code: String!) { indicator(code: $code) { observations(first: 100) { nodes { key } } } }',
        { code },
      )
    ).indicator.observations;
    const walked: string[] = [];
    let after: string | null = null;
    for (;;) {
      const answer = await page(after);
      expect(answer.sqlStatements).toBe(1);
      const { observations } = answer.body.data!.indicator;
      walked.push(...observations.nodes.map((n) => n.key));
      if (!observations.pageInfo.hasNextPage) break;
      after = observations.pageInfo.endCursor;
    }
    expect(walked).toEqual(nodes.map((n) => n.key));
    expect(walked.length).toBeGreaterThanOrEqual(2); // since the split of merged indicators (issue #16) the longest series holds 2 figures: a cursor followed at least once
  });

  it('an unknown code is null, in one statement', async () => {
    const answer = await api.query('{ indicator(code: "no-such-indicator") { code observations(first: 2) { nodes { key } } } }');
    expect(withoutExtensions(answer.body)).toEqual({ data: { indicator: null } });
    expect(answer.sqlStatements).toBe(1);
  });

  it("a bad cursor is the list's error, as when the list is loaded alone", async () => {
    const together = await api.query(
      `query ($code: String!) { indicator(code: $code) { code observations(first: 2, after: "not-a-cursor") { nodes { key } } } }`,
      { code },
    );
    const alone = await api.query(
      `query ($code: String!) { indicator(code: $code) { code ...F } } fragment F on Indicator { observations(first: 2, after: "not-a-cursor") { nodes { key } } }`,
      { code },
    );
    expect(together.body.errors?.[0]).toMatchObject({ path: ['indicator', 'observations'], extensions: { code: 'BAD_USER_INPUT' } });
    const withoutPlaces = (body: typeof together.body) => ({
      ...body,
      errors: body.errors?.map(({ locations: _, ...error }: Record<string, unknown>) => error),
    });
    expect(withoutPlaces(together.body)).toEqual(withoutPlaces(alone.body));
  });

  it('figures asked through a fragment or twice are loaded apart, with the same answers', async () => {
    const direct = await api.data(`query ($code: String!) { indicator(code: $code) { code observations(first: 3) { nodes { key } } } }`, { code });
    const viaFragment = await api.query(
      `query ($code: String!) { indicator(code: $code) { code ...F } } fragment F on Indicator { observations(first: 3) { nodes { key } } }`,
      { code },
    );
    expect(withoutExtensions(viaFragment.body)).toEqual({ data: direct });
    expect(viaFragment.sqlStatements).toBe(2);
    const twice = await api.data<{ indicator: { a: { nodes: unknown[] }; b: { nodes: unknown[] } } }>(
      `query ($code: String!) { indicator(code: $code) { a: observations(first: 3) { nodes { key } } b: observations(first: 1) { nodes { key } } } }`,
      { code },
    );
    expect(twice.indicator.a).toEqual((direct as { indicator: { observations: unknown } }).indicator.observations);
    expect(twice.indicator.b.nodes).toEqual(twice.indicator.a.nodes.slice(0, 1));
  });
});

// facility(slug) and program(slug) do the same with the first of their lists that is asked for. The
// answer through a fragment (loaded apart, in two statements) is the reference.
describe('a facility or a program with one of its lists', () => {
  const cases = [
    ['facility', 'yuxin-primary-school', 'programs(first: 1) { edges { cursor node { slug name } } pageInfo { hasNextPage } }'],
    ['facility', 'yuxin-primary-school', 'programs(orderBy: [{ field: SLUG, direction: DESC }]) { nodes { slug } }'],
    ['facility', 'gudu-community-elderly-canteen', 'observations { nodes { key value } }'],
    ['program', 'tongxin-alliance', 'facilities(first: 2) { edges { role node { slug } cursor } pageInfo { hasNextPage endCursor } }'],
    ['program', 'tongxin-alliance', 'facilities(role: [MEMBER]) { nodes { slug category } }'],
    ['program', 'tongxin-alliance', 'observations(first: 5) { nodes { key value } }'],
  ] as const;
  for (const [root, slug, list] of cases) {
    it(`${root}(slug: "${slug}") { ${list.split('{')[0]!.trim()} } in one statement, as loaded apart`, async () => {
      const Type = root === 'facility' ? 'Facility' : 'Program';
      const together = await api.query(`query ($slug: String!) { ${root}(slug: $slug) { slug name ${list} } }`, { slug });
      const apart = await api.query(`query ($slug: String!) { ${root}(slug: $slug) { slug name ...L } } fragment L on ${Type} { ${list} }`, { slug });
      expect(together.body.errors).toBeUndefined();
      expect(together.body).toEqual(apart.body);
      expect(together.body.data![root]).not.toBeNull();
      expect([together.sqlStatements, apart.sqlStatements]).toEqual([1, 2]);
    });
  }

  it('an unknown slug is null, in one statement', async () => {
    const answer = await api.query('{ facility(slug: "no-such-place") { slug programs { nodes { slug } } } }');
    expect(withoutExtensions(answer.body)).toEqual({ data: { facility: null } });
    expect(answer.sqlStatements).toBe(1);
  });
});
