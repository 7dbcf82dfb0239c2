import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as tables from './tables/index.js';
import { recordSqlStatement } from '../requestScope.js';

export type Tables = typeof tables;
export type DrizzleDatabase = PgDatabase<PgQueryResultHKT, Tables>;

/**
 * The one database interface the rest of the code sees, whichever driver is underneath. PGlite answers
 * raw queries with `{ rows }`, postgres.js with an array; `rows()` hides that.
 */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /** Drizzle over the driver, for table-typed queries and transactions. */
  readonly drizzle: DrizzleDatabase;
  /** Runs one SQL statement and returns its rows. */
  rows<Row = Record<string, unknown>>(query: SQL): Promise<Row[]>;
  close(): Promise<void>;
}

export type ConnectOptions =
  | { kind: 'pglite'; dataDir?: string; pglite?: PGlite }
  | { kind: 'postgres'; url: string; poolSize?: number };

const countingLogger = { logQuery: () => recordSqlStatement() };

export async function connect(options: ConnectOptions): Promise<Database> {
  if (options.kind === 'pglite') {
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const client = options.pglite ?? (await PGlite.create(options.dataDir, { extensions: { pg_trgm } }));
    const db = drizzlePglite(client, { schema: tables, logger: countingLogger }) as unknown as DrizzleDatabase;
    return {
      kind: 'pglite',
      drizzle: db,
      async rows<Row>(query: SQL) {
        const result = (await db.execute(query)) as unknown as { rows: Row[] };
        return result.rows;
      },
      close: () => client.close(),
    };
  }
  const client = postgres(options.url, {
    max: options.poolSize ?? 10,
    onnotice: () => {}, // "relation already exists, skipping" and the like are not news
    connect_timeout: 10,
  });
  const db = drizzlePostgres(client, { schema: tables, logger: countingLogger }) as unknown as DrizzleDatabase;
  return {
    kind: 'postgres',
    drizzle: db,
    async rows<Row>(query: SQL) {
      return (await db.execute(query)) as unknown as Row[];
    },
    close: () => client.end({ timeout: 5 }),
  };
}
