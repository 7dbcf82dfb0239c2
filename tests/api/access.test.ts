import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/access/apiKeys.js';
import { startApi, type TestApi } from '../support/api.js';

// API keys and rate limits on one instance (in-process budgets). Two instances sharing Redis, and the
// keys CLI, are in sharedBudget.test.ts (PostgreSQL project).
const budgets = { anonymous: 100, standard: 1000, partner: 5000, windowSeconds: 3600 };
let api: TestApi;
let proxied: TestApi;
beforeAll(async () => {
  api = await startApi({ settings: { rateLimits: budgets } });
  proxied = await startApi({ settings: { rateLimits: budgets, trustProxy: true } });
});
afterAll(async () => {
  await api?.close();
  await proxied?.close();
});

// facilities: 1 + 10 facilities; rateLimit: 1 → 12 points.
const twelvePoints = '{ facilities(first: 10) { nodes { slug } } rateLimit { limit cost remaining resetAt } }';

describe('API keys', () => {
  it("a valid key, as a Bearer token or x-api-key, gets its tier's budget", async () => {
    const standard = await createApiKey(api.db, 'Test newsroom', 'standard');
    const partner = await createApiKey(api.db, 'Test partner', 'partner');
    expect(standard.key).toMatch(/^ms_[A-Za-z0-9_-]{43}$/);
    const viaBearer = await api.query(twelvePoints, undefined, { authorization: `Bearer ${standard.key}` });
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body.data.rateLimit).toMatchObject({ limit: 1000, cost: 12, remaining: 988 });
    const viaHeader = await api.query(twelvePoints, undefined, { 'x-api-key': partner.key });
    expect(viaHeader.body.data.rateLimit).toMatchObject({ limit: 5000, cost: 12, remaining: 4988 });
  });

  it('only a hash of each key is stored', async () => {
    const { key } = await createApiKey(api.db, 'Hash check', 'standard');
    const rows = await api.db.rows<Record<string, unknown>>(sql`select * from api_keys`);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(JSON.stringify(rows)).not.toContain(key.slice(12));
  });

  it('a revoked key is refused with 401, saying it was revoked', async () => {
    const { key, info } = await createApiKey(api.db, 'Old integration', 'standard');
    expect((await api.query('{ __typename }', undefined, { authorization: `Bearer ${key}` })).status).toBe(200);
    expect(await revokeApiKey(api.db, String(info.id))).toHaveLength(1);
    const result = await api.query('{ __typename }', undefined, { authorization: `Bearer ${key}` });
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toBe('Bearer realm="minsheng"');
    expect(result.body.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'revoked' });
    expect(result.body.errors![0]!.message).toMatch(/^The API key ms_\S+… \("Old integration"\) was revoked on \d{4}-/);
  });

  it('an unknown key is refused with 401', async () => {
    const unknown = `ms_${'A'.repeat(43)}`;
    const result = await api.query('{ __typename }', undefined, { 'x-api-key': unknown });
    expect(result.status).toBe(401);
    expect(result.body.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'unknown' });
    expect(result.body.errors![0]!.message).toContain('No API key matches the one sent (ms_AAAAAAA…)');
    // Each unknown key costs a lookup: the answer says how many more this address may send (lowHoles.test.ts).
    expect(result.body.errors![0]!.message).toMatch(/Your address may present \d+ more unknown or revoked keys? until \d{4}-/);
  });

  it('a malformed key or Authorization header is refused with 401, without asking the database', async () => {
    for (const headers of [
      { authorization: 'Bearer not-a-key' } as Record<string, string>,
      { authorization: 'Basic dXNlcjpwYXNz' },
      { 'x-api-key': 'ms_short' },
      { authorization: `Bearer ms_${'A'.repeat(43)}`, 'x-api-key': `ms_${'B'.repeat(43)}` },
    ]) {
      const result = await api.query('{ __typename }', undefined, headers);
      expect(result.status, JSON.stringify(headers)).toBe(401);
      expect(result.body.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'malformed' });
      expect(result.sqlStatements).toBe(0);
    }
  });
});

describe('rate limits (in-process budgets)', () => {
  it("anonymous clients are charged each request's estimated cost, reported in rateLimit and RateLimit headers; past the budget: 429 with Retry-After", async () => {
    const remaining: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const result = await proxied.query(twelvePoints, undefined, { 'x-forwarded-for': '198.51.100.1' });
      expect(result.status).toBe(200);
      remaining.push(result.body.data.rateLimit.remaining);
      expect(result.headers.get('ratelimit-remaining')).toBe(String(result.body.data.rateLimit.remaining));
      expect(result.headers.get('ratelimit-limit')).toBe('100');
      expect(result.headers.get('ratelimit-policy')).toBe('100;w=3600');
      expect(Number(result.headers.get('ratelimit-reset'))).toBeGreaterThan(3590);
      expect(Date.parse(result.body.data.rateLimit.resetAt) - Date.now()).toBeGreaterThan(3_590_000);
    }
    expect(remaining).toEqual([88, 76, 64, 52, 40, 28, 16, 4]);

    const over = await proxied.query(twelvePoints, undefined, { 'x-forwarded-for': '198.51.100.1' });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(3590);
    expect(over.headers.get('ratelimit-remaining')).toBe('4');
    expect(over.body.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 100, cost: 12, remaining: 4 });
    expect(over.body.errors![0]!.message).toContain('This request costs 12 points and 4 of your 100 points per hour are left.');
    expect(over.sqlStatements).toBe(0);

    // A refused request is not charged: a cheaper one still fits.
    const cheap = await proxied.query('{ rateLimit { cost remaining } }', undefined, { 'x-forwarded-for': '198.51.100.1' });
    expect(cheap.body.data.rateLimit).toEqual({ cost: 1, remaining: 3 });

    // Another address has its own budget.
    const other = await proxied.query('{ rateLimit { remaining } }', undefined, { 'x-forwarded-for': '198.51.100.2' });
    expect(other.body.data.rateLimit.remaining).toBe(99);
  });

  it('without TRUST_PROXY, X-Forwarded-For is ignored: the socket address is the client', async () => {
    const first = await api.query('{ rateLimit { remaining } }', undefined, { 'x-forwarded-for': '203.0.113.1' });
    const second = await api.query('{ rateLimit { remaining } }', undefined, { 'x-forwarded-for': '203.0.113.2' });
    expect(second.body.data.rateLimit.remaining).toBe(first.body.data.rateLimit.remaining - 1);
  });

  it('a key has its own budget, apart from its address', async () => {
    const { key } = await createApiKey(api.db, 'Budget check', 'standard');
    const result = await api.query('{ rateLimit { limit remaining } }', undefined, { authorization: `Bearer ${key}` });
    expect(result.body.data.rateLimit).toEqual({ limit: 1000, remaining: 999 });
  });
});
