import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateSynthetic } from '../../src/db/synthetic/generate.js';
import { startApi, type TestApi } from '../support/api.js';

// The synthetic data stands in for a real district in the benchmarks: its facilities must spread over the
// communities as a district's do, or a filter by community measures a few crowded places and many empty ones.
let api: TestApi;
beforeAll(async () => {
  api = await startApi();
  await generateSynthetic(api.db, { facilities: 4000, observations: 0 }, () => {});
}, 120_000);
afterAll(async () => {
  await api?.close();
});

interface CommunityPage {
  divisions: { nodes: { code: string; facilities: { totalCount: number } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

it('spreads the synthetic facilities over all 400 synthetic communities', async () => {
  const perCommunity = new Map<string, number>();
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const data: CommunityPage = await api.data(
      `query ($after: String) { divisions(filter: { level: [COMMUNITY] }, first: 100, after: $after) {
        nodes { code facilities { totalCount } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    for (const node of data.divisions.nodes) if (node.code.startsWith('syn-')) perCommunity.set(node.code, node.facilities.totalCount);
    if (!data.divisions.pageInfo.hasNextPage) break;
    after = data.divisions.pageInfo.endCursor;
  }
  const counts = [...perCommunity.values()];
  expect(counts).toHaveLength(400);
  expect(counts.reduce((sum, n) => sum + n, 0)).toBe(4000);
  // Ten a community on average: none empty, none holding more than three times its share.
  expect(Math.min(...counts)).toBeGreaterThan(0);
  expect(Math.max(...counts)).toBeLessThanOrEqual(30);
});
