import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import postgres from 'postgres';
import { connect, type Database } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { seedDadukou } from '../../src/composition/seeds.js';

/**
 * Test databases. Migrating and seeding takes seconds, so it happens once per run: PGlite's data
 * directory is dumped and loaded per test file; on PostgreSQL a template database is copied per file.
 * Every database a run makes is its own and is dropped afterwards.
 */
export type Backend = 'pglite' | 'postgres';

export function testBackend(): Backend {
  const backend = process.env.MINSHENG_TEST_BACKEND ?? 'pglite';
  if (backend !== 'pglite' && backend !== 'postgres') throw new Error(`MINSHENG_TEST_BACKEND=${backend}: use pglite or postgres`);
  return backend;
}

export function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: the PostgreSQL tests need a server to create databases on');
  return url;
}

export function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;

/** Runs statements on the server's maintenance database (CREATE/DROP DATABASE cannot run in a transaction). */
export async function onServer<T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(serverUrl(), { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** A migrated, seeded PGlite, dumped to a tarball. */
export async function seededPgliteDump(): Promise<Blob> {
  const pglite = await PGlite.create({ extensions: { pg_trgm } });
  const db = await connect({ kind: 'pglite', pglite });
  await migrate(db);
  await seedDadukou(db);
  const dump = await pglite.dumpDataDir('none');
  await db.close();
  return dump;
}

/** A fresh database for one test file, with the seeded data; close() removes it. */
export async function openTestDatabase(seeded: { pgliteDump?: string; templateDatabase?: string }): Promise<Database & { name: string }> {
  if (testBackend() === 'pglite') {
    if (seeded.templateDatabase) throw new Error('global setup prepared PostgreSQL for a PGlite run');
    const { readFile } = await import('node:fs/promises');
    const pglite = seeded.pgliteDump
      ? await PGlite.create({ loadDataDir: new Blob([await readFile(seeded.pgliteDump)]), extensions: { pg_trgm } })
      : await PGlite.create({ extensions: { pg_trgm } });
    const db = await connect({ kind: 'pglite', pglite });
    if (!seeded.pgliteDump) await migrate(db);
    return Object.assign(db, { name: 'pglite' });
  }
  if (seeded.pgliteDump) throw new Error('global setup prepared PGlite for a PostgreSQL run');
  const name = uniqueName('minsheng_test');
  await onServer((sql) =>
    seeded.templateDatabase ? sql.unsafe(`create database "${name}" template "${seeded.templateDatabase}"`) : sql.unsafe(`create database "${name}"`),
  );
  const db = await connect({ kind: 'postgres', url: databaseUrl(name), poolSize: 4 });
  if (!seeded.templateDatabase) await migrate(db);
  return {
    ...db,
    name,
    close: async () => {
      await db.close();
      await onServer((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
    },
  };
}
