/**
 * `npm run bench:import [-- --server postgres://postgres@127.0.0.1:5432/postgres] [--rows 100000]`: the bulk
 * import of issue 18 measured. Makes its own database (minsheng_import_bench) on the server, seeds Dadukou,
 * writes a CSV of synthetic observations that restate one figure of the report (so each passes the quote and
 * value checks), and imports it as `npm run import -- --publish` does: first with an invalid row at line
 * 99,999 (nothing may be written), then whole. Prints validate and commit seconds and the peak RSS of each
 * run. Drops its database at the end. Numbers for docs/importing.md; never part of the test suite.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import 'reflect-metadata';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { seedDadukou, seedKindsByName } from '../../src/composition/seeds.js';
import { connect, type Database } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { importRecords, type ImportReport } from '../../src/imports/importRecords.js';
import type { Actor } from '../../src/writes/actor.js';

const { values } = parseArgs({
  options: { server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' }, rows: { type: 'string', default: '100000' } },
});
const DATABASE = 'minsheng_import_bench';
const rows = Number(values.rows);
const server = new URL(values.server!);
const benchUrl = new URL(server);
benchUrl.pathname = `/${DATABASE}`;

const HEADER = 'key,indicator,value,qualifier,unit,measure,status,period.end,label_zh,label_en,citation.source,citation.quote,reported_in_domain';
const line = (i: number, value = '13') =>
  `bench-import-${String(i).padStart(6, '0')},sound-of-blossoms-concerts-held,${value},exact,event,cumulative,actual,2023-12-31,13场,"Synthetic bench figure ${i}, restating 13 concerts",dadukou-2023-livelihood,目前已举办13场,culture\n`;

/** A CSV of `rows` observations; `badLine` (a physical line) holds a value its quote does not state. */
async function writeCsv(file: string, badLine?: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${HEADER}\n`);
  for (let i = 1; i <= rows; i++) {
    if (!out.write(line(i, i + 1 === badLine ? '14' : '13'))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function withServer<T>(work: (admin: postgres.Sql) => Promise<T>): Promise<T> {
  const admin = postgres(server.toString(), { max: 1, onnotice: () => {} });
  try {
    return await work(admin);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** Runs an import, sampling the RSS every 50 ms: its report, and the peak. */
async function measured(db: Database, file: string): Promise<{ report: ImportReport; peakRss: number; seconds: number }> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const actor: Actor = { description: `cli import ${path.basename(file)}`, role: 'admin', organizationIds: [], domains: [], anonymous: false, requestId: '' };
  const started = performance.now();
  try {
    const report = await importRecords(db, seedKindsByName, actor, {
      kind: seedKindsByName.get('observations')!,
      format: 'csv',
      open: () => createReadStream(file),
      label: path.basename(file),
      dryRun: false,
      publish: true,
    });
    return { report, peakRss: Math.max(peakRss, process.memoryUsage().rss), seconds: (performance.now() - started) / 1000 };
  } finally {
    clearInterval(sampler);
  }
}

async function state(db: Database) {
  const [row] = await db.rows<{ observations: number; version: number }>(
    sql`select (select count(*) from observations)::int as observations, (select data_version from dataset_state)::int as version`,
  );
  return row!;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const dir = mkdtempSync(path.join(tmpdir(), 'minsheng-bench-import-'));
await withServer((admin) => admin.unsafe(`drop database if exists ${DATABASE}`));
await withServer((admin) => admin.unsafe(`create database ${DATABASE}`));
const db = await connect({ kind: 'postgres', url: benchUrl.toString(), poolSize: 2, statementTimeoutMs: 0 });
try {
  await migrate(db);
  await seedDadukou(db);
  const invalid = path.join(dir, 'observations-invalid.csv');
  const valid = path.join(dir, 'observations.csv');
  await writeCsv(invalid, 99_999);
  await writeCsv(valid);
  console.log(`${rows} observations, ${mb(statSync(valid).size)} of CSV; node ${process.version}; RSS before: ${mb(process.memoryUsage().rss)}`);

  const before = await state(db);
  const refused = await measured(db, invalid);
  const afterRefused = await state(db);
  console.log(
    `invalid row at line 99,999: ${refused.report.outcome}, ${refused.report.problemCount} problem(s) ` +
      `(${refused.report.problems.map((p) => `line ${p.line}, column ${p.column}: ${p.message}`).join('; ')}); ` +
      `validate ${refused.report.validateSeconds.toFixed(1)} s, peak RSS ${mb(refused.peakRss)}; ` +
      `written: ${afterRefused.observations - before.observations} observations, data version ${before.version} → ${afterRefused.version}`,
  );

  const imported = await measured(db, valid);
  const after = await state(db);
  console.log(
    `valid file: ${imported.report.outcome}, ${imported.report.created} created; validate ${imported.report.validateSeconds.toFixed(1)} s, ` +
      `commit ${imported.report.applySeconds.toFixed(1)} s, total ${imported.seconds.toFixed(1)} s, peak RSS ${mb(imported.peakRss)}; ` +
      `observations ${before.observations} → ${after.observations}, data version ${before.version} → ${after.version}`,
  );
  const again = await measured(db, valid);
  console.log(
    `same file again: ${again.report.unchanged} unchanged, ${again.report.created + again.report.updated} written; ` +
      `${again.seconds.toFixed(1)} s, peak RSS ${mb(again.peakRss)}; data version ${(await state(db)).version}`,
  );
} finally {
  await db.close();
  await withServer((admin) => admin.unsafe(`drop database if exists ${DATABASE}`));
  rmSync(dir, { recursive: true, force: true });
}
