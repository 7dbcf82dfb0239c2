import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { Database } from './connection.js';

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

/** Applies the committed drizzle-kit migrations that the database has not seen yet. */
export async function migrate(database: Database): Promise<void> {
  await database.rows(sql`create extension if not exists pg_trgm`);
  const config = { migrationsFolder };
  if (database.kind === 'pglite') await migratePglite(database.drizzle as never, config);
  else await migratePostgres(database.drizzle as never, config);
}

/** How many committed migrations the database has applied, and how many exist (for /readyz). */
export async function migrationStatus(database: Database): Promise<{ applied: number; expected: number }> {
  const { readMigrationFiles } = await import('drizzle-orm/migrator');
  const expected = readMigrationFiles({ migrationsFolder }).length;
  const [row] = await database.rows<{ applied: number }>(sql`select count(*)::int as applied from drizzle.__drizzle_migrations`);
  return { applied: row?.applied ?? 0, expected };
}
