import 'reflect-metadata';
import { ConfigError, loadConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { openDatabase } from './db/open.js';
import { isEmpty, seed } from './db/seed/index.js';
import { createHttpServer } from './http/server.js';
import { createLogger } from './logger.js';

/** Start-up: config → database → migrations (and seed, on an empty embedded database) → HTTP server. */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config);
  await migrate(db);
  if (db.kind === 'pglite' && config.seedOnStart && (await isEmpty(db))) {
    const { changed } = await seed(db);
    logger.info('seeded the embedded database', { rows: changed });
  }
  const http = await createHttpServer({ db, logger, sqlCountHeader: config.sqlCountHeader, settings: config.endpoint });
  const { url } = await http.listen(config.port, config.host);
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

main().catch((error) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Minsheng could not start: ${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
