import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { z } from 'zod';

/**
 * Everything the seed loader needs to know about one seed file: how to read and check its records, and how to
 * write them. Each domain declares its own kinds beside its code (src/domains/<name>/seed.ts) and registers them
 * with its Domain; the composition root hands the list to the loader, which knows no kind by name.
 */
export interface SeedKind<R, T extends PgTable = PgTable> {
  /** How other kinds name it (`rowNeeds`, references, `SeedIds.of`): "facilities". */
  name: string;
  /** One record in a message: `no facility "x" in the seeds`. */
  noun: string;
  /** Its file in the seeds folder: "facilities.json", a JSON array of records. */
  file: string;
  record: z.ZodType<R>;
  /** The field holding the natural key, unique in the file and the table's key column. */
  key: FieldOf<R, string>;
  /** A field naming another record of the same file (divisions, programs): parents are written first, loops refused. */
  parent?: FieldOf<R, string | null | undefined>;
  /** A field naming a text file under the seeds folder: the text that citations of its records quote (sources). */
  textFile?: FieldOf<R, string>;
  /** The keys a record names in other files (or its own), each with the field that names it ("links.0.facility"). */
  references?: (record: R) => SeedReference[];
  /** The quotes a record cites: each must occur verbatim in its source's text. */
  citations?: (record: R) => CitedField[];
  /** Further checks, once every file has been read: each problem as `field "<path>": <what is wrong>`. */
  checks?: (record: R, seeds: SeedDataset) => string[];
  /** Checks of a record's content against its own quotes, run only when nothing else is wrong (same form as `checks`). */
  contentChecks?: (record: R) => string[];

  /**
   * Who may edit a record through the API (src/writes): editors and publishers acting for one of its
   * organizations (by slug) or one of its domains. A kind without it is edited by admins only. `seeds` finds
   * the records it names (an observation's indicator).
   */
  scope?: (record: R, seeds: Pick<SeedDataset, 'byKey'>) => RecordScope;

  /** The table its rows go to, and the column holding the natural key: upserts match on it; rows whose key left the file are retired. */
  table: T;
  keyColumn: AnyPgColumn;
  /** The kinds whose ids `row` looks up: they are written before this one. */
  rowNeeds?: string[];
  /** The row a record becomes, given the ids of the kinds it needs (and of its parents). */
  row: (record: R, ids: SeedIds) => T['$inferInsert'];
  /** Its child tables (citations, links), synced once every kind's rows exist. */
  children?: SeedChildren<R>[];
}

/** A list of kinds holds kinds of different records. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind is checked where it is declared (seedKind)
export type AnySeedKind = SeedKind<any, any>;

/** Declares a kind, checking its callbacks against its record and its rows against its table. */
export const seedKind = <R, T extends PgTable>(kind: SeedKind<R, T>): SeedKind<R, T> => kind;

/** The organizations (slugs) and domains a record belongs to; empty values are left out. */
export interface RecordScope {
  organizations: (string | null | undefined)[];
  domains: (string | null | undefined)[];
}

/** A key a record names, the kind it must be a record of, and the field that names it. */
export interface SeedReference {
  field: string;
  kind: string;
  key: string | null | undefined;
}

export interface Citation {
  source: string;
  quote: string;
}

/** A citation and the field that holds it ("citations.0"). */
export interface CitedField {
  field: string;
  citation: Citation;
}

/** The kind a record's scope names organizations of (`scope`). */
export const organizationKind = 'organizations';

/** The kind citations name by their `source`: it declares `textFile`, the text their quotes are checked against. */
export const citedKind = 'sources';

/** A child table of a kind: its rows for one record are made from the record, its row's id and any kind's ids. */
export interface SeedChildren<R, T extends PgTable = PgTable> {
  table: T;
  /** The column holding the parent row's id: the rows of the parents written are replaced by the ones given. */
  parentColumn: AnyPgColumn;
  /** The columns that tell two child rows of one parent apart. */
  keyColumns: AnyPgColumn[];
  rows: (record: R, id: number, ids: SeedIds) => T['$inferInsert'][];
}

/** Declares a child table, checking its rows against the table. */
export const seedChildren = <R, T extends PgTable>(children: SeedChildren<R, T>): SeedChildren<R> => children;

/** The ids of the rows written so far, by kind and natural key. */
export interface SeedIds {
  of(kind: string, key: string): number;
  /** No key, no id: an optional reference left empty. */
  of(kind: string, key: string | null | undefined): number | null;
}

/** The validated records of every file, read by their kind. */
export interface SeedDataset {
  records<R>(kind: Pick<SeedKind<R>, 'name' | 'record'>): R[];
  /** The record with this natural key, if the file has one. */
  byKey<R>(kind: Pick<SeedKind<R>, 'name' | 'record'>, key: string): R | undefined;
  /** The text of a record of the cited kind (a source's document), as read from its text file. */
  textOf(key: string): string | undefined;
}

/** A record's natural key, and its parent's key (null when it has none), as the loader reads them. */
export const keyOf = (kind: AnySeedKind, record: unknown): string => (record as Record<string, string>)[kind.key]!;
export const parentOf = (kind: AnySeedKind, record: unknown): string | null | undefined =>
  kind.parent ? (record as Record<string, string | null | undefined>)[kind.parent] : null;

type FieldOf<R, Value> = { [Field in keyof R]-?: R[Field] extends Value ? Field : never }[keyof R] & string;
