import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
// The seed kinds come with the domains, whose decorated types need the polyfill loaded first.
import 'reflect-metadata';
import { seedKindsByName } from '../composition/seeds.js';
import { loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';
import { openDatabaseForCommand } from '../db/open.js';
import { importableKinds, importRecords, kindOfFileName, type ImportProgress } from '../imports/importRecords.js';
import { reportLines } from '../imports/report.js';
import { EditRefused } from '../writes/edits.js';
import type { Actor } from '../writes/actor.js';
import { commandLine, usageFailure, type UsageFailure } from './commandLine.js';

/** `npm run import -- <file> [--kind <kind>] [--dry-run] [--publish]`: docs/importing.md. Exit 0 imported (or checked), 1 problems, 2 usage. */
const kindNames = importableKinds(seedKindsByName).map((kind) => kind.name);
const usage = `usage: npm run import -- <file.csv|file.json> [--kind ${kindNames.join('|')}] [--dry-run] [--publish]
  (the kind is read from the file name when --kind is not given; records become drafts for review unless --publish)`;

const fail: UsageFailure = usageFailure(usage);
const parsed = commandLine(fail, {
  allowPositionals: true,
  options: { kind: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, publish: { type: 'boolean', default: false } },
});
const [file, ...extra] = parsed.positionals;
if (!file || extra.length) fail(file ? `one file at a time, not ${parsed.positionals.length}.` : 'no file.');
if (!existsSync(file) || !statSync(file).isFile()) fail(`${file}: no such file.`);
const format = /\.csv$/i.test(file) ? 'csv' : /\.json$/i.test(file) ? 'json' : fail(`${file}: name a .csv or a .json file.`);
const kindName = parsed.values.kind ?? kindOfFileName(seedKindsByName, file)?.name;
if (!kindName) fail(`${file}: the file name names no kind; give --kind.`);
if (!kindNames.includes(kindName)) fail(`--kind ${kindName}: use ${kindNames.join(', ')}.`);
const dryRun = parsed.values['dry-run']!;

// The command is the operator's own: an admin, named in the audit log by the file it imported.
const actor: Actor = { description: `cli import ${path.basename(file)}`, role: 'admin', organizationIds: [], domains: [], anonymous: false, requestId: '' };

const database = await openDatabaseForCommand(
  loadConfig(),
  (inUse) =>
    `Cannot import while process ${inUse.holderPid} holds the embedded database in ${inUse.dataDir}: stop it first, or set DATABASE_URL to PostgreSQL, where imports run beside the server (or use POST /imports).`,
);
const progress = progressLine(statSync(file).size);
try {
  await migrate(database);
  const report = await importRecords(database, seedKindsByName, actor, {
    kind: seedKindsByName.get(kindName)!,
    format,
    open: () => createReadStream(file),
    label: path.basename(file),
    dryRun,
    publish: parsed.values.publish!,
    onProgress: progress.update,
  });
  progress.done();
  for (const line of reportLines(report, dryRun)) console.log(line);
  console.error(`validated in ${report.validateSeconds.toFixed(1)} s${report.outcome === 'done' ? `, written in ${report.applySeconds.toFixed(1)} s` : ''}`);
  if (report.outcome === 'invalid') process.exitCode = 1;
} catch (error) {
  progress.done();
  console.error(error instanceof EditRefused ? error.message : ((error as Error).stack ?? String(error)));
  process.exitCode = 1;
} finally {
  await database.close();
}

/** Progress on stderr: one line rewritten in place on a terminal, a line every 10% otherwise (logs, CI). */
function progressLine(bytes: number) {
  const tty = process.stderr.isTTY;
  let lastShown = -1;
  let shown = false;
  return {
    update({ phase, processed, total }: ImportProgress) {
      const share = total ? processed / total : undefined;
      const text = `${phase === 'validating' ? 'checking' : 'writing'} ${processed}${total ? `/${total}` : ''} records${share !== undefined ? ` ${bar(share)} ${Math.round(share * 100)}%` : ''} (${(bytes / 1e6).toFixed(1)} MB file)`;
      if (tty) {
        process.stderr.write(`\r${text}\x1b[K`);
        shown = true;
      } else {
        const step = Math.floor((share ?? 0) * 10) + (phase === 'applying' ? 100 : 0) + (share === undefined ? Math.floor(processed / 10_000) * 1000 : 0);
        if (step !== lastShown) process.stderr.write(`${text}\n`);
        lastShown = step;
      }
    },
    done() {
      if (tty && shown) process.stderr.write('\n');
    },
  };
}

function bar(share: number): string {
  const filled = Math.round(share * 30);
  return `[${'#'.repeat(filled)}${'-'.repeat(30 - filled)}]`;
}
