import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

type Hit = { score: number; snippet: string | null; node: { __typename: string; slug?: string; code?: string; key?: string; domain?: string; name?: string } };
const hitsFor = async (query: string, extra = ''): Promise<{ totalCount: number; edges: Hit[] }> =>
  (
    await api.data(
      `query($q: String!) { search(query: $q${extra}, first: 100) { totalCount edges { score snippet node { __typename
    ... on Facility { slug domain name } ... on Program { slug domain name } ... on Indicator { code domain name }
    ... on Observation { key label } ... on Organization { slug name } ... on Division { code name } } } } }`,
      { q: query },
    )
  ).search;

describe('search', () => {
  it('two Chinese characters: 养老 finds the elderly-care facilities, programs and indicators first', async () => {
    const { edges, totalCount } = await hitsFor('养老');
    expect(totalCount).toBe(edges.length);
    // Every hit whose name holds 养老 comes before every hit that matches only in other text.
    const named = edges.map((e) => (e.node.name ?? '').includes('养老'));
    expect(named.indexOf(false)).toBe(named.lastIndexOf(true) + 1);
    const first = edges.slice(0, named.indexOf(false));
    expect(first.length).toBeGreaterThan(10);
    for (const hit of first) expect(['ELDERLY_CARE', 'HEALTH'], JSON.stringify(hit.node)).toContain(hit.node.domain);
    expect(new Set(first.map((h) => h.node.__typename))).toEqual(new Set(['Facility', 'Program', 'Indicator']));
    expect(first.map((h) => h.node.slug)).toContain('kaier-xinyi-care-home');
    const scores = edges.map((e) => e.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const hit of edges) expect(hit.snippet ?? '', JSON.stringify(hit.node)).toBeTruthy();
  });

  it('finds a whole name first, with score 1', async () => {
    const { edges } = await hitsFor('钰鑫小学');
    expect(edges[0]).toMatchObject({ score: 1, snippet: '钰鑫小学', node: { __typename: 'Facility', slug: 'yuxin-primary-school' } });
  });

  it('English, case-insensitive', async () => {
    const { edges } = await hitsFor('CANTEEN');
    expect(edges.map((e) => e.node.slug ?? e.node.code ?? e.node.key)).toContain('gudu-community-elderly-canteen');
    expect(edges.every((e) => /canteen/i.test(e.snippet ?? ''))).toBe(true);
  });

  it('mixed Chinese and English terms must all match', async () => {
    const { edges } = await hitsFor('社区 canteen');
    expect(edges.map((e) => e.node.slug).filter(Boolean)).toContain('gudu-community-elderly-canteen');
    for (const hit of edges) expect(JSON.stringify(hit)).toMatch(/社区|canteen/i);
  });

  it('no hit is an empty list', async () => {
    expect(await hitsFor('火星基地')).toEqual({ totalCount: 0, edges: [] });
  });

  it('types narrows the kinds of hits', async () => {
    const { edges } = await hitsFor('学位', ', types: [OBSERVATION, INDICATOR]');
    expect(edges.length).toBeGreaterThan(0);
    expect(new Set(edges.map((e) => e.node.__typename))).toEqual(new Set(['Indicator', 'Observation']));
  });

  it('pages through hits with cursors, each once', async () => {
    const all = (await hitsFor('养老')).edges.map((e) => JSON.stringify(e.node));
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const data: any = await api.data(
        `query($after: String) { search(query: "养老", first: 7, after: $after) { pageInfo { hasNextPage endCursor } edges { node { __typename
        ... on Facility { slug domain name } ... on Program { slug domain name } ... on Indicator { code domain name }
        ... on Observation { key label } ... on Organization { slug name } ... on Division { code name } } } } }`,
        { after },
      );
      seen.push(...data.search.edges.map((e: Hit) => JSON.stringify(e.node)));
      if (!data.search.pageInfo.hasNextPage) break;
      after = data.search.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it("every list's filter.search serves two characters and ranks names first", async () => {
    const data =
      await api.data(`{ facilities(filter: { search: "小学" }, first: 100) { nodes { name } } programs(filter: { search: "养老" }, first: 3) { nodes { name } }
      indicators(filter: { search: "学位" }) { nodes { code } } observations(filter: { search: "学位" }) { nodes { key } } }`);
    expect(data.facilities.nodes.length).toBeGreaterThan(10);
    for (const n of data.facilities.nodes) expect(n.name).toContain('小学');
    for (const n of data.programs.nodes) expect(n.name).toContain('养老');
    expect(data.indicators.nodes).toEqual([{ code: 'new-school-places' }]);
    expect(data.observations.nodes.length).toBeGreaterThan(0);
  });

  it('one character works too (without the index)', async () => {
    const data = await api.data(`{ facilities(filter: { search: "鑫" }) { nodes { slug name description } } }`);
    expect(data.facilities.nodes[0].slug).toBe('yuxin-primary-school'); // the name first, then descriptions
    for (const n of data.facilities.nodes) expect(`${n.name} ${n.description}`).toContain('鑫');
  });

  it('a blank query is a mistake', async () => {
    const result = await api.query(`{ search(query: " ") { totalCount } }`);
    expect(result.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});
