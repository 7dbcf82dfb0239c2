import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { causeCodes } from '../../src/db/errorCauses.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Database } from '../../src/db/connection.js';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { startApi, testSettings, type TestApi } from '../support/api.js';
import { databaseUrl, openTestDatabase, testBackend } from '../support/databases.js';

/**
 * A TCP proxy of the test's own between the server and PostgreSQL, which the test cuts: the machine's
 * shared cluster is never stopped. `reset` refuses like a stopped server, `blackhole` accepts and never
 * answers like a dead host, `hold` keeps the answer to every query sent meanwhile until the mode changes
 * back (a statement that takes as long as the test wants, whatever the machine's speed).
 */
class PostgresProxy {
  mode: 'forward' | 'reset' | 'blackhole' | 'hold' = 'forward';
  port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly releases = new Set<() => void>();
  private readonly heldWaiters: (() => void)[] = [];
  private readonly cancelWaiters: (() => void)[] = [];
  private readonly server: Server = createServer((client) => this.accept(client));

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  /** Switches mode: an outage drops every open connection; leaving `hold` lets the held answers through. */
  set(mode: PostgresProxy['mode']) {
    this.mode = mode;
    if (mode === 'reset' || mode === 'blackhole') for (const socket of this.sockets) socket.destroy();
    if (mode !== 'hold') for (const release of this.releases) release();
  }

  /**
   * Resolves when the next cancel request has reached PostgreSQL (its connection closed). A cancel still on its
   * way when a later statement starts on the same backend would cancel that one instead (PostgreSQL cancels
   * whatever a backend runs when the request arrives), so a test that cancels waits for it before going on.
   */
  nextCancelDelivered(): Promise<void> {
    return new Promise((resolve) => this.cancelWaiters.push(resolve));
  }

