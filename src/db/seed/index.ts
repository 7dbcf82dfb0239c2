import { sql } from 'drizzle-orm';
import type { Database } from '../connection.js';
import { readSeeds } from './readSeeds.js';
import { writeSeeds } from './writeSeeds.js';

export { SeedError, readSeeds } from './readSeeds.js';

/** Validates every seed file, then writes them all in one transaction. */
export async function seed(database: Database, seedsDir?: string): Promise<{ changed: number }> {
  const dataset = readSeeds(seedsDir);
  return writeSeeds(database, dataset);
}

export async function isEmpty(database: Database): Promise<boolean> {
  const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from sources`);
  return (row?.n ?? 0) === 0;
}
