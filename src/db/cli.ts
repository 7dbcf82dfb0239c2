import { loadConfig } from '../config.js';
import { openDatabaseForCommand } from './open.js';
import { migrate } from './migrate.js';
import { seed } from './seed/index.js';

/** `npm run db:migrate` and `npm run db:seed`: the same steps the server takes at start, on demand. */
const command = process.argv[2];
if (command !== 'migrate' && command !== 'seed') {
  console.error('usage: tsx src/db/cli.ts migrate|seed');
  process.exit(2);
}
const config = loadConfig();
const database = await openDatabaseForCommand(config);
try {
  await migrate(database);
  if (command === 'migrate') console.log(`Migrations applied (${database.kind}).`);
  else {
    const { changed } = await seed(database);
    console.log(changed === 0 ? `Seeds already loaded: nothing changed (${database.kind}).` : `Seeds loaded: ${changed} rows written (${database.kind}).`);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
