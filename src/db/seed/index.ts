import { sql } from 'drizzle-orm';
import type { Database } from '../connection.js';
import type { AnySeedKind } from './kind.js';
import { readSeeds } from './readSeeds.js';
import { writeSeeds } from './writeSeeds.js';

export { SeedError, defaultSeedsDir, readSeeds } from './readSeeds.js';

/** Validates every seed file of the kinds given, then writes them all in one transaction. */
export async function seed(database: Database, kinds: readonly AnySeedKind[], seedsDir?: string): Promise<{ changed: number }> {
  const dataset = readSeeds(kinds, seedsDir);
  return writeSeeds(database, kinds, dataset);
}

export async function isEmpty(database: Database): Promise<boolean> {
  const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from sources`);
  return (row?.n ?? 0) === 0;
}
