import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createServer as createProbe } from 'node:net';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DataDirInUse } from './db/dataDirLock.js';
import { surviveDroppedTypeQueries } from './db/droppedTypeQuery.js';
import { migrate } from './db/migrate.js';
import { openDatabase, openReadReplicas } from './db/open.js';
import { seedDadukou } from './composition/seeds.js';
import { isEmpty } from './db/seed/index.js';
import { createHttpServer } from './http/server.js';
import { createLogger } from './logger.js';

/** A start-up problem the operator fixes from its one-line message; no stack trace helps. */
class CannotStart extends Error {}

/**
 * Start-up: config → is the port free → database → migrations (and seed, on an empty embedded database) →
 * HTTP server. The port is checked first: a first start may spend a minute seeding before it listens.
 */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  surviveDroppedTypeQueries(logger);
  await probePort(config);
  if (config.databaseUrl) logger.info('connecting to PostgreSQL');
  else if (existsSync(path.join(config.dataDir, 'PG_VERSION'))) logger.info('opening the embedded database', { dataDir: config.dataDir });
  else logger.info('creating the embedded database (first start: this takes a while)', { dataDir: config.dataDir });
  const db = await openDatabase(config);
  logger.info('applying database migrations');
  await migrate(db);
  if (db.kind === 'pglite' && config.seedOnStart && (await isEmpty(db))) {
    logger.info('seeding the embedded database with the Dadukou data…');
    const { changed } = await seedDadukou(db);
    logger.info('seeded the embedded database', { rows: changed });
  }
  const readReplicas = await openReadReplicas(config);
  if (readReplicas.length > 0)
    logger.info('reading from replicas when they have what a client has seen', { replicas: readReplicas.map((replica) => replica.name) });
  const http = await createHttpServer({
    db,
    replicas: { replicas: readReplicas, maxLagMs: config.replicaMaxLagMs },
    logger,
    sqlCountHeader: config.sqlCountHeader,
    settings: config.endpoint,
    publication: config.publication,
    poolSize: config.dbPoolSize,
  });
  let url: string;
  try {
    ({ url } = await http.listen(config.port, config.host));
  } catch (error) {
    // Taken since the probe: close what is open, so the seeded data is on disk and the lock released.
    await http.close().catch(() => {});
    await db.close();
    throw asCannotStart(error, config);
  }
  logger.info(`Minsheng is serving on ${url}/graphql (explorer: ${url}/)`, { database: db.kind, dataDir: db.kind === 'pglite' ? config.dataDir : undefined });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down: finishing requests in flight', { signal });
    await http.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** Binds PORT on HOST and lets go at once. */
function probePort(config: Pick<Config, 'port' | 'host'>): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createProbe();
    probe.once('error', (error) => reject(asCannotStart(error, config)));
    probe.listen(config.port, config.host, () => probe.close(() => resolve()));
  });
}

/** A listen error the operator can fix, named by the setting to change; any other error as it is. */
function asCannotStart(error: unknown, { port, host }: Pick<Config, 'port' | 'host'>): unknown {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new CannotStart(`Port ${port} is taken on ${host} (PORT=${port}): stop the other server or set PORT to a free port.`);
    case 'EACCES':
      return new CannotStart(`Port ${port} needs privileges this process does not have (PORT=${port}): set PORT to 1024 or above.`);
    case 'EADDRNOTAVAIL':
      return new CannotStart(`${host} is not an address of this machine (HOST=${host}): set HOST to one of its addresses, or 0.0.0.0 for all.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CannotStart(`The host name ${host} does not resolve (HOST=${host}): set HOST to an address of this machine.`);
    default:
      return error;
  }
}

main().catch((error) => {
  const known = error instanceof ConfigError || error instanceof DataDirInUse || error instanceof CannotStart;
  process.stderr.write(known ? `${error.message}\n` : `Minsheng could not start: ${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
