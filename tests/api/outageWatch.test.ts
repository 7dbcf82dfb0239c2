import { describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DatabaseOutage } from '../../src/http/databaseOutage.js';
import { createLogger } from '../../src/logger.js';
import { startApi } from '../support/api.js';
import { openTestDatabase } from '../support/databases.js';

// Every request in flight watches for an outage and must stop watching when it ends: a watch that
// outlives its request keeps the request's response alive until the next outage (a leak of ~10 KB per
// request, found under the benchmark as a heap growing without bound).
describe('watching for an outage', () => {
  it('a watcher is called once, at the next outage; one that stopped watching is not', async () => {
    const api = await startApi();
    const outage = new DatabaseOutage(api.db, createLogger('silent'), 60_000);
    try {
      const seen: string[] = [];
      const stopFirst = outage.watchForOutage(() => seen.push('first'));
      const stopSecond = outage.watchForOutage(() => seen.push('second'));
      stopSecond();
      outage.report(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      expect(seen).toEqual(['first']);
      expect(outage.active).toBe(true);
      stopFirst(); // after the fact: harmless
      outage.report(new Error('again'));
      expect(seen).toEqual(['first']);
      expect(await api.db.rows(sql`select 1 as "one"`)).toEqual([{ one: 1 }]);
    } finally {
      outage.stop();
      await api.close();
    }
  });

  it('requests that end leave no watchers behind', async () => {
    const db = await openTestDatabase(inject('seeded'));
    const outage = new DatabaseOutage(db, createLogger('silent'));
    const api = await startApi({ db, outage });
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => api.query('{ facilities(first: 2) { nodes { slug } } }')));
      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
      expect(outage.watching).toBe(0);
    } finally {
      await api.close();
      await db.close();
    }
  });
});
