import type { SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { AnySeedKind } from '../db/seed/kind.js';
import type { Context } from './context.js';

/** A class type-graphql reads resolvers or types from. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own type for resolver classes
export type ClassType = Function;

export interface RowsByKey<Key> {
  load(key: Key): Promise<object | null>;
}

/** An object type whose global IDs `node(id:)` resolves, by the natural key inside the ID. */
export interface NodeType {
  typename: string;
  /** Its rows by key, retired ones too: `node` answers a retired record as a tombstone (src/domains/nodes/tombstones.ts). */
  byKey: (context: Context) => RowsByKey<string>;
}

/** A type the cross-type search finds (src/domains/search). */
export interface SearchableType {
  /** Its value of the SearchType enum, lowercase (`facility`), and what the search matches it by. */
  name: string;
  description: string;
  /** What it is called among the others in the search's description ("facilities"). */
  plural: string;
  typename: string;
  objectType: () => ClassType;
  table: PgTable;
  /** Columns matched, columns whose match counts as a name match, and the natural key (ties broken by it). */
  textColumns: readonly string[];
  nameColumns: readonly string[];
  keyColumn: string;
  /** A further way to match it (a figure by its indicator's names), on the rows aliased `alias`. */
  alsoMatching?: (alias: string, terms: string[]) => SQL;
  /** Loads a hit (batched); the snippet is taken from its text columns, read as the row's camelCase properties. */
  byId: (context: Context) => RowsByKey<number>;
  /** Where the snippet comes from when none of its own texts matched (a figure found by its indicator). */
  matchedThrough?: {
    field: string;
    load: (context: Context, row: Record<string, unknown>) => Promise<Record<string, unknown> | null>;
    textColumns: readonly string[];
  };
}

/**
 * What a domain hands to the composition root (src/composition): its resolvers (types follow from them),
 * the node types `node(id:)` resolves, the types the search finds, and the seed files it loads. A new
 * read-only domain is its own folder, its migration, its seed file and one line in src/composition/domains.ts.
 */
export interface Domain {
  name: string;
  resolvers: ClassType[];
  nodeTypes?: NodeType[];
  searchable?: SearchableType[];
  /** Its seed files, declared in its seed.ts (src/db/seed/kind.ts); the loader writes them in the order their rows need. */
  seeds?: readonly AnySeedKind[];
}
