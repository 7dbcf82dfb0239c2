import type postgres from 'postgres';

/**
 * The settings every connection of the server runs with. Connected directly they are sent as startup
 * parameters; behind a pooler in transaction mode (PgBouncer's `pool_mode = transaction`) a connection is
 * shared by many clients and takes no startup parameters of ours, so they must be the database's own
 * defaults (`ALTER DATABASE … SET`), which checkPooledSettings verifies at start.
 */
export function sessionSettings(statementTimeoutMs: number): Record<string, string> {
  return {
    statement_timeout: String(statementTimeoutMs),
    // Prepared statements soon run on a generic plan, PostgreSQL's default, spelled out because the
    // statements that need a plan of their own are built for it (planning.ts).
    plan_cache_mode: 'auto',
    // Literals in statements planned for their values are quoted for this setting (planning.ts).
    standard_conforming_strings: 'on',
  };
}

/** The pooler settings a connection is made with: none, or PgBouncer-like in transaction mode. */
export type Pooler = 'none' | 'transaction';

/** Thrown at start when a pooled connection does not run with the settings the server needs. */
export class PooledSettingsMissing extends Error {}

/**
 * Behind a pooler: the settings as the server's connections will see them, compared with what the server
 * needs; a difference stops the start with the statements that fix it. A statement timeout of 0 (commands:
 * migrations, seeding) cannot be had per connection there, so commands are pointed at PostgreSQL itself.
 */
export async function checkPooledSettings(client: postgres.Sql, statementTimeoutMs: number): Promise<void> {
  if (statementTimeoutMs === 0) {
    throw new PooledSettingsMissing(
      'Commands (migrations, seeding, keys) run statements longer than any request, which a pooler in transaction mode cannot allow per connection: ' +
        'run them with DATABASE_URL naming PostgreSQL itself and DB_POOLER unset.',
    );
  }
  const wanted = sessionSettings(statementTimeoutMs);
  const rows = await client.unsafe<{ name: string; setting: string; database: string }[]>(
    'select name, setting, current_database() as database from pg_settings where name = any($1::text[])',
    [Object.keys(wanted)],
    { prepare: false },
  );
  const wrong = rows.filter((row) => row.setting !== wanted[row.name]);
  if (wrong.length === 0) return;
  const database = rows[0]!.database.replaceAll('"', '""');
  throw new PooledSettingsMissing(
    `Behind a pooler in transaction mode (DB_POOLER=transaction) the server's connection settings must be the database's defaults; ` +
      `found ${wrong.map((row) => `${row.name}=${row.setting}`).join(', ')}. Run on PostgreSQL: ` +
      wrong.map((row) => `ALTER DATABASE "${database}" SET ${row.name} = '${wanted[row.name]}';`).join(' '),
  );
}

/**
 * Behind PgBouncer 1.18 (Debian 12's) statements must not be pipelined outside a transaction (postgres.js
 * `max_pipeline: 0`): it hands the server connection back at the end of the first while the next is on its
 * way. postgres.js's own `begin` then never reserves its connection, so transactions run here instead, on a
 * reserved connection: begin, the work (savepoints for nested transactions), commit or rollback. Inside a
 * transaction pipelining is safe: PgBouncer keeps the server connection until it ends.
 */
export function withReservedTransactions(client: postgres.Sql): postgres.Sql {
  async function begin(...args: unknown[]): Promise<unknown> {
    const work = args[args.length - 1] as (sql: postgres.Sql) => Promise<unknown>;
    const mode = args.length > 1 ? String(args[0]).replace(/[^a-z ]/gi, '') : '';
    const reserved = await client.reserve();
    try {
      await reserved.unsafe(`begin ${mode}`);
      const result = await work(transactionScope(reserved));
      await reserved.unsafe('commit');
      return result;
    } catch (error) {
      await reserved.unsafe('rollback').catch(() => {});
      throw error;
    } finally {
      reserved.release();
    }
  }
  return new Proxy(client, { get: (target, key, receiver) => (key === 'begin' ? begin : Reflect.get(target, key, receiver)) });
}

/** The reserved connection as a transaction's `sql`, with savepoints for the transactions nested in it. */
function transactionScope(reserved: postgres.ReservedSql): postgres.Sql {
  let savepoints = 0;
  const scope = reserved as unknown as postgres.Sql & { savepoint: (work: (sql: postgres.Sql) => Promise<unknown>) => Promise<unknown> };
  scope.savepoint = async (work) => {
    const name = `pooled_${++savepoints}`;
    await reserved.unsafe(`savepoint ${name}`);
    try {
      const result = await work(scope);
      await reserved.unsafe(`release savepoint ${name}`);
      return result;
    } catch (error) {
      await reserved.unsafe(`rollback to savepoint ${name}`);
      throw error;
    }
  };
  return scope;
}
