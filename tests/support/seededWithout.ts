import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDadukou } from '../../src/composition/seeds.js';
import type { Database } from '../../src/db/connection.js';
import { defaultSeedsDir } from '../../src/db/seed/readSeeds.js';
import { openTestDatabase } from './databases.js';

export interface SeededWithout {
  db: Database;
  /** The facility left out, as its seed file has it: a record the report names, for a test to create through the API. */
  facility: Record<string, unknown>;
  /** The seed files without it (a test may seed again from them). */
  seedsDir: string;
  /** Closes the database and removes the seed files. */
  close(): Promise<void>;
}

/** A database of its own, seeded with the Dadukou data but one facility. */
export async function seededWithout(slug: string): Promise<SeededWithout> {
  const seedsDir = mkdtempSync(path.join(tmpdir(), 'minsheng-seeds-'));
  cpSync(defaultSeedsDir, seedsDir, { recursive: true });
  const file = path.join(seedsDir, 'facilities.json');
  const facilities = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
  const facility = facilities.find((candidate) => candidate.slug === slug);
  if (!facility) throw new Error(`no facility ${slug} in the seeds`);
  writeFileSync(file, JSON.stringify(facilities.filter((candidate) => candidate !== facility)));
  const db = await openTestDatabase({});
  await seedDadukou(db, seedsDir);
  return {
    db,
    facility,
    seedsDir,
    async close() {
      await db.close();
      rmSync(seedsDir, { recursive: true, force: true });
    },
  };
}
