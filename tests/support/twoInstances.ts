import { connect, type Database } from '../../src/db/connection.js';
import { startApi, type StartApiOptions, type TestApi } from './api.js';
import { databaseUrl, testBackend } from './databases.js';
import { seededWithout, type SeededWithout } from './seededWithout.js';

/**
 * Two servers on one seeded database (without the facility named), as two instances of a deployment: on
 * PostgreSQL the second has connections of its own, so what reaches it from the first went through
 * PostgreSQL (NOTIFY at commit); PGlite is one process's database, shared by both.
 */
export interface TwoInstances {
  seeded: SeededWithout;
  first: TestApi;
  second: TestApi;
  close(): Promise<void>;
}

export async function twoInstances(without: string, settings: StartApiOptions['settings']): Promise<TwoInstances> {
  const seeded = await seededWithout(without);
  const first = await startApi({ db: seeded.db, settings });
  const name = (seeded.db as Database & { name?: string }).name;
  const secondDb = testBackend() === 'postgres' && name ? await connect({ kind: 'postgres', url: databaseUrl(name), poolSize: 2 }) : undefined;
  const second = await startApi({ db: secondDb ?? seeded.db, settings });
  return {
    seeded,
    first,
    second,
    async close() {
      await second.close();
      await first.close();
      await secondDb?.close();
      await seeded.close();
    },
  };
}
