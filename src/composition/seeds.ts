import type { Database } from '../db/connection.js';
import { readSeeds, seed } from '../db/seed/index.js';
import type { AnySeedKind } from '../db/seed/kind.js';
import { domains } from './domains.js';

/** Every seed file the domains register: the seed loader (src/db/seed) is given this list and knows no kind by name. */
export const seedKinds: readonly AnySeedKind[] = domains.flatMap((domain) => domain.seeds ?? []);

/** The same kinds by name: what the API's writes look records up by (src/writes). */
export const seedKindsByName: ReadonlyMap<string, AnySeedKind> = new Map(seedKinds.map((kind) => [kind.name, kind]));

/** `npm run db:seed`, start-up on an empty embedded database and the tests: the Dadukou seeds, validated then written in one transaction. */
export function seedDadukou(database: Database, seedsDir?: string): Promise<{ changed: number }> {
  return seed(database, seedKinds, seedsDir);
}

/** Reads and validates the seed files without writing them (throws a SeedError naming every problem). */
export function readDadukouSeeds(seedsDir?: string) {
  return readSeeds(seedKinds, seedsDir);
}
