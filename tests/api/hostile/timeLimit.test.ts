import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../../support/databases.js';
import { startApi, type TestApi } from '../../support/api.js';

/**
 * The request time limit bounds the request, not only each statement: at the limit the client is answered
 * 503, the request's statements still running are cancelled, and nothing more is sent for it.
 * A table lock held by the test makes the request's statement wait as long as the test wants.
 */
const REQUEST_TIMEOUT_MS = 1_000;

describe('the request time limit', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ settings: { limits: { requestTimeoutMs: REQUEST_TIMEOUT_MS } } });
  });
  afterAll(async () => {
    await api?.close();
  });

  /** Runs `work` while another session holds an exclusive lock on facilities. */
  async function whileLocked<T>(work: () => Promise<T>): Promise<T> {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = api.db.drizzle.transaction(async (tx) => {
      await tx.execute(sql`lock table facilities in access exclusive mode`);
      locked();
      await released;
    });
    await isLocked;
    try {
      return await work();
    } finally {
      release();
      await holder;
    }
  }

  it(`answers 503 within REQUEST_TIMEOUT_MS + 1 s while its statement waits, and cancels that statement`, async () => {
    await whileLocked(async () => {
      const started = Date.now();
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: '{ facilities(first: 5) { totalCount nodes { slug } } }' }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS + 1_000),
      });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('REQUEST_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000);
      if (testBackend() === 'postgres') {
        // The waiting statement is cancelled now, long before its own statement_timeout (5 s) would end it.
        const waiting = async () =>
          (
            await api.db.rows<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and query like '%facilities%' and pid <> pg_backend_pid()`)
          )[0]!.n;
        let left = await waiting();
        for (let tries = 0; left > 0 && tries < 20; tries += 1) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          left = await waiting();
        }
        expect(left).toBe(0);
      }
    });
    // Still serving, and the stopped request left nothing behind.
    const after = await api.data('{ facilities(first: 2) { nodes { slug } } }');
    expect(after.facilities.nodes).toHaveLength(2);
  });
});
