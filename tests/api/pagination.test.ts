import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facilities, indicators, observations, programs, type Rec } from '../data/dataset.js';
import { startApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const texts = (r: Rec) => [r.name_zh, r.name_en, r.description_zh, r.description_en];
const containing = (records: Rec[], text: string, fields: (r: Rec) => (string | null | undefined)[]) =>
  records.filter((r) => fields(r).some((t) => t?.toLowerCase().includes(text))).length;

type Page = { pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null }; nodes: { key: string }[] };

/** Walks a root list to its end, page by page, forward or backward, and returns the keys in list order. */
async function walk(field: string, keyField: string, args: string, pageSize: number, backward: boolean): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const paging = backward ? `last: ${pageSize}, before: $cursor` : `first: ${pageSize}, after: $cursor`;
    const data: Record<string, Page> = await api.data(
      `query($cursor: String) { list: ${field}(${args}${args ? ', ' : ''}${paging}) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { key: ${keyField} } } }`,
      { cursor },
    );
    const page = data.list!;
    const pageKeys = page.nodes.map((n) => n.key);
    if (backward) keys.unshift(...pageKeys);
    else keys.push(...pageKeys);
    const more = backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
    if (!more) return keys;
    cursor = backward ? page.pageInfo.startCursor : page.pageInfo.endCursor;
  }
  throw new Error('the walk did not end');
}

describe('keyset pagination', () => {
  const lists: [string, string, string, number][] = [
    ['facilities', 'slug', '', 31],
    ['facilities', 'slug', 'orderBy: [{ field: CATEGORY, direction: DESC }, { field: NAME }]', 31],
    ['programs', 'slug', 'orderBy: [{ field: KIND }, { field: NAME_EN, direction: DESC }]', 55],
    ['observations', 'key', '', 38],
    ['observations', 'key', 'orderBy: [{ field: VALUE, direction: DESC }]', 38],
    ['divisions', 'code', '', 12],
    ['organizations', 'slug', '', 12],
    ['indicators', 'code', '', 36],
    ['indicators', 'code', 'orderBy: [{ field: DOMAIN, direction: DESC }, { field: NAME_EN }]', 36],
    ['facilities', 'slug', 'filter: { search: "小学" }', containing(facilities, '小学', texts)],
    ['programs', 'slug', 'filter: { search: "养老" }, orderBy: [{ field: RELEVANCE, direction: DESC }, { field: NAME }]', containing(programs, '养老', texts)],
    [
      'observations',
      'key',
      'filter: { search: "养老" }',
      observations.filter((o) =>
        [o.label_zh, o.label_en, o.citation.quote, ...texts(indicators.find((i) => i.code === o.indicator)!)].some((t) => t?.includes('养老')),
      ).length,
    ],
  ];

  it.each(lists)('%s(%s %s): forward and backward walks return every row exactly once, in the same order', async (field, keyField, args, total) => {
    const all = await api.data(`{ list: ${field}(${args}${args ? ', ' : ''}first: 100) { totalCount nodes { key: ${keyField} } } }`);
    const expected = all.list.nodes.map((n: { key: string }) => n.key);
    expect(all.list.totalCount).toBe(total);
    expect(expected).toHaveLength(total);
    expect(new Set(expected).size).toBe(total);
    expect(await walk(field, keyField, args, 7, false)).toEqual(expected);
    expect(await walk(field, keyField, args, 7, true)).toEqual(expected);
  });

  it('orders as asked: observations by value descending, ties broken by id', async () => {
    const data = await api.data(`{ observations(orderBy: [{ field: VALUE, direction: DESC }], first: 100) { nodes { value } } }`);
    const values: number[] = data.observations.nodes.map((n: { value: number }) => n.value);
    expect(values[0]).toBe(4600000000); // 约46亿元, the largest figure of the report
    expect(values.at(-1)).toBe(-56.76); // 同比下降56.76%, the smallest
    expect([...values].sort((a, b) => b - a)).toEqual(values);
  });

  it('page info at the edges of a list', async () => {
    const first = await api.data(`{ facilities(first: 31) { pageInfo { hasNextPage hasPreviousPage } } }`);
    expect(first.facilities.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false });
    const last = await api.data(`{ facilities(last: 2) { pageInfo { hasNextPage hasPreviousPage } nodes { slug } } }`);
    expect(last.facilities.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    expect(last.facilities.nodes.map((n: { slug: string }) => n.slug)).toEqual(['yuxin-primary-school', 'zhongliangshan-wellness-project']);
  });

  it('the default page size is 20', async () => {
    const data = await api.data(`{ programs { nodes { slug } pageInfo { hasNextPage } } }`);
    expect(data.programs.nodes).toHaveLength(20);
    expect(data.programs.pageInfo.hasNextPage).toBe(true);
  });

  it('first: 0 returns no rows but says whether there are any', async () => {
    const data = await api.data(`{ facilities(first: 0) { totalCount nodes { slug } pageInfo { hasNextPage endCursor } } }`);
    expect(data.facilities).toEqual({ totalCount: 31, nodes: [], pageInfo: { hasNextPage: true, endCursor: null } });
  });

  it('nested connections page by cursor too', async () => {
    const first = await api.data(
      `{ program(slug: "tongxin-alliance") { facilities(first: 4) { totalCount pageInfo { endCursor hasNextPage } edges { role node { slug } } } } }`,
    );
    const page1 = first.program.facilities;
    expect(page1.totalCount).toBe(7);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await api.data(
      `query($after: String) { program(slug: "tongxin-alliance") { facilities(first: 4, after: $after) { pageInfo { hasNextPage hasPreviousPage } edges { role node { slug } } } } }`,
      { after: page1.pageInfo.endCursor },
    );
    const slugs = [...page1.edges, ...second.program.facilities.edges].map((e: { node: { slug: string } }) => e.node.slug);
    expect(slugs).toEqual([
      'baihua-primary-school',
      'dadukou-primary-school',
      'dayan-primary-school',
      'ganghua-primary-school',
      'huayuan-primary-school',
      'mawang-primary-school',
      'qiezixi-primary-school',
    ]);
    expect(second.program.facilities.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  });
});
