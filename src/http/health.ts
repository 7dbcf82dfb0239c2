import { sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { migrationStatus } from '../db/migrate.js';

/** Ready means: the database answers and every committed migration is applied. */
export async function readinessOf(db: Database): Promise<{ ready: boolean; database: string; migrations?: { applied: number; expected: number } }> {
  try {
    await db.rows(sql`select 1`);
    const migrations = await migrationStatus(db);
    return { ready: migrations.applied >= migrations.expected, database: 'reachable', migrations };
  } catch (error) {
    return { ready: false, database: `unreachable: ${(error as Error).message}` };
  }
}
