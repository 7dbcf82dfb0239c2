import { loadConfig } from '../../config.js';
import { migrate } from '../migrate.js';
import { openDatabaseForCommand } from '../open.js';
import { generateSynthetic, removeSynthetic } from './generate.js';

/**
 * npm run seed:synthetic -- --facilities 100000 --observations 1000000   (or --remove)
 * Writes into the database of DATABASE_URL (or DATA_DIR): use a database of its own, never production.
 */
function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0 || value > 50_000_000) {
    console.error(`--${name} takes a whole number from 0 to 50000000; got ${process.argv[at + 1]}`);
    process.exit(2);
  }
  return value;
}

const config = loadConfig();
const db = await openDatabaseForCommand(config);
try {
  await migrate(db);
  if (process.argv.includes('--remove')) {
    await removeSynthetic(db);
    console.log('Synthetic rows removed.');
  } else {
    const size = { facilities: option('facilities', 10_000), observations: option('observations', 100_000) };
    const started = Date.now();
    await generateSynthetic(db, size, (step, done, total) => {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r${step.padEnd(13)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
    });
    console.log(
      `Synthetic data written (${size.facilities} facilities, ${size.observations} observations) in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
  }
} catch (error) {
  const cause = (error as { cause?: Error }).cause;
  console.error(cause ? `${cause.message}\n(in: ${(error as Error).message.split('\n')[0]})` : (error as Error).message);
  process.exitCode = 1;
} finally {
  await db.close();
}
