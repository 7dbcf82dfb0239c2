import { sql, type SQL } from 'drizzle-orm';
import { Field, Int, ObjectType } from 'type-graphql';
import { indicators, observations } from '../../db/tables/index.js';
import { col, tableAs } from '../../db/sqlParts.js';
import { units, type Domain, type Unit } from '../../db/vocabulary.js';
import type { Context } from '../../graphql/context.js';
import { DomainEnum, graphqlEnum, MeasureEnum, UnitEnum } from '../../graphql/enums.js';
import { badUserInput } from '../../graphql/errors.js';
import { References } from '../../graphql/references.js';
import { observationConditions } from './queries.js';
import type { ObservationFilter } from './types.js';

/** Group-by for figures: counts, sums, averages, minima and maxima per indicator, domain, division, year, unit. */
export const ObservationGroupBy = graphqlEnum('ObservationGroupBy', 'What figures can be grouped by.', {
  indicator: 'The indicator.',
  domain: 'The indicator\'s domain.',
  division: 'The division the figure is about.',
  year: 'The calendar year the period ends in.',
  unit: 'The unit.',
  measure: 'The measure (level, count, cumulative, change, share).',
});
export type ObservationGroupBy = (typeof ObservationGroupBy)[keyof typeof ObservationGroupBy];

export const MAX_GROUPS = 1000;

export interface ObservationGroupRow {
  indicatorId: number | null;
  domain: Domain | null;
  divisionId: number | null;
  year: number | null;
  unit: Unit | null;
  measure: string | null;
  count: number;
  sum: number | null;
  avg: number | null;
  min: number | null;
  max: number | null;
  units: Unit[];
}

@ObjectType({ description: 'One group of figures and its aggregates. Key fields not grouped by are null.' })
export class ObservationGroup {
  @Field(() => Int, { nullable: true, description: 'The year, when grouped by YEAR.' })
  year!: number | null;

  @Field(() => DomainEnum, { nullable: true, description: 'The domain, when grouped by DOMAIN.' })
  domain!: Domain | null;

  @Field(() => UnitEnum, { nullable: true, description: 'The unit, when grouped by UNIT.' })
  unit!: Unit | null;

  @Field(() => MeasureEnum, { nullable: true, description: 'The measure, when grouped by MEASURE.' })
  measure!: string | null;

  @Field(() => [UnitEnum], { description: 'The units of the figures in the group; sums and averages need exactly one.' })
  units!: Unit[];

  @Field(() => Int, { description: 'How many figures the group holds.' })
  count!: number;
}

/** A group key: its expression, and its two select-list forms, built once: grouped by (its value) or not (null). */
function groupKey(expression: SQL, alias: string) {
  const as = sql.raw(`"${alias}"`);
  return { expression, selected: sql`${expression} as ${as}`, absent: sql`null as ${as}` };
}

/** Where an aggregate reads figures from, and how it adds them up there. */
interface FigureSource {
  from: SQL;
  groupKeys: Record<ObservationGroupBy, ReturnType<typeof groupKey>>;
  totals: SQL;
}

function figureSource(from: SQL, year: SQL, totals: SQL): FigureSource {
  return {
    from,
    totals,
    groupKeys: {
      [ObservationGroupBy.INDICATOR]: groupKey(col('o', 'indicator_id'), 'indicatorId'),
      [ObservationGroupBy.DOMAIN]: groupKey(col('agg_i', 'domain'), 'domain'),
      [ObservationGroupBy.DIVISION]: groupKey(col('o', 'division_id'), 'divisionId'),
      [ObservationGroupBy.YEAR]: groupKey(year, 'year'),
      [ObservationGroupBy.UNIT]: groupKey(col('o', 'unit'), 'unit'),
      [ObservationGroupBy.MEASURE]: groupKey(col('o', 'measure'), 'measure'),
    },
  };
}

/**
 * The units of a group as a bit set over the unit vocabulary (27 units, so a bigint holds them). bit_or
 * aggregates by hashing; array_agg(distinct unit) made PostgreSQL sort each group's rows first, which took
 * 2.5× as long over an indicator's 5,000 figures.
 */
const unitNames = Object.keys(units) as Unit[];
const unitSet = sql`bit_or(1::bigint << (array_position(${sql.param(unitNames)}::text[], ${col('o', 'unit')}) - 1)) as "units"`;

const value = col('o', 'value');
const everyFigure = figureSource(tableAs(observations, 'o'), sql`extract(year from ${col('o', 'period_end')})::int`,
  sql`count(*)::int as "count", sum(${value}) as "sum", avg(${value}) as "avg", min(${value}) as "min", max(${value}) as "max", ${unitSet}`);

