import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';

// Charts, embeds, permalinks, the catalog and the data package spend the caller's budget like GraphQL does.
let api: TestApi;
beforeAll(async () => {
  api = await startApi({ settings: { rateLimits: { anonymous: 3 } } });
});
afterAll(async () => {
  await api?.close();
});

describe('the routes beside /graphql are priced', () => {
  it('each costs a point of the caller’s budget; past it a 429 says when to retry, and /healthz stays free', async () => {
    // A figure of the Dadukou seed (seeds/observations.json).
    const key = 'juvenile-crime-yoy-2023-11';
    const paths = ['/v1/charts/indicators/elderly-care-institutions.svg', '/v1/embed/indicators/elderly-care-institutions', `/v1/observations/${key}`];
    const remaining: string[] = [];
    for (const path of paths) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status, path).toBe(200);
      remaining.push(response.headers.get('ratelimit-remaining')!);
      await response.arrayBuffer();
    }
    expect(remaining).toEqual(['2', '1', '0']);
    for (const path of ['/v1/catalog', '/v1/datapackage.json', '/v1/charts/indicators/elderly-care-beds.svg']) {
      const refused = await fetch(`${api.url}${path}`);
      expect(refused.status, path).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('cache-control')).toBe('no-store');
      expect(((await refused.json()) as { error: string }).error).toMatch(/costs 1 points and 0 of your 3 points/);
    }
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('ratelimit-remaining')).toBeNull();
  });
});
