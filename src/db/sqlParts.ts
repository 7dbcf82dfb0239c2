import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';

/** Which columns of a row a list reads (graphql/projection.ts works it out from the query's fields). */
export interface Projection {
  /** Names the projection in loader keys. */
  key: string;
  /** Row properties to read; undefined: every column. */
  properties: readonly string[] | undefined;
  /** The list's sort keys are read too (the page hands out cursors). */
  cursors: boolean;
}

/**
 * SQL building blocks shared by the domains' queries. Raw SQL returns snake_case columns and driver-
 * specific date objects; `columnsOf` selects a table's columns under their camelCase names with dates as
 * 'YYYY-MM-DD' text, so rows look the same on PGlite and PostgreSQL.
 */
export function columnsOf(table: PgTable, alias: string, only?: ReadonlySet<string>): SQL {
  const parts = storedColumns(table)
    .filter(([property]) => !only || only.has(property))
    .map(([property, column]) => {
      const ref = sql.raw(`"${alias}"."${(column as AnyPgColumn).name}"`);
      const value = (column as AnyPgColumn).columnType === 'PgDateString' ? sql`${ref}::text` : ref;
      return sql`${value} as ${sql.raw(`"${property}"`)}`;
    });
  return sql.join(parts, sql`, `);
}

// Projections are few per schema, but clients choose them: past this many, the cache starts over.
const MAX_PROJECTIONS_PER_TABLE = 256;

/** A table's columns under an alias: all of them, or a projection's (each built once and kept). */
export class AliasedColumns {
  readonly all: SQL;
  private readonly projected = new Map<string, SQL>();

  constructor(
    private readonly table: PgTable,
    private readonly alias: string,
  ) {
    this.all = columnsOf(table, alias);
  }

  select(projection: Projection): SQL {
    if (!projection.properties) return this.all;
    let columns = this.projected.get(projection.key);
    if (!columns) {
      if (this.projected.size >= MAX_PROJECTIONS_PER_TABLE) this.projected.clear();
      columns = columnsOf(this.table, this.alias, new Set(projection.properties));
      this.projected.set(projection.key, columns);
    }
    return columns;
  }
}

/** A table's columns that hold data, without generated ones (search bigrams are for the index only). */
export function storedColumns(table: PgTable): [string, AnyPgColumn][] {
  return (Object.entries(getTableColumns(table)) as [string, AnyPgColumn][]).filter(([, column]) => !column.generated);
}

/** The row properties of a table's stored columns. */
export function propertiesOf(table: PgTable): string[] {
  return storedColumns(table).map(([property]) => property);
}

/** `table alias` for a FROM clause. */
export function tableAs(table: PgTable, alias: string): SQL {
  return sql`${table} as ${sql.raw(`"${alias}"`)}`;
}

/** A column of an aliased table, e.g. col('f', 'division_id'). */
export function col(alias: string, column: string): SQL {
  return sql.raw(`"${alias}"."${column}"`);
}

/** A null check from a `has…` filter: true wants a value, false wants none. */
export function hasValue(alias: string, column: string, wanted: boolean): SQL {
  return wanted ? sql`${col(alias, column)} is not null` : sql`${col(alias, column)} is null`;
}

/**
 * `expression` is one of `values`, the values sent as ONE array parameter: a parameter per value made a
 * statement text per list length, and each text is prepared and kept on every connection that runs it.
 * So there are three texts at most: none (an empty list matches nothing), one value (plain equality, which
 * the planner estimates like a constant: a lookup by key keeps its plan) and several. Numbers are ids
 * (integer columns), strings are text columns.
 */
export function isAnyOf(expression: SQL, values: readonly (string | number)[]): SQL {
  if (values.length === 0) return sql`false`;
  if (values.length === 1) return sql`${expression} = ${values[0]}`;
  const elementType = typeof values[0] === 'number' ? sql.raw('int[]') : sql.raw('text[]');
  return sql`${expression} = any(${sql.param(values)}::${elementType})`;
}

/**
 * `column` is one of the ids a subquery returns. Written as `= any(array(subquery))`, the subquery runs
 * once before the scan (an InitPlan) and the planner sees an ordinary index condition; `in (subquery)`
 * lets it guess, and at scale it guessed a full index walk (see tests/bench/explain.ts).
 */
export function idIn(column: SQL, subquery: SQL, atMostOne = false): SQL {
  // One id: `= (subquery)`, which the planner estimates like a constant and serves with a composite index
  // that also gives the order (observations by indicator, then period).
  return atMostOne ? sql`${column} = (${subquery})` : sql`${column} = any(array(${subquery}))`;
}
