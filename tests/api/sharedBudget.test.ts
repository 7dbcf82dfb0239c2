// type-graphql reads decorator metadata through Reflect.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/apiKeys.js';
import { startApi, withoutExtensions, type TestApi } from '../support/api.js';
import { databaseUrl, testBackend, uniqueName } from '../support/databases.js';

// Several instances behind a load balancer share one budget through Redis, and one PostgreSQL for keys.
// Needs Redis (started by .ci/run) and PostgreSQL: PostgreSQL project only.
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const root = path.resolve(import.meta.dirname, '../..');

function keysCli(args: string[], database: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/keys.ts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl(database) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe.runIf(testBackend() === 'postgres')('two instances sharing Redis and PostgreSQL (PostgreSQL only: two processes cannot share one PGlite)', () => {
  const prefix = `${uniqueName('minsheng_test')}:`;
  const settings = {
    redisUrl,
    redisKeyPrefix: prefix,
    trustProxy: true,
    rateLimits: { anonymous: 50, standard: 1000, partner: 5000, windowSeconds: 3600, failedKeysPerMinute: 2 },
  };
  let first: TestApi;
  let second: TestApi;
  beforeAll(async () => {
    first = await startApi({ settings });
    second = await startApi({ settings, db: first.db });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('one anonymous budget across both instances: 429 with Retry-After from either once it is spent', async () => {
    const elevenPoints = '{ facilities(first: 10) { nodes { slug } } }';
    const remaining: string[] = [];
    for (const api of [first, second, first, second]) {
      const result = await api.query(elevenPoints);
      expect(result.status).toBe(200);
      remaining.push(result.headers.get('ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['39', '28', '17', '6']);
    for (const api of [first, second]) {
      const over = await api.query(elevenPoints);
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(3590);
      expect(over.body.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 50, cost: 11, remaining: 6 });
    }
    const redis = new Redis(redisUrl);
    const [budgetKey] = await redis.keys(`${prefix}budget:*`);
    expect(await redis.get(budgetKey!)).toBe('44');
    expect(await redis.pttl(budgetKey!)).toBeGreaterThan(3_590_000);
    await redis.quit();
  });

  it('a persisted query registered on one instance runs on the other', async () => {
    const query = '{ sources { totalCount } }';
    const { createHash } = await import('node:crypto');
    const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } }));
    const { key } = await createApiKey(first.db, 'APQ check', 'standard');
    const registered = await fetch(`${first.url}/graphql?query=${encodeURIComponent(query)}&extensions=${extensions}`, { headers: { 'x-api-key': key } });
    expect(registered.status).toBe(200);
    const byHash = await fetch(`${second.url}/graphql?extensions=${extensions}`, { headers: { 'x-api-key': key } });
    expect(withoutExtensions(await byHash.json())).toEqual({ data: { sources: { totalCount: 1 } } });
  });

  it('keys made, listed and revoked with the CLI work on every instance', { timeout: 60_000 }, async () => {
    const database = (first.db as unknown as { name: string }).name;
    const created = await keysCli(['create', '--name', 'CLI partner', '--tier', 'partner'], database);
    expect(created.code, created.output).toBe(0);
    expect(created.output).toMatch(/^Created API key \d+ for "CLI partner" \(tier partner\)\. It is shown this once; store it now:\nms_[A-Za-z0-9_-]{43}\n$/);
    const key = created.output.trim().split('\n').at(-1)!;

    const onFirst = await first.query('{ rateLimit { limit remaining } }', undefined, { authorization: `Bearer ${key}` });
    const onSecond = await second.query('{ rateLimit { limit remaining } }', undefined, { authorization: `Bearer ${key}` });
    expect(onFirst.body.data.rateLimit).toEqual({ limit: 5000, remaining: 4999 });
    expect(onSecond.body.data.rateLimit).toEqual({ limit: 5000, remaining: 4998 });

    const listed = await keysCli(['list'], database);
    expect(listed.output).toMatch(new RegExp(`\\d+\\t${key.slice(0, 10)}…\\tpartner\\tactive\\tcreated \\S+\\tCLI partner`));
    expect(listed.output).not.toContain(key);

    const revoked = await keysCli(['revoke', key.slice(0, 10)], database);
    expect(revoked.code, revoked.output).toBe(0);
    expect(revoked.output).toMatch(/^Revoked API key \d+ \(ms_\S+…, "CLI partner"\)\.\n$/);
    const afterRevoke = await second.query('{ __typename }', undefined, { authorization: `Bearer ${key}` });
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'revoked' });

    const bad = await keysCli(['create', '--tier', 'gold'], database);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('create needs --name.');
  });

  it('unknown keys are counted across both instances: past the limit, either refuses keys from that address unlooked-up', async () => {
    const unknown = `ms_${'Z'.repeat(43)}`;
    const from = (api: TestApi) => api.query('{ __typename }', undefined, { 'x-forwarded-for': '198.51.100.77', 'x-api-key': unknown });
    expect((await from(first)).status).toBe(401);
    expect((await from(second)).status).toBe(401);
    for (const api of [first, second]) {
      const refused = await from(api);
      expect(refused.status).toBe(429);
      expect(refused.sqlStatements).toBe(0);
      expect(refused.body.errors![0]!.message).toContain('Your address presented 2 unknown or revoked API keys within a minute');
    }
  });
});
