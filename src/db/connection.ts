import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { lockDataDir } from './dataDirLock.js';
import { PopularStatements } from './planning.js';
import { preparingPopular } from './preparing.js';
import type { Cancellation } from './cancellation.js';
import { renderSql, renderWithValues, type RenderedSql } from './renderSql.js';
import { copyOutChunks, cursorBatches } from './stream.js';
import { takeWritesInTurn } from './writeTurns.js';
import * as tables from './tables/index.js';
import { DEFAULT_DB_CONNECT_TIMEOUT_SECONDS, DEFAULT_DB_STATEMENT_TIMEOUT_MS } from '../config.js';
import { checkPooledSettings, sessionSettings, withReservedTransactions, type Pooler } from './pooler.js';

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
  /** Runs one SQL statement and returns its rows; on PostgreSQL, `cancellation` cancels it while it runs. */
  rows<Row = Record<string, unknown>>(query: SQL, cancellation?: Cancellation): Promise<Row[]>;
  /**
   * A statement's rows in batches through a server-side cursor (stream.ts), for answers too large to hold.
   * PostgreSQL only: PGlite has one connection, which a cursor would hold for as long as a client reads;
   * there, read in keyset batches (src/http/downloads/rowBatches.ts).
   */
  stream?<Row = Record<string, unknown>>(query: SQL, batchSize: number): AsyncIterable<Row[]>;
  /**
   * A query's rows as CSV written by PostgreSQL itself (COPY, stream.ts), LF between records. PostgreSQL only;
   * undefined when a value of the query has no literal form (COPY takes no parameters): use `stream` then.
   */
  copyCsv?(query: SQL, signal?: AbortSignal): AsyncIterable<Buffer> | undefined;
  /**
   * Calls `onNotify` with the payload of each NOTIFY on the channel, when the transaction that sent it commits;
   * resolves to what stops listening. Undefined behind a pooler in transaction mode, where a LISTEN would hold no session.
   */
  listen?(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Runs `work` in one read-only transaction on one connection, its statements sent as `rows` sends them.
   * `opening` (a statement whose values can be written into its text) is sent with the BEGIN in one round
   * trip, its rows handed to `work`. What `work` resolves to is given at once: the COMMIT of a transaction that
   * wrote nothing keeps nothing, so it follows, and the connection goes back to the pool after it.
   */
  readTransaction?<T, Row = Record<string, unknown>>(opening: SQL, work: (db: Database, opened: Row[]) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type ConnectOptions =
  | { kind: 'pglite'; dataDir?: string; pglite?: PGlite }
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      /** PostgreSQL cancels any statement running longer (0: never). */
      statementTimeoutMs?: number;
      /** How long to wait for a connection before failing the query (an unreachable server must not hang requests). */
      connectTimeoutSeconds?: number;
      /** Connected through a pooler in transaction mode: no named prepared statements, no startup parameters (pooler.ts). */
      pooler?: Pooler;
    };

// Connections are renewed this often, so prepared statements do not pile up on either side.
const CONNECTION_LIFETIME_SECONDS = 30 * 60;
// Writes of one process running at once (writeTurns.ts): the one holding the writer lock and two waiting for
// it inside PostgreSQL, which hands it on at once; the rest wait for a turn without a connection.
const WRITES_AT_ONCE = 3;
export const WRITES_APPLICATION_NAME = 'minsheng writes';
// Statements planned for their values that may be prepared per connection (planning.ts): each holds a plan.
const POPULAR_STATEMENTS = 100;
// Statements Drizzle's query builders send (writes, key lookups) that may be prepared per connection.
const POPULAR_DRIZZLE_STATEMENTS = 200;

// A streamed statement's first rows may wait for a sort of all of them (a million figures take seconds).
const STREAM_START_TIMEOUT_MS = 60_000;

// The test suite on PostgreSQL sets this: every statement is also rendered by Drizzle and must be the same.
const CHECK_RENDERING = process.env.MINSHENG_CHECK_SQL_RENDERING === 'true';

function assertRenderedAsDrizzle(dialect: PgDialect, query: SQL, text: string, params: unknown[]): void {
  const reference = PgDialect.prototype.sqlToQuery.call(dialect, query);
  if (reference.sql !== text || JSON.stringify(reference.params) !== JSON.stringify(params)) {
    throw new Error(`renderSql and Drizzle disagree:\n${text}\n${reference.sql}\n${JSON.stringify(params)}\n${JSON.stringify(reference.params)}`);
  }
}

/**
 * Drizzle's query builders (inserts, updates, selects, execute) render through renderSql too: Drizzle's own
 * renderer checks every chunk's class along its prototype chain, which made a bulk import's multi-row
 * inserts a fifth of its CPU time. What renderSql does not render (it answers undefined) Drizzle still does,
 * and so does anything rendered for another purpose than a statement (`invokeSource`, e.g. index definitions).
 */
function renderedQuickly<Db extends object>(db: Db): Db {
  // `dialect` is Drizzle's internal; a Drizzle without it fails here, at connect, not on a statement.
  const { dialect } = db as unknown as { dialect: PgDialect };
  if (!(dialect instanceof PgDialect)) throw new Error('drizzle-orm no longer keeps its PgDialect as `dialect`: see renderedQuickly');
  const drizzleRendering = dialect.sqlToQuery.bind(dialect);
  dialect.sqlToQuery = (query, invokeSource) => {
    const rendered = invokeSource === undefined ? renderSql(query) : undefined;
    if (!rendered) return drizzleRendering(query, invokeSource);
    if (CHECK_RENDERING) assertRenderedAsDrizzle(dialect, query, rendered.sql, rendered.params);
    return { sql: rendered.sql, params: rendered.params };
  };
  return db;
}

export async function connect(options: ConnectOptions): Promise<Database> {
  if (options.kind === 'pglite') {
    // A data directory is one process's (dataDirLock.ts); an in-memory or given PGlite is the caller's own.
    const lock = !options.pglite && options.dataDir ? lockDataDir(options.dataDir) : undefined;
    let client: PGlite;
    try {
      client = options.pglite ?? (await PGlite.create(options.dataDir, { extensions: { pg_trgm } }));
    } catch (error) {
      lock?.release();
      throw error;
    }
    const db = renderedQuickly(drizzlePglite(client, { schema: tables })) as unknown as DrizzleDatabase;
    return {
      kind: 'pglite',
      drizzle: db,
      async rows<Row>(query: SQL) {
        const result = (await db.execute(query)) as unknown as { rows: Row[] };
        return result.rows;
      },
      listen: (channel, onNotify) => client.listen(channel, (payload) => onNotify(payload)),
      readTransaction: <T, Row>(opening: SQL, work: (db: Database, opened: Row[]) => Promise<T>) =>
        db.transaction(async (tx) => {
          const rowsOf = async <R>(query: SQL) => ((await tx.execute(query)) as unknown as { rows: R[] }).rows;
          await tx.execute(sql`set transaction read only`);
          const inTransaction: Database = { kind: 'pglite', drizzle: tx as unknown as DrizzleDatabase, rows: rowsOf, close: async () => {} };
          return work(inTransaction, await rowsOf<Row>(opening));
        }),
      close: async () => {
        try {
          await client.close();
        } finally {
          lock?.release();
        }
      },
    };
  }
  // Behind a pooler in transaction mode, one server connection serves many clients in turn: a statement
  // prepared by name on it would be another client's, and startup parameters are not passed on.
  const pooled = options.pooler === 'transaction';
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_DB_STATEMENT_TIMEOUT_MS;
  const clientOptions = {
    onnotice: () => {}, // "relation already exists, skipping" and the like are not news
    connect_timeout: options.connectTimeoutSeconds ?? DEFAULT_DB_CONNECT_TIMEOUT_SECONDS,
    idle_timeout: 60, // idle connections are dropped, so a pool never holds sockets a restarted server forgot
    // Prepared statements live as long as their connection: renewing connections bounds how many pile up.
    max_lifetime: CONNECTION_LIFETIME_SECONDS,
    prepare: !pooled,
    // Nor are statements pipelined outside a transaction there (withReservedTransactions, pooler.ts).
    ...(pooled ? { max_pipeline: 0 } : {}),
    connection: pooled ? {} : sessionSettings(statementTimeoutMs),
  };
  const client = postgres(options.url, { max: options.poolSize ?? 10, ...clientOptions });
  // The writes' own connections (writeTurns.ts): a write whose turn comes does not queue behind the readers.
  // Named, so that an operator (and a test) tells them apart in pg_stat_activity; a pooler passes no name on.
  const writer = postgres(options.url, {
    max: WRITES_AT_ONCE,
    ...clientOptions,
    connection: pooled ? {} : { ...sessionSettings(statementTimeoutMs), application_name: WRITES_APPLICATION_NAME },
  });
  if (pooled) {
    try {
      await checkPooledSettings(client, statementTimeoutMs);
    } catch (error) {
      await Promise.all([client.end({ timeout: 1 }), writer.end({ timeout: 1 })]);
      throw error;
    }
  }
  // Behind a pooler nothing is prepared (above); directly, Drizzle's popular statements are (preparing.ts).
  const popularWrites = new PopularStatements(POPULAR_DRIZZLE_STATEMENTS, 3, CONNECTION_LIFETIME_SECONDS * 1000);
  const drizzleOn = (sql: postgres.Sql) => (pooled ? withReservedTransactions(sql) : preparingPopular(sql, popularWrites));
  const db = renderedQuickly(drizzlePostgres(drizzleOn(client), { schema: tables })) as unknown as DrizzleDatabase;
  const writes = renderedQuickly(drizzlePostgres(drizzleOn(writer), { schema: tables })) as unknown as DrizzleDatabase;
  takeWritesInTurn(db, { waitMs: statementTimeoutMs, limit: WRITES_AT_ONCE, writer: writes });
  const dialect = new PgDialect();
  const streamTimeouts = {
    batchTimeoutMs: statementTimeoutMs,
    firstBatchTimeoutMs: statementTimeoutMs === 0 ? 0 : Math.max(statementTimeoutMs, STREAM_START_TIMEOUT_MS),
  };
  const popular = new PopularStatements(POPULAR_STATEMENTS, 3, CONNECTION_LIFETIME_SECONDS * 1000);
  /** One statement on the pool, or on a connection reserved for a transaction. */
  const rowsOn =
    (on: postgres.Sql) =>
    async <Row>(query: SQL, cancellation?: Cancellation): Promise<Row[]> => {
      // Drizzle's execute() sends an unnamed statement, which postgres.js first describes in a round trip of
      // its own. Prepared, a statement text is parsed once per connection and then answered in one trip.
      const rendered: RenderedSql = renderSql(query) ?? dialect.sqlToQuery(query);
      if (CHECK_RENDERING) assertRenderedAsDrizzle(dialect, query, rendered.sql, rendered.params);
      // A statement planned for its values has none left to describe: one trip, prepared only when it is
      // a popular one (planning.ts). Never the simple protocol postgres.js would pick for a statement without
      // parameters: it runs several statements from one text, the extended protocol exactly one.
      if (rendered.withValues !== undefined) {
        const prepare = !pooled && popular.admit(rendered.withValues);
        const extended = { prepare, simple: false } as postgres.UnsafeQueryOptions; // `simple` is untyped in postgres.js 3.4
        return (await cancelledWith(on.unsafe(rendered.withValues, [], extended), cancellation)) as unknown as Row[];
      }
      return (await cancelledWith(
        on.unsafe(rendered.sql, rendered.params as postgres.ParameterOrJSON<never>[], { prepare: !pooled }),
        cancellation,
      )) as unknown as Row[];
    };
  return {
    kind: 'postgres',
    drizzle: db,
    rows: rowsOn(client),
    async readTransaction<T, Row>(opening: SQL, work: (db: Database, opened: Row[]) => Promise<T>): Promise<T> {
      const text = renderWithValues(opening);
      if (text === undefined) throw new Error('A transaction opens with a statement whose values can be written into its text');
      const reserved = await client.reserve();
      let result: T;
      try {
        // The simple protocol runs both statements of one text in one round trip; the second's rows are last.
        const results = (await reserved.unsafe(`begin read only; ${text}`).simple()) as unknown as Row[][];
        let onReserved: DrizzleDatabase | undefined;
        const inTransaction: Database = {
          kind: 'postgres',
          get drizzle() {
            // A reserved connection shares its pool's options (the parsers Drizzle set) but does not show them.
            return (onReserved ??= renderedQuickly(
              drizzlePostgres(Object.assign(reserved, { options: client.options }), { schema: tables }),
            ) as unknown as DrizzleDatabase);
          },
          rows: rowsOn(reserved),
          close: async () => {},
        };
        result = await work(inTransaction, results[results.length - 1]!);
      } catch (error) {
        await reserved.unsafe('rollback').catch(() => {});
        reserved.release();
        throw error;
      }
      void reserved
        .unsafe('commit')
        .catch(() => {})
        .finally(() => reserved.release());
      return result;
    },
    stream<Row>(query: SQL, batchSize: number) {
      const { sql: text, params } = dialect.sqlToQuery(query);
      return cursorBatches<Row>(client, text, params, { batchSize, ...streamTimeouts });
    },
    copyCsv(query: SQL, signal?: AbortSignal) {
      const text = renderWithValues(query);
      if (text === undefined) return undefined;
      return copyOutChunks(client, text, streamTimeouts, signal);
    },
    // postgres.js listens on a connection of its own, outside the pool, and listens again after a reconnect.
    ...(pooled
      ? {}
      : {
          async listen(channel: string, onNotify: (payload: string) => void) {
            const { unlisten } = await client.listen(channel, (payload) => onNotify(payload));
            return unlisten;
          },
        }),
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), writer.end({ timeout: 5 })]);
    },
  };
}

/** The statement, cancelled on the server (PostgreSQL's cancel request) when the request it serves is stopped. */
function cancelledWith<Pending extends postgres.PendingQuery<postgres.Row[]>>(pending: Pending, cancellation: Cancellation | undefined): Pending {
  if (!cancellation) return pending;
  const stopListening = cancellation.onCancel(() => void pending.cancel());
  void pending.finally(stopListening).catch(() => {});
  return pending;
}
