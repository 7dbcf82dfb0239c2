import type { Config } from '../config.js';
import { connect, type Database } from './connection.js';

/** The database the configuration names: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR. */
export function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'dbPoolSize'>): Promise<Database> {
  return config.databaseUrl
    ? connect({ kind: 'postgres', url: config.databaseUrl, poolSize: config.dbPoolSize })
    : connect({ kind: 'pglite', dataDir: config.dataDir });
}
