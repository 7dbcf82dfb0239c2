import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { connect } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import { seedDadukou } from '../../src/composition/seeds.js';
import { databaseUrl, onServer, seededPgliteDump, uniqueName } from './databases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    seeded: { pgliteDump?: string; templateDatabase?: string };
  }
}

/** Migrates and seeds once per run; every test file then starts from a copy. */
export default async function setup(project: TestProject) {
  // Global setup runs in the main process, which does not get the project's test env: read it from the config.
  if ((project.config.env?.MINSHENG_TEST_BACKEND ?? 'pglite') === 'pglite') {
    const dir = await mkdtemp(path.join(tmpdir(), 'minsheng-test-'));
    const file = path.join(dir, 'seeded.tar');
    await writeFile(file, Buffer.from(await (await seededPgliteDump()).arrayBuffer()));
    project.provide('seeded', { pgliteDump: file });
    return () => rm(dir, { recursive: true, force: true });
  }
  const template = uniqueName('minsheng_template');
  await onServer((sql) => sql.unsafe(`create database "${template}"`));
  const db = await connect({ kind: 'postgres', url: databaseUrl(template), poolSize: 1 });
  try {
    await migrate(db);
    await seedDadukou(db);
  } finally {
    await db.close();
  }
  project.provide('seeded', { templateDatabase: template });
  return () => onServer((sql) => sql.unsafe(`drop database if exists "${template}" with (force)`));
}
