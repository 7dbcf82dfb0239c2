import type { Config } from '../config.js';
import { connect, type Database } from './connection.js';

/**
 * The database the configuration names: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR.
 * Batch jobs (migrations, seeding, synthetic data) pass statementTimeoutMs: 0, since their statements may
 * rightly run longer than any request should.
 */
export function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'dbPoolSize'> & Partial<Pick<Config, 'dbStatementTimeoutMs' | 'dbConnectTimeoutSeconds'>>,
  overrides: { statementTimeoutMs?: number } = {},
): Promise<Database> {
  return config.databaseUrl
    ? connect({
        kind: 'postgres',
        url: config.databaseUrl,
        poolSize: config.dbPoolSize,
        statementTimeoutMs: overrides.statementTimeoutMs ?? config.dbStatementTimeoutMs,
        connectTimeoutSeconds: config.dbConnectTimeoutSeconds,
      })
    : connect({ kind: 'pglite', dataDir: config.dataDir });
}