// The yearly totals' own count, sum, minimum and maximum added up again per group.
const [count, sum] = [col('o', 'count'), col('o', 'sum')];
const totalsOfTotals = sql`coalesce(sum(${count}), 0)::int as "count", sum(${sum}) as "sum", sum(${sum}) / sum(${count}) as "avg",
  min(${col('o', 'min')}) as "min", max(${col('o', 'max')}) as "max", ${unitSet}`;

/** drizzle/0008: one row per indicator, area, year and filterable attribute, with count, sum, min, max. */
const yearlyTotals = figureSource(sql`"observation_yearly_totals" as "o"`, col('o', 'year'), totalsOfTotals);

/** drizzle/0010: the same per indicator, year, unit, measure and status only (no area: no DIVISION group). */
const indicatorYearlyTotals = figureSource(sql`"observation_indicator_yearly_totals" as "o"`, col('o', 'year'), totalsOfTotals);

// The filter fields each rollup keeps; any other (search, key, value, periods) needs every figure.
const keptByYearlyTotals = new Set(['indicatorCode', 'domain', 'unit', 'divisionCode', 'facilitySlug', 'programSlug', 'hasFacility', 'hasProgram', 'measure', 'status', 'qualifier', 'conflicting']);
const keptByIndicatorYearlyTotals = new Set(['indicatorCode', 'domain', 'unit', 'measure', 'status']);

function namesOnly(kept: ReadonlySet<string>, filter: ObservationFilter | null | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([field, given]) => {
    if (given == null) return true;
    if (field === 'and' || field === 'or') return (given as ObservationFilter[]).every((part) => namesOnly(kept, part));
    if (field === 'not') return namesOnly(kept, given as ObservationFilter);
    return kept.has(field);
  });
}

/** The smallest source that holds the answer: the coarser rollup, the finer one, or the figures themselves. */
function figureSourceFor(filter: ObservationFilter | null | undefined, groupBy: ObservationGroupBy[]): FigureSource {
  if (!groupBy.includes(ObservationGroupBy.DIVISION) && namesOnly(keptByIndicatorYearlyTotals, filter)) return indicatorYearlyTotals;
  return namesOnly(keptByYearlyTotals, filter) ? yearlyTotals : everyFigure;
}

/** One statement: the groups of the figures the filter selects, in key order. */
export async function aggregateObservations(context: Context, filter: ObservationFilter | null, groupBy: ObservationGroupBy[]): Promise<ObservationGroupRow[]> {
  const distinct = [...new Set(groupBy)];
  const source = figureSourceFor(filter, distinct);
  const references = new References();
  const where = observationConditions(filter, 'o', references);
  const keys = Object.values(ObservationGroupBy).map((by) => (distinct.includes(by) ? source.groupKeys[by].selected : source.groupKeys[by].absent));
  const grouped = distinct.map((by) => source.groupKeys[by].expression);
  // The indicators are joined only for their domain; every other key is the figure's own.
  const rows = await context.db.rows<ObservationGroupRow>(sql`
    select ${sql.join(keys, sql`, `)}, ${source.totals}
    from ${source.from}${distinct.includes(ObservationGroupBy.DOMAIN) ? sql` join ${tableAs(indicators, 'agg_i')} on ${col('agg_i', 'id')} = ${col('o', 'indicator_id')}` : sql``}
    ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
    ${grouped.length ? sql`group by ${sql.join(grouped, sql`, `)} order by ${sql.join(grouped, sql`, `)}` : sql``}
    limit ${MAX_GROUPS + 1}`);
  if (rows.length > MAX_GROUPS) throw badUserInput(`The aggregate has more than ${MAX_GROUPS} groups. Narrow the filter or group by fewer keys.`, { argument: 'groupBy', limit: MAX_GROUPS });
  if (rows.length === 0) await references.assertExist(context);
  // An aggregate over no rows still returns its one group (count 0) when nothing is grouped: SQL's way, kept.
  return rows.map((row) => ({ ...row, units: parseUnits(row.units) }));
}

/** The units whose bits are set, in alphabetical order (int8 comes as text from postgres.js). */
function parseUnits(set: unknown): Unit[] {
  if (set == null) return [];
  const bits = BigInt(set as string | number | bigint);
  return unitNames.filter((_, i) => ((bits >> BigInt(i)) & 1n) === 1n).sort();
}

/** A sum or average across units is no number at all: refuse it, saying how to split the group. */
export function singleUnitValue(group: ObservationGroupRow, field: 'sum' | 'avg' | 'min' | 'max'): number | null {
  if (group.units.length > 1) {
    const units = group.units.map((unit) => unit.toUpperCase()); // as GraphQL names them
    throw badUserInput(`Cannot take the ${field} of figures in different units (${units.join(', ')}). Add UNIT or INDICATOR to groupBy, or filter by unit.`, { argument: 'groupBy', units });
  }
  return group[field] == null ? null : Number(group[field]);
}

