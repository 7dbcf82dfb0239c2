import { loadConfig } from '../config.js';
import { openDatabaseForCommand } from '../db/open.js';
import { migrate } from '../db/migrate.js';
import { seedDadukou } from '../composition/seeds.js';

/** `npm run db:migrate` and `npm run db:seed`: the same steps the server takes at start, on demand (the seed files are the ones the domains register). */
const command = process.argv[2];
if (command !== 'migrate' && command !== 'seed') {
  console.error('usage: tsx src/cli/database.ts migrate|seed');
  process.exit(2);
}
const config = loadConfig();
const database = await openDatabaseForCommand(config);
try {
  await migrate(database);
  if (command === 'migrate') console.log(`Migrations applied (${database.kind}).`);
  else {
    const { changed } = await seedDadukou(database);
    console.log(changed === 0 ? `Seeds already loaded: nothing changed (${database.kind}).` : `Seeds loaded: ${changed} rows written (${database.kind}).`);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
