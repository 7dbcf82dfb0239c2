import type { Config } from '../config.js';
import { connect, type Database } from './connection.js';
import { DataDirInUse } from './dataDirLock.js';
import { PooledSettingsMissing } from './pooler.js';
import { replicaName, type Replica } from './replicas.js';

type DatabaseSettings = Pick<Config, 'databaseUrl' | 'dataDir' | 'dbPoolSize'> &
  Partial<Pick<Config, 'dbStatementTimeoutMs' | 'dbConnectTimeoutSeconds' | 'dbPooler'>>;

/**
 * The database the configuration names: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR
 * (locked for this process: dataDirLock.ts). Batch jobs (migrations, seeding, synthetic data) pass
 * statementTimeoutMs: 0, since their statements may rightly run longer than any request should.
 */
export function openDatabase(config: DatabaseSettings, overrides: { statementTimeoutMs?: number } = {}): Promise<Database> {
  return config.databaseUrl
    ? connect({
        kind: 'postgres',
        url: config.databaseUrl,
        poolSize: config.dbPoolSize,
        statementTimeoutMs: overrides.statementTimeoutMs ?? config.dbStatementTimeoutMs,
        connectTimeoutSeconds: config.dbConnectTimeoutSeconds,
        pooler: config.dbPooler,
      })
    : connect({ kind: 'pglite', dataDir: config.dataDir });
}

/**
 * The database for a command line job (no statement timeout). When the embedded database is another
 * process's, the command ends with one line saying so (`explain` words it for the command), exit code 1.
 */
export async function openDatabaseForCommand(config: DatabaseSettings, explain: (inUse: DataDirInUse) => string = (inUse) => inUse.message): Promise<Database> {
  try {
    return await openDatabase(config, { statementTimeoutMs: 0 });
  } catch (error) {
    if (error instanceof PooledSettingsMissing) {
      console.error(error.message);
      process.exit(1);
    }
    if (!(error instanceof DataDirInUse)) throw error;
    console.error(explain(error));
    process.exit(1);
  }
}

/**
 * The read replicas DATABASE_READ_URLS names, connected as the primary is (pool size, timeouts, pooler).
 * Connections open on first use: a replica away at start only means its reads go to the primary.
 */
export async function openReadReplicas(config: DatabaseSettings & Pick<Config, 'databaseReadUrls'>): Promise<Replica[]> {
  return Promise.all(
    config.databaseReadUrls.map(async (url) => ({
      name: replicaName(url),
      db: await connect({
        kind: 'postgres',
        url,
        poolSize: config.dbPoolSize,
        statementTimeoutMs: config.dbStatementTimeoutMs,
        connectTimeoutSeconds: config.dbConnectTimeoutSeconds,
        pooler: config.dbPooler,
      }),
    })),
  );
}
