import { loadConfig } from '../../config.js';
import { migrate } from '../migrate.js';
import { openDatabaseForCommand } from '../open.js';
import { generateSynthetic, removeSynthetic } from './generate.js';

const USAGE = `npm run seed:synthetic -- [--facilities N] [--observations N] | --remove | --help

Writes synthetic facilities and figures (keys starting "syn-", replacing earlier ones) into the database of
DATABASE_URL, or the embedded one in DATA_DIR when it is unset: give it a database of its own, never
production. Defaults: 10000 facilities, 100000 observations. --remove deletes the synthetic rows.`;

// Anything but the options above is refused before the database is opened: a mistyped flag (or --help)
// must never write the default synthetic data into whatever database the environment names.
const known = new Set(['--facilities', '--observations', '--remove']);
const given = process.argv.slice(2);
if (given.includes('--help') || given.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
for (let i = 0; i < given.length; i++) {
  const flag = given[i]!;
  if (!known.has(flag)) {
    console.error(`Unknown argument ${JSON.stringify(flag)}.\n\n${USAGE}`);
    process.exit(2);
  }
  if (flag !== '--remove') i += 1; // its value, checked by option()
}

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
