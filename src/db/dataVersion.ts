import { sql } from 'drizzle-orm';
import type { Database } from './connection.js';

/** The data version a database holds now: 0 before anything was published. */
export async function readDataVersion(db: Database): Promise<number> {
  const [row] = await db.rows<{ version: number }>(sql`select coalesce((select data_version from dataset_state), 0)::int as "version"`);
  return row?.version ?? 0;
}
