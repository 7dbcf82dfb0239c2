import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/access/apiKeys.js';
import { createHttpServer } from '../../../src/http/server.js';
import { createLogger, type Logger } from '../../../src/logger.js';
import { startApi, testSettings, type TestApi } from '../../support/api.js';
import { testBackend } from '../../support/databases.js';

// The "Low" findings of the hostile review (issue #13): CORS, X-Forwarded-For values that are not
// addresses, unknown keys that cost a lookup each, a Redis outage logged per request, and keep-alive
// requests reset when the server stops.
let api: TestApi;
let proxied: TestApi;
beforeAll(async () => {
  api = await startApi({ settings: { rateLimits: { anonymous: 5 } } });
  proxied = await startApi({ settings: { trustProxy: true, rateLimits: { anonymous: 1000, failedKeysPerMinute: 3 } } });
});
afterAll(async () => {
  await api?.close();
  await proxied?.close();
});

const page = 'https://news.example';

describe('CORS: pages on other sites read the API, without credentials', () => {
  it('a preflight is answered 204 with the methods, the request headers the API reads and a max age', async () => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: page, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization, x-api-key' },
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    const allowed = response.headers.get('access-control-allow-headers')!.split(', ');
    for (const header of ['content-type', 'accept', 'accept-language', 'authorization', 'x-api-key', 'if-none-match', 'x-request-id'])
      expect(allowed).toContain(header);
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('a preflight for POST /imports allows the POST and the headers an upload sends', async () => {
    const response = await fetch(`${api.url}/imports`, {
      method: 'OPTIONS',
      headers: {
        origin: page,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, content-disposition, prefer, authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    const allowed = response.headers.get('access-control-allow-headers')!.split(', ');
    for (const header of ['content-type', 'content-disposition', 'prefer', 'authorization']) expect(allowed).toContain(header);
  });

  it("a cross-origin POST's answer carries Access-Control-Allow-Origin and exposes what a client reads", async () => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { origin: page, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ facilities(first: 1) { nodes { slug } } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const exposed = response.headers.get('access-control-expose-headers')!.split(', ');
    for (const header of ['etag', 'x-request-id', 'x-cache', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy'])
      expect(exposed).toContain(header);
  });

  it('refusals carry it too, so the page can read why: 429, 401, 415, 404', async () => {
    // 1 + 10 points, over the anonymous budget of 5: refused, and not charged.
    const elevenPoints = '{ facilities(first: 10) { nodes { slug } } }';
    const refusals = await Promise.all([
      fetch(`${api.url}/graphql?query=${encodeURIComponent(elevenPoints)}`, { headers: { origin: page } }),
      fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { origin: page, 'content-type': 'application/json', 'x-api-key': 'ms_short' },
        body: '{"query":"{ __typename }"}',
      }),
      fetch(`${api.url}/graphql`, { method: 'POST', headers: { origin: page, 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' }),
      fetch(`${api.url}/nope`, { headers: { origin: page } }),
    ]);
    expect(refusals.map((answer) => answer.status)).toEqual([429, 401, 415, 404]);
    expect(Number(refusals[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    for (const answer of refusals) expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('with CORS_ALLOWED_ORIGINS, only the listed origins are allowed, and answers vary by Origin', async () => {
    const http = await createHttpServer({ db: api.db, logger: createLogger('silent'), settings: { ...testSettings(), corsAllowedOrigins: [page] } });
    const { url } = await http.listen(0, '127.0.0.1');
    try {
      const preflight = (origin: string) =>
        fetch(`${url}/graphql`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
        });
      const listed = await preflight(page);
      expect(listed.status).toBe(204);
      expect(listed.headers.get('access-control-allow-origin')).toBe(page);
      expect(listed.headers.get('vary')).toBe('origin');
      const other = await preflight('https://elsewhere.example');
      expect(other.status).toBe(403);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect(((await other.json()) as { error: string }).error).toContain('CORS_ALLOWED_ORIGINS');
      // A cache must not hand one origin's answer to another: GET answers are cacheable.
      const answer = await fetch(`${url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: page } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBe(page);
      expect(answer.headers.get('vary')!.split(', ')).toEqual(expect.arrayContaining(['origin', 'accept']));
      const health = await fetch(`${url}/healthz`, { headers: { origin: 'https://elsewhere.example' } });
      expect(health.status).toBe(200);
      expect(health.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await http.close();
    }
  });
});

describe('X-Forwarded-For behind a trusted proxy', () => {
  const remaining = async (forwardedFor?: string) => {
    const result = await proxied.query('{ rateLimit { remaining } }', undefined, forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor });
    expect(result.status).toBe(200);
    return result.body.data.rateLimit.remaining as number;
  };

  it('a last hop that is not an address is charged to the socket address, not to a budget of its own', async () => {
    const before = await remaining('127.0.0.1');
    expect(await remaining('not-an-address')).toBe(before - 1);
    expect(await remaining('198.51.100.20, <script>')).toBe(before - 2);
    expect(await remaining('')).toBe(before - 3);
    expect(await remaining('::ffff:127.0.0.1')).toBe(before - 4); // IPv4-mapped IPv6 is the IPv4 address
    expect(await remaining()).toBe(before - 5);
  });

  it('one IPv6 /64 is one budget however its addresses are spelled', async () => {
    const before = await remaining('2001:db8:aa:bb::1');
    expect(await remaining('2001:0DB8:00aa:00BB:0:0:0:2')).toBe(before - 1);
    expect(await remaining('2001:db8:aa:bb:ffff::1.2.3.4')).toBe(before - 2);
    expect(await remaining('2001:db8:aa:bc::1')).toBe(999); // the next /64 is another client
  });
});

describe('unknown API keys, throttled per address', () => {
  it('after the limit, keys from that address get 429 with Retry-After before any lookup; other addresses are unaffected', async () => {
    const unknown = (letter: string) => `ms_${letter.repeat(43)}`;
    const from = (address: string, key: string) => proxied.query('{ __typename }', undefined, { 'x-forwarded-for': address, 'x-api-key': key });
    const messages: string[] = [];
    for (const letter of ['A', 'B', 'C']) {
      const refused = await from('203.0.113.50', unknown(letter));
      expect(refused.status).toBe(401);
      expect(refused.body.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'unknown' });
      expect(refused.sqlStatements).toBe(1);
      messages.push(refused.body.errors![0]!.message);
    }
    expect(messages[0]).toMatch(
      /Your address may present 2 more unknown or revoked keys until \d{4}-\S+; after that, requests from it with a key are refused \(429\) until then\.$/,
    );
    expect(messages[1]).toContain('may present 1 more unknown or revoked key until');
    expect(messages[2]).toMatch(
      /Requests with a key from your address are now refused \(429\) until \d{4}-\S+: it presented too many unknown or revoked keys\.$/,
    );

    const { key } = await createApiKey(proxied.db, 'Throttle check', 'standard');
    for (const sent of [unknown('D'), key]) {
      const throttled = await from('203.0.113.50', sent);
      expect(throttled.status).toBe(429);
      expect(throttled.sqlStatements).toBe(0); // no lookup
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(throttled.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(throttled.body.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 3 });
      expect(throttled.body.errors![0]!.message).toContain('Your address presented 3 unknown or revoked API keys within a minute');
    }
    // Without a key the address keeps its anonymous budget; with it, another address is served.
    expect((await proxied.query('{ __typename }', undefined, { 'x-forwarded-for': '203.0.113.50' })).status).toBe(200);
    const elsewhere = await from('203.0.113.51', key);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.data).toEqual({ __typename: 'Query' });
  });
});

describe('stopping with keep-alive requests in flight', () => {
  it('every request sent on a kept-alive connection as the server stops gets a complete answer, with Connection: close', async () => {
    const stopping = await startApi({ db: api.db }); // its close() leaves the database open
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const body = JSON.stringify({ query: '{ facilities(first: 3) { nodes { slug } } }' });
    const post = () =>
      new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const request = httpRequest(`${stopping.url}/graphql`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end(body);
      });
    try {
      // Eight connections, kept alive, idle in the agent's pool.
      expect((await Promise.all(Array.from({ length: 8 }, post))).map((answer) => answer.status)).toEqual(Array(8).fill(200));
      expect(Object.values(agent.freeSockets).flat()).toHaveLength(8);
      // One request on each, and the stop, at once: the server has read none of them when it starts to stop.
      const answers = Promise.allSettled(Array.from({ length: 8 }, post));
      const closed = stopping.close();
      const settled = await answers;
      await closed;
      expect(settled.map((result) => (result.status === 'fulfilled' ? result.value.status : String(result.reason)))).toEqual(Array(8).fill(200));
      for (const result of settled) {
        const { headers, body: text } = (result as PromiseFulfilledResult<{ headers: IncomingHttpHeaders; body: string }>).value;
        expect(headers.connection).toBe('close');
        expect(JSON.parse(text).data.facilities.nodes).toHaveLength(3);
      }
    } finally {
      agent.destroy();
    }
  });
});

// Needs redis-server, which .ci/run installs for the PostgreSQL project (like sharedBudget.test.ts); this
// test runs its own on a free port, so stopping it touches nobody else's.
describe.runIf(testBackend() === 'postgres')('a Redis outage (run once, with the PostgreSQL project: it is about Redis, not the database)', () => {
  let redis: ChildProcess | undefined;
  const startRedis = (port: number) =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stderr!.on('data', (chunk) => (output += chunk));
      child.stdout!.on('data', (chunk) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) resolve(child);
      });
      child.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
    });
  const stopRedis = async () => {
    const child = redis!;
    redis = undefined;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGKILL');
    });
  };
  afterAll(async () => {
    if (redis) await stopRedis();
  });

  it('is logged once when it starts and once when it ends, not per request; budgets stay metered in memory meanwhile', { timeout: 60_000 }, async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createTcpServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    redis = await startRedis(port);
    const logged: string[] = [];
    const logger: Logger = {
      debug: () => {},
      info: (message) => logged.push(`info: ${message}`),
      warn: (message) => logged.push(`warn: ${message}`),
      error: (message) => logged.push(`error: ${message}`),
    };
    const shared = await startApi({ logger, settings: { redisUrl: `redis://127.0.0.1:${port}`, rateLimits: { anonymous: 1000 } } });
    const remaining = async () => {
      const result = await shared.query('{ rateLimit { remaining } }');
      expect(result.status).toBe(200);
      return result.body.data.rateLimit.remaining as number;
    };
    try {
      expect([await remaining(), await remaining()]).toEqual([999, 998]);
      await stopRedis();
      const duringOutage: number[] = [];
      for (let i = 0; i < 20; i += 1) duringOutage.push(await remaining());
      expect(logged).toEqual([
        "warn: redis unreachable: rate-limit budgets fall back to this instance's memory, persisted queries are not shared, until it is back",
      ]);
      // This instance's own budget, from a full window: metered, not free.
      expect(duringOutage).toEqual(Array.from({ length: 20 }, (_, i) => 999 - i));

      redis = await startRedis(port); // empty: a budget read from it is full again
      const started = Date.now();
      while (!logged.includes('info: redis is back: budgets and persisted queries are shared again')) {
        if (Date.now() - started > 30_000) throw new Error(`Redis not seen back within 30 s: ${JSON.stringify(logged)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect([await remaining(), await remaining()]).toEqual([999, 998]);
      expect(logged).toHaveLength(2);
    } finally {
      await shared.close();
    }
  });
});
