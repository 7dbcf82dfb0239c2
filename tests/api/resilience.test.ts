import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { causeCodes } from '../../src/http/errorCauses.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Database } from '../../src/db/connection.js';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { startApi, testSettings, type TestApi } from '../support/api.js';
import { databaseUrl, openTestDatabase, testBackend } from '../support/databases.js';

/**
 * A TCP proxy of the test's own between the server and PostgreSQL, which the test cuts: the machine's
 * shared cluster is never stopped. `reset` refuses like a stopped server, `blackhole` accepts and never
 * answers like a dead host, `slow` delays every answer.
 */
class PostgresProxy {
  mode: 'forward' | 'reset' | 'blackhole' | 'slow' = 'forward';
  delayMs = 0;
  port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server = createServer((client) => this.accept(client));

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  /** Switches mode and drops every open connection, as an outage would. */
  set(mode: PostgresProxy['mode'], delayMs = 0) {
    this.mode = mode;
    this.delayMs = delayMs;
    if (mode === 'reset' || mode === 'blackhole') for (const socket of this.sockets) socket.destroy();
  }

  async stop() {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private track(socket: Socket) {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: Socket) {
    this.track(client);
    if (this.mode === 'reset') return void client.destroy();
    if (this.mode === 'blackhole') return;
    const upstream = tcpConnect(5432, new URL(process.env.TEST_DATABASE_URL!).hostname);
    this.track(upstream);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => (this.mode === 'slow' ? setTimeout(() => client.write(chunk), this.delayMs) : client.write(chunk)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}

const query = '{ facilities(first: 3) { nodes { slug division { name } } } }';
const post = (url: string, text = query) => fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });

describe.runIf(testBackend() === 'postgres')('PostgreSQL outage, time limits and shutdown (through a TCP proxy the test controls)', () => {
  const proxy = new PostgresProxy();
  let direct: Database & { name: string };
  let proxied: Database;
  let api: TestApi;
  beforeAll(async () => {
    direct = await openTestDatabase(inject('seeded'));
    const url = new URL(databaseUrl(direct.name));
    url.port = String(await proxy.start());
    proxied = await connect({ kind: 'postgres', url: url.toString(), poolSize: 4, connectTimeoutSeconds: 1 });
    api = await startApi({ db: proxied });
  });
  afterAll(async () => {
    await api?.close();
    await proxied?.close();
    await proxy.stop();
    await direct?.close();
  });

  it('PostgreSQL unreachable under load: every request answers 503 quickly, /readyz fails, the process lives; it serves again by itself when PostgreSQL returns', { timeout: 60_000 }, async () => {
    expect((await post(api.url)).status).toBe(200);

    for (const mode of ['reset', 'blackhole'] as const) {
      proxy.set(mode);
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => post(api.url, i % 2 ? query : '{ programs(first: 5) { totalCount } }').then(async (response) => ({ status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any, ms: Date.now() - started }))));
      const slowest = Math.max(...answers.map((answer) => answer.ms));
      expect(answers.map((answer) => answer.status), mode).toEqual(Array(60).fill(503));
      for (const answer of answers) {
        expect(answer.retryAfter).toBe('5');
        expect(answer.body.errors[0].extensions.code).toBe('DATABASE_UNAVAILABLE');
        expect(JSON.stringify(answer.body)).not.toMatch(/select|ECONN|stack/i);
      }
      // reset: refused at once; blackhole: one connect timeout (1 s), then the known outage answers at once
      expect(slowest, mode).toBeLessThan(mode === 'reset' ? 1500 : 3000);
      const later = Date.now();
      expect((await post(api.url)).status).toBe(503);
      expect(Date.now() - later, 'a known outage answers at once').toBeLessThan(200);
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as any).ready).toBe(false);
      expect((await fetch(`${api.url}/healthz`)).status).toBe(200);

      proxy.set('forward');
      const back = Date.now();
      let status = 0;
      while (status !== 200 && Date.now() - back < 15_000) {
        status = (await post(api.url)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const recoveryMs = Date.now() - back;
      console.log(`outage (${mode}): 60 requests answered 503 in ${slowest} ms; served again ${recoveryMs} ms after PostgreSQL returned`);
      expect(status).toBe(200);
      expect(recoveryMs).toBeLessThan(5000);
      expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    }
  });

  it('a request past REQUEST_TIMEOUT_MS answers 503 REQUEST_TIMEOUT; the server keeps serving', async () => {
    const hurried = await startApi({ db: proxied, settings: { limits: { requestTimeoutMs: 150 } } });
    try {
      proxy.set('slow', 400);
      const response = await post(hurried.url);
      expect(response.status).toBe(503);
      expect(((await response.json()) as any).errors[0]).toEqual({
        message: 'The request ran past the time limit of 150 ms and was stopped. Ask for less per request.',
        extensions: { code: 'REQUEST_TIMEOUT', limit: 150 },
      });
      proxy.set('forward');
      await new Promise((resolve) => setTimeout(resolve, 500)); // the dropped execution finishes
      expect((await post(hurried.url)).status).toBe(200);
    } finally {
      proxy.set('forward');
      await hurried.close();
    }
  });

  it('graceful shutdown: a request in flight finishes, new connections are refused', async () => {
    const http = await createHttpServer({ db: proxied, logger: createLogger('silent'), settings: testSettings() });
    const { url } = await http.listen(0, '127.0.0.1');
    proxy.set('slow', 300);
    try {
      const inFlight = post(url);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closed = http.close();
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(((await response.json()) as any).data.facilities.nodes).toHaveLength(3);
      await closed;
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      proxy.set('forward');
    }
  });

  it('every connection has a statement_timeout: PostgreSQL stops a statement that runs too long', async () => {
    expect(await direct.rows(sql`show statement_timeout`)).toEqual([{ statement_timeout: '5s' }]);
    const strict = await connect({ kind: 'postgres', url: databaseUrl(direct.name), poolSize: 1, statementTimeoutMs: 100 });
    try {
      await expect(strict.rows(sql`select pg_sleep(2)`)).rejects.toSatisfy((error) => causeCodes(error).includes('57014'));
    } finally {
      await strict.close();
    }
  });

  it('an internal failure is masked: a generic message with the request id, no SQL, no stack', async () => {
    await direct.rows(sql`alter table sources rename to sources_gone`);
    try {
      const response = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'masking-check-1' }, body: JSON.stringify({ query: '{ sources { totalCount } }' }) });
      const body = (await response.json()) as any;
      expect(body.errors[0]).toMatchObject({ message: 'Internal server error. Quote request id masking-check-1 when reporting it.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'masking-check-1' } });
      expect(JSON.stringify(body)).not.toMatch(/select|sources_gone|relation|node_modules|stack/i);
    } finally {
      await direct.rows(sql`alter table sources_gone rename to sources`);
    }
  });
});