  /** Resolves when the next query is held (the server is then waiting for its answer). */
  nextHeldQuery(): Promise<void> {
    return new Promise((resolve) => this.heldWaiters.push(resolve));
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
    let held: Buffer[] | undefined;
    const release = () => {
      const chunks = held ?? [];
      held = undefined;
      for (const chunk of chunks) client.write(chunk);
    };
    this.releases.add(release);
    client.once('data', (chunk: Buffer) => {
      if (!isCancelRequest(chunk)) return;
      client.once('close', () => {
        for (const resolve of this.cancelWaiters.splice(0)) resolve();
      });
    });
    client.on('data', (chunk: Buffer) => {
      // A query (Parse, Bind or simple Query message) while holding: its answer and all after it wait.
      if (this.mode === 'hold' && !held && isQueryMessage(chunk)) {
        held = [];
        for (const resolve of this.heldWaiters.splice(0)) resolve();
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => (held ? held.push(chunk) : client.write(chunk)));
    client.on('close', () => {
      this.releases.delete(release);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
  }
}

// A CancelRequest: length 16, then the code 80877102 (PostgreSQL protocol, "Canceling Requests in Progress").
const isCancelRequest = (chunk: Buffer) => chunk.length >= 8 && chunk.readInt32BE(0) === 16 && chunk.readInt32BE(4) === 80877102;

// The frontend messages that carry a statement: P(arse), B(ind), Q(uery). Start-up and password messages pass.
const isQueryMessage = (chunk: Buffer) => [0x50, 0x42, 0x51].includes(chunk[0]!);

const query = '{ facilities(first: 3) { nodes { slug division { name } } } }';
const post = (url: string, text = query) =>
  fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });

/**
 * Asks until the server answers 200. Bounded only because a server that never noticed PostgreSQL return
 * would answer 503 forever; a healthy one is back within a probe interval (half a second).
 */
async function servesAgain(url: string, boundMs = 30_000): Promise<number> {
  const deadline = Date.now() + boundMs;
  let status = 0;
  while (status !== 200 && Date.now() < deadline) {
    status = (await post(url)).status;
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return status;
}

// No background polls through the proxy: the only statements it sees are those of the requests sent.
const noPolling = { dataVersionPollMs: 3_600_000 };

describe.runIf(testBackend() === 'postgres')(
  'PostgreSQL outage, time limits and shutdown, through a TCP proxy the test controls (PostgreSQL only: PGlite has no connection to cut)',
  () => {
    const proxy = new PostgresProxy();
    let direct: Database & { name: string };
    let proxied: Database;
    let api: TestApi;
    beforeAll(async () => {
      direct = await openTestDatabase(inject('seeded'));
      const url = new URL(databaseUrl(direct.name));
      url.port = String(await proxy.start());
      proxied = await connect({ kind: 'postgres', url: url.toString(), poolSize: 4, connectTimeoutSeconds: 1 });
      api = await startApi({ db: proxied, settings: noPolling });
    });
    afterAll(async () => {
      await api?.close();
      await proxied?.close();
      await proxy.stop();
      await direct?.close();
    });

    it(
      'PostgreSQL unreachable under load: every request answers 503 DATABASE_UNAVAILABLE, none waits out the time limit, /readyz fails, the process lives; it serves again by itself when PostgreSQL returns',
      { timeout: 90_000 },
      async () => {
        expect((await post(api.url)).status).toBe(200);

        for (const mode of ['reset', 'blackhole'] as const) {
          proxy.set(mode);
          const answers = await Promise.all(
            Array.from({ length: 60 }, (_, i) =>
              post(api.url, i % 2 ? query : '{ programs(first: 5) { totalCount } }').then(async (response) => ({
                status: response.status,
                retryAfter: response.headers.get('retry-after'),
                body: (await response.json()) as any,
              })),
            ),
          );
          expect(
            answers.map((answer) => answer.status),
            mode,
          ).toEqual(Array(60).fill(503));
          // Found from the dropped connections and refused (or, blackholed, never answered: 1 s connect timeout)
          // new ones, then known: a request left waiting on PostgreSQL would run into the request time limit
          // (10 s) and answer REQUEST_TIMEOUT instead. That requests in flight stop waiting once another found
          // the outage is tests/api/outageWatch.test.ts's to show.
          expect(
            answers.map((answer) => answer.body.errors[0].extensions.code),
            mode,
          ).toEqual(Array(60).fill('DATABASE_UNAVAILABLE'));
          for (const answer of answers) {
            expect(answer.retryAfter).toBe('5');
            expect(JSON.stringify(answer.body)).not.toMatch(/select|ECONN|stack/i);
          }
          // A known outage is answered before anything reaches for the database.
          const known = await post(api.url);
          expect(known.status).toBe(503);
          expect(known.headers.get('x-sql-statements'), 'a known outage sends no statement').toBe('0');
          const ready = await fetch(`${api.url}/readyz`);
          expect(ready.status).toBe(503);
          expect(((await ready.json()) as any).ready).toBe(false);
          expect((await fetch(`${api.url}/healthz`)).status).toBe(200);

          proxy.set('forward');
          expect(await servesAgain(api.url), `${mode}: serves again once PostgreSQL is back`).toBe(200);
          expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
        }
      },
    );

    it('a request past REQUEST_TIMEOUT_MS answers 503 REQUEST_TIMEOUT; the server keeps serving', async () => {
      // The time limit is set far above what the follow-up request needs; the held one never answers by itself.
      const hurried = await startApi({ db: proxied, settings: { ...noPolling, limits: { requestTimeoutMs: 2000 } } });
      try {
        proxy.set('hold');
        const cancelDelivered = proxy.nextCancelDelivered();
        const response = await post(hurried.url);
        expect(response.status).toBe(503);
        // The timed-out statement is cancelled, on a connection of its own, as the request stops.
        await cancelDelivered;
        expect(((await response.json()) as any).errors[0]).toEqual({
          message: 'The request ran past the time limit of 2000 ms and was stopped. Ask for less per request.',
          extensions: { code: 'REQUEST_TIMEOUT', limit: 2000 },
        });
        proxy.set('forward'); // the dropped execution gets its answer and finishes
        const after = await post(hurried.url);
        const body = (await after.json()) as any;
        expect(after.status, JSON.stringify(body)).toBe(200);
        expect(body.errors, JSON.stringify(body)).toBeUndefined();
        expect(body.data.facilities.nodes).toHaveLength(3);
      } finally {
        proxy.set('forward');
        await hurried.close();
      }
    });

    it('graceful shutdown: a request in flight when the stop begins finishes; then new connections are refused', async () => {
      const http = await createHttpServer({ db: proxied, logger: createLogger('silent'), settings: testSettings(noPolling) });
      const { url } = await http.listen(0, '127.0.0.1');
      let closed: Promise<void> | undefined;
      try {
        proxy.set('hold');
        const held = proxy.nextHeldQuery();
        const inFlight = post(url);
        await held; // the server is serving the request: its statement waits at the proxy
        closed = http.close();
        proxy.set('forward');
        const response = await inFlight;
        expect(response.status).toBe(200);
        expect(((await response.json()) as any).data.facilities.nodes).toHaveLength(3);
        await closed;
        await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      } finally {
        proxy.set('forward');
        await (closed ?? http.close());
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
        const response = await fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'masking-check-1' },
          body: JSON.stringify({ query: '{ sources { totalCount } }' }),
        });
        const body = (await response.json()) as any;
        expect(body.errors[0]).toMatchObject({
          message: 'Internal server error. Quote request id masking-check-1 when reporting it.',
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'masking-check-1' },
        });
        expect(JSON.stringify(body)).not.toMatch(/select|sources_gone|relation|node_modules|stack/i);
      } finally {
        await direct.rows(sql`alter table sources_gone rename to sources`);
      }
    });
  },
);
