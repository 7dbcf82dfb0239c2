import { sql, type SQL } from 'drizzle-orm';
import { GraphQLDate } from './dateScalar.js';
import { Field, Float, InputType, Int } from 'type-graphql';
import { badUserInput } from './errors.js';
import type { References } from './references.js';
import { col } from '../db/sqlParts.js';
import { SHOWN_VERSIONS } from '../db/pastRead.js';

/** Inputs and SQL shared by every list filter: ranges, intervals and and/or/not composition. */

@InputType({ description: 'A range of numbers; give any of the bounds.' })
export class FloatRange {
  @Field(() => Float, { nullable: true, description: 'Greater than.' })
  gt?: number | null;
  @Field(() => Float, { nullable: true, description: 'Greater than or equal to.' })
  gte?: number | null;
  @Field(() => Float, { nullable: true, description: 'Less than.' })
  lt?: number | null;
  @Field(() => Float, { nullable: true, description: 'Less than or equal to.' })
  lte?: number | null;
  @Field(() => Float, { nullable: true, description: 'Equal to.' })
  eq?: number | null;
}

@InputType({ description: 'A range of dates (YYYY-MM-DD); give any of the bounds.' })
export class DateRange {
  @Field(() => GraphQLDate, { nullable: true, description: 'After this day.' })
  gt?: Date | string | null;
  @Field(() => GraphQLDate, { nullable: true, description: 'On or after this day.' })
  gte?: Date | string | null;
  @Field(() => GraphQLDate, { nullable: true, description: 'Before this day.' })
  lt?: Date | string | null;
  @Field(() => GraphQLDate, { nullable: true, description: 'On or before this day.' })
  lte?: Date | string | null;
  @Field(() => GraphQLDate, { nullable: true, description: 'On this day.' })
  eq?: Date | string | null;
}

@InputType({ description: 'A time interval, both days included.' })
export class DateInterval {
  @Field(() => GraphQLDate, { description: 'First day.' })
  start!: Date | string;
  @Field(() => GraphQLDate, { description: 'Last day.' })
  end!: Date | string;
}

/** graphql-scalars parses Date inputs to JS Dates at UTC midnight: back to 'YYYY-MM-DD'. */
export function isoDay(value: Date | string): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : value;
}

type Bound = number | string;

/** SQL for a range on an expression; contradictory bounds are a client mistake, said as such. */
export function inRange(expression: SQL, range: FloatRange | DateRange, argument: string, cast: 'double precision' | 'date'): SQL {
  const value = (v: number | Date | string): Bound => (v instanceof Date || typeof v === 'string' ? isoDay(v) : v);
  const bounds = Object.entries(range)
    .filter(([, v]) => v != null)
    .map(([op, v]) => [op, value(v as number | Date | string)] as const);
  if (bounds.length === 0) throw badUserInput(`\`${argument}\` has no bound: give gt, gte, lt, lte or eq.`, { argument });
  const given = Object.fromEntries(bounds) as Partial<Record<'gt' | 'gte' | 'lt' | 'lte' | 'eq', Bound>>;
  if (given.gt != null && given.gte != null) throw badUserInput(`\`${argument}\` has both gt and gte; give one lower bound.`, { argument });
  if (given.lt != null && given.lte != null) throw badUserInput(`\`${argument}\` has both lt and lte; give one upper bound.`, { argument });
  const lower = given.gt ?? given.gte;
  const upper = given.lt ?? given.lte;
  if (lower != null && upper != null && (lower > upper || (lower === upper && (given.gt != null || given.lt != null)))) {
    throw badUserInput(`\`${argument}\` can match nothing: its lower bound ${lower} is not below its upper bound ${upper}.`, { argument });
  }
  const operators = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=' } as const;
  return sql.join(
    bounds.map(([op, v]) => sql`${expression} ${sql.raw(operators[op as keyof typeof operators])} cast(${v} as ${sql.raw(cast)})`),
    sql` and `,
  );
}

export function intervalOf(interval: DateInterval, argument: string): { start: string; end: string } {
  const start = isoDay(interval.start);
  const end = isoDay(interval.end);
  if (start > end) throw badUserInput(`\`${argument}\` starts (${start}) after it ends (${end}).`, { argument });
  return { start, end };
}

/** The fields every record list's filter has, whatever the record (`extends RecordFilter`). */
@InputType({ description: 'Fields of every record filter (only its subtypes are used).' })
export abstract class RecordFilter {
  @Field(() => Int, {
    nullable: true,
    description:
      "Changed after this data version (an earlier answer's `extensions.dataVersion`): created, updated or restored since. " +
      'Retired records leave the list; the `changes` feed names them. Records unchanged since history began count as changed then.',
  })
  updatedSince?: number | null;
}

/**
 * `updatedSince`: the record (`table`, by id) has a state that began after `version`, in the history
 * the triggers keep (drizzle/0021); in a past read, no later than the version read.
 */
export function changedSince(table: string, alias: string, version: number): SQL {
  if (version < 0) throw badUserInput(`updatedSince takes a data version, 0 or more; got ${version}.`, { argument: 'updatedSince' });
  const changed = sql.raw(`"history"."${table}"`);
  return sql`exists (select 1 from ${changed} as "changed" where "changed"."id" = ${col(alias, 'id')} and "changed"."valid_from" > ${version}
    and "changed"."valid_from" <= ${SHOWN_VERSIONS})`;
}

/** A filter input that can be combined with others. */
export interface Composable<F> {
  and?: F[] | null;
  or?: F[] | null;
  not?: F | null;
}

export const allOf = (parts: SQL[]): SQL => (parts.length ? sql`(${sql.join(parts, sql` and `)})` : sql`true`);

/** A filter's conditions: its own fields, and its and/or/not sub-filters, all ANDed. */
export function composed<F extends Composable<F>>(filter: F | null | undefined, own: (filter: F) => SQL[]): SQL[] {
  if (!filter) return [];
  const parts = own(filter);
  if (filter.and) parts.push(...filter.and.map((f) => allOf(composed(f, own))));
  if (filter.or)
    parts.push(
      filter.or.length
        ? sql`(${sql.join(
            filter.or.map((f) => allOf(composed(f, own))),
            sql` or `,
          )})`
        : sql`false`,
    );
  if (filter.not) parts.push(sql`not ${allOf(composed(filter.not, own))}`);
  return parts;
}

/** The conditions of filter fields that another module adds to a filter (a facility's programs). */
export type FilterCondition<Filter> = (filter: Filter, alias: string, references: References) => SQL | undefined;

/** Filter fields declared by the modules that own what they link to, so that the filtered domain need not know them. */
export class FilterExtensions<Filter> {
  private readonly conditions: FilterCondition<Filter>[] = [];

  add(condition: FilterCondition<Filter>): void {
    this.conditions.push(condition);
  }

  /** The conditions that hold for this filter on the rows aliased `alias`. */
  of(filter: Filter, alias: string, references: References): SQL[] {
    const where: SQL[] = [];
    for (const condition of this.conditions) {
      const holds = condition(filter, alias, references);
      if (holds) where.push(holds);
    }
    return where;
  }
}
