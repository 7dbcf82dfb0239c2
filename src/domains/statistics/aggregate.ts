import DataLoader from 'dataloader';
import { sql, type SQL } from 'drizzle-orm';
import { Field, Int, ObjectType } from 'type-graphql';
import { divisions, indicators, observations } from '../../db/tables/index.js';
import { liveTableAs } from '../../db/tables/retirement.js';
import { col, tableAs } from '../../db/sqlParts.js';
import { measures, units, valueQualifiers, type Domain, type Measure, type Unit, type ValueQualifier } from '../../db/vocabulary.js';
import type { Context } from '../../graphql/context.js';
import { DomainEnum, graphqlEnum, MeasureEnum, UnitEnum } from '../../graphql/enums.js';
import { badUserInput } from '../../graphql/errors.js';
import { References } from '../../graphql/references.js';
import { divisionById, divisionsBeside } from '../places/queries.js';
import type { DivisionRow } from '../places/types.js';
import { divisionAncestorIdsOf } from '../places/subtree.js';
import { observationConditions } from './queries.js';
import type { ObservationFilter } from './types.js';

/** Group-by for figures: counts, sums, averages, minima and maxima per indicator, domain, division, year, unit. */
export const ObservationGroupBy = graphqlEnum('ObservationGroupBy', 'What figures can be grouped by.', {
  indicator: 'The indicator.',
  domain: "The indicator's domain.",
  division: 'The division the figure is about.',
  year: 'The calendar year the period ends in.',
  unit: 'The unit.',
  measure: 'The measure (level, count, cumulative, change, share).',
});
export type ObservationGroupBy = (typeof ObservationGroupBy)[keyof typeof ObservationGroupBy];

const conflictPolicies = {
  error:
    'Refuse a sum or average over figures the sources contradict, naming them (the default). Choose another policy, or leave them out with `filter: { conflicting: false }`.',
  exclude: 'Leave every contested figure out of sums and averages; the group lists them in `excluded`.',
  lowest: 'Of the figures the sources give for one thing, the lowest enters sums and averages (a conservative total); the others are listed in `excluded`.',
  highest: 'Of the figures the sources give for one thing, the highest enters sums and averages; the others are listed in `excluded`.',
} as const;
export const ConflictPolicy = graphqlEnum(
  'ConflictPolicy',
  'What a sum or average does with figures the sources contradict (`Observation.conflictsWith`): at most one of them ever enters a total.',
  conflictPolicies,
);
export type ConflictPolicy = keyof typeof conflictPolicies;

export const MAX_GROUPS = 1000;
/** How many figures a refusal names before "and N more". */
const NAMED_FIGURES = 6;

/** Levels (stocks) and cumulative totals: a year's value is the latest figure of each series, never their sum. */
const RUNNING: readonly Measure[] = ['level', 'cumulative'];
/** Shares and changes are percentages of something else: they never add up. */
const NEVER_SUMMED: readonly Measure[] = ['share', 'yoy_change'];

/** How a group was asked for: what its figures are re-read with when a rule needs the figures themselves. */
interface GroupScope {
  filter: ObservationFilter | null;
  groupBy: ObservationGroupBy[];
  conflicts: ConflictPolicy;
}

export interface ObservationGroupRow {
  indicatorId: number | null;
  domain: Domain | null;
  divisionId: number | null;
  year: number | null;
  unit: Unit | null;
  measure: Measure | null;
  count: number;
  min: number | null;
  max: number | null;
  units: Unit[];
  measures: Measure[];
  /** The qualifiers of the uncontested figures that enter a total. */
  qualifiers: ValueQualifier[];
  /** Uncontested figures that enter a total, and their sum. */
  entering: number;
  enteringSum: number | null;
  contested: number;
  overlapping: number;
  firstRunningYear: number | null;
  lastRunningYear: number | null;
  /** Figures that may enter a total and have a figure of their indicator at a division containing theirs (somewhere, maybe not in the group). */
  nested: number;
  /** Grouped by DIVISION: the group's division, read in the same statement (null when retired). */
  division?: DivisionRow | null;
  scope: GroupScope;
}

@ObjectType({
  description:
    'One group of figures and its aggregates. Key fields not grouped by are null. `count`, `min` and `max` describe every figure of the group. ' +
    '`sum` and `avg` add only what adds up: flows (COUNT) over their own, disjoint periods; stocks (LEVEL) and running totals (CUMULATIVE) as the latest figure of each ' +
    'series in a year, added across places, never across years; never a cumulative total to a period figure; never shares or changes; of figures the sources ' +
    "contradict, at most one (`conflicts`); never a division's figure to one of the same indicator for a division inside it (a district's beds and a subdistrict's: " +
    "the district's may already count them; flows only where their periods overlap): group by DIVISION, or filter to divisions none of which contains another. " +
    'Otherwise they are refused with a BAD_USER_INPUT naming the figures and saying how to regroup. ' +
    '`qualifier` says how exact the total is.',
})
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

  @Field(() => [MeasureEnum], { description: 'The measures of the figures in the group; sums and averages need exactly one of COUNT, LEVEL, CUMULATIVE.' })
  measures!: Measure[];

  @Field(() => Int, { description: 'How many figures the group holds.' })
  count!: number;

  @Field(() => Int, {
    description:
      'How many figures the sources contradict (`Observation.conflictsWith`); 0 when there is no conflict in the group. What a total does with them is the `conflicts` argument.',
  })
  contested!: number;
}

/** A group key: its expression, and its two select-list forms, built once: grouped by (its value) or not (null). */
function groupKey(expression: SQL, alias: keyof ObservationGroupRow) {
  const as = sql.raw(`"${alias}"`);
  return { expression, alias, selected: sql`${expression} as ${as}`, absent: sql`null as ${as}` };
}

const groupKeys = {
  [ObservationGroupBy.INDICATOR]: groupKey(col('o', 'indicator_id'), 'indicatorId'),
  [ObservationGroupBy.DOMAIN]: groupKey(col('agg_i', 'domain'), 'domain'),
  [ObservationGroupBy.DIVISION]: groupKey(col('o', 'division_id'), 'divisionId'),
  [ObservationGroupBy.YEAR]: groupKey(col('o', 'year'), 'year'),
  [ObservationGroupBy.UNIT]: groupKey(col('o', 'unit'), 'unit'),
  [ObservationGroupBy.MEASURE]: groupKey(col('o', 'measure'), 'measure'),
} satisfies Record<ObservationGroupBy, ReturnType<typeof groupKey>>;

/**
 * Sets over a vocabulary as bits of a bigint: bit_or aggregates by hashing; array_agg(distinct unit) made
 * PostgreSQL sort each group's rows first, which took 2.5× as long over an indicator's 5,000 figures.
 */
function bitSet<T extends string>(names: readonly T[], column: SQL, alias: string, only?: SQL): SQL {
  const bit = sql`1::bigint << (array_position(${sql.param(names)}::text[], ${column}) - 1)`;
  return sql`bit_or(${bit})${only ? sql` filter (where ${only})` : sql``} as ${sql.raw(`"${alias}"`)}`;
}
function parseBitSet<T extends string>(names: readonly T[], set: unknown): T[] {
  if (set == null) return [];
  const key = String(set); // int8 comes as text from postgres.js
  let parsed = parsedBitSets.get(names)?.get(key) as T[] | undefined;
  if (!parsed) {
    const bits = BigInt(key);
    parsed = names.filter((_, i) => ((bits >> BigInt(i)) & 1n) === 1n).sort();
    let ofNames = parsedBitSets.get(names);
    if (!ofNames) parsedBitSets.set(names, (ofNames = new Map()));
    if (ofNames.size >= MAX_PARSED_SETS) ofNames.clear();
    ofNames.set(key, parsed);
  }
  return parsed;
}
/** Sets parsed, by vocabulary: the data holds few distinct sets, but a vocabulary of n names has 2^n, so the memo is bounded. */
const MAX_PARSED_SETS = 1024;
const parsedBitSets = new Map<readonly string[], Map<string, readonly string[]>>();
const unitNames = Object.keys(units) as Unit[];
const measureNames = Object.keys(measures) as Measure[];
const qualifierNames = Object.keys(valueQualifiers) as ValueQualifier[];

/**
 * Where an aggregate reads figures from. Every source has, per row, a group of figures with the same
 * indicator, place, year, unit, measure, qualifier and contestedness: count, sum, min, max; latest_count
 * and latest_sum (those at the latest period end of their series in the year); overlapping (flows whose
 * period overlaps an earlier one of their series); nested (figures with a figure of their indicator at a
 * division containing theirs).
 */
interface FigureSource {
  from: SQL;
  contested: SQL;
  /** The filter is applied inside `from` (the figures themselves), not to the rows it gives. */
  filtered: boolean;
}

const isRunning = sql`${col('o', 'measure')} in ('level', 'cumulative')`;

/** The totals of a group, from the rows of any source (built once for each rollup, which are constants). */
function totals(source: FigureSource): SQL {
  let built = totalsBySource.get(source);
  if (!built) totalsBySource.set(source, (built = totalsOf(source)));
  return built;
}
const totalsBySource = new WeakMap<FigureSource, SQL>();

function totalsOf(source: FigureSource): SQL {
  const [count, sum, measure] = [col('o', 'count'), col('o', 'sum'), col('o', 'measure')];
  const uncontested = sql`not ${source.contested}`;
  const mayEnter = sql`${measure} not in ('share', 'yoy_change') and (not ${isRunning} or ${col('o', 'latest_count')} > 0)`;
  const enters = sql`${uncontested} and ${mayEnter}`;
  return sql.join(
    [
      sql`coalesce(sum(${count}), 0)::int as "count"`,
      sql`min(${col('o', 'min')}) as "min"`,
      sql`max(${col('o', 'max')}) as "max"`,
      bitSet(unitNames, col('o', 'unit'), 'units'),
      bitSet(measureNames, measure, 'measures'),
      bitSet(qualifierNames, col('o', 'qualifier'), 'qualifiers', enters),
      sql`coalesce(sum(case when ${isRunning} then ${col('o', 'latest_count')} else ${count} end) filter (where ${enters}), 0)::int as "entering"`,
      sql`sum(case when ${isRunning} then ${col('o', 'latest_sum')} else ${sum} end) filter (where ${enters}) as "enteringSum"`,
      sql`coalesce(sum(${count}) filter (where ${source.contested}), 0)::int as "contested"`,
      sql`coalesce(sum(${col('o', 'overlapping')}) filter (where ${measure} = 'count'), 0)::int as "overlapping"`,
      sql`min(${col('o', 'year')}) filter (where ${isRunning}) as "firstRunningYear"`,
      sql`max(${col('o', 'year')}) filter (where ${isRunning}) as "lastRunningYear"`,
      sql`coalesce(sum(${col('o', 'nested')}) filter (where ${mayEnter}), 0)::int as "nested"`,
    ],
    sql`, `,
  );
}

/** A figure's series: what a stock or running total is the latest of, and what flows must not overlap within. */
const series = sql.raw(`"indicator_id", "division_id", "facility_id", "program_id", "status", "unit", "measure", "reported_in_domain"`);

/**
 * The figures the filter selects, one row each, with the same facts the rollups keep (drizzle/0012, 0015); whether
 * a figure is nested depends on its indicator and division alone, so it is read from the finer rollup.
 */
function figureFacts(filter: ObservationFilter | null, references: References): SQL {
  const where = observationConditions(filter, 'o', references);
  return sql`(select "o"."key", "o"."value", "o"."qualifier", "o"."conflict_group", "o"."period_start"::text as "period_start", "o"."period_end"::text as "period_end",
      "o"."indicator_id", "o"."division_id", "o"."facility_id", "o"."program_id", "o"."status", "o"."unit", "o"."measure", "o"."reported_in_domain",
      extract(year from "o"."period_end")::int as "year", 1 as "count", "o"."value" as "sum", "o"."value" as "min", "o"."value" as "max",
      ("o"."period_end" = max("o"."period_end") over (partition by ${series}, extract(year from "o"."period_end")))::int as "latest_count",
      case when "o"."period_end" = max("o"."period_end") over (partition by ${series}, extract(year from "o"."period_end")) then "o"."value" end as "latest_sum",
      coalesce("o"."measure" = 'count' and coalesce("o"."period_start", "o"."period_end") <= max("o"."period_end") over (partition by ${series}
        order by coalesce("o"."period_start", "o"."period_end"), "o"."period_end", "o"."id" rows between unbounded preceding and 1 preceding), false)::int as "overlapping",
      coalesce(("o"."indicator_id", "o"."division_id") in (select "indicator_id", "division_id" from "observation_yearly_totals" where "nested" > 0), false)::int as "nested"
    from ${liveTableAs(observations, 'o')}${where.length ? sql` where ${sql.join(where, sql` and `)}` : sql``}) as "o"`;
}

const contestedFigure = sql`${col('o', 'conflict_group')} is not null`;

/** drizzle/0008–0015: one row per indicator, area, year and filterable attribute. */
const yearlyTotals: FigureSource = { from: sql`"observation_yearly_totals" as "o"`, contested: contestedFigure, filtered: false };

/** drizzle/0010–0015: the same per indicator, year, unit, measure, status, qualifier and contestedness only (no area). */
const indicatorYearlyTotals: FigureSource = { from: sql`"observation_indicator_yearly_totals" as "o"`, contested: col('o', 'conflicting'), filtered: false };

// The filter fields each rollup keeps. Only whole series may be filtered on a rollup: its latest figures
// and overlaps are those of whole series, so a filter on qualifier or contestedness (which can split a
// series) needs the figures themselves, like search, key, value and periods.
// A program filter also matches a figure's further programs (observation_programs), which the rollups do not keep.
const keptByYearlyTotals = new Set(['indicatorCode', 'domain', 'unit', 'divisionCode', 'facilitySlug', 'hasFacility', 'hasProgram', 'measure', 'status']);
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
function figureSourceFor(filter: ObservationFilter | null | undefined, groupBy: ObservationGroupBy[], references: References): FigureSource {
  if (!groupBy.includes(ObservationGroupBy.DIVISION) && namesOnly(keptByIndicatorYearlyTotals, filter)) return indicatorYearlyTotals;
  if (namesOnly(keptByYearlyTotals, filter)) return yearlyTotals;
  return { from: figureFacts(filter ?? null, references), contested: contestedFigure, filtered: true };
}

/** The group keys' select list for one groupBy: each key's value, or null when not grouped by it (at most 64 lists, kept). */
function selectedKeys(groupBy: readonly ObservationGroupBy[]): SQL {
  const name = [...groupBy].sort().join(',');
  let list = selectedKeyLists.get(name);
  if (!list) {
    const keys = Object.values(ObservationGroupBy).map((by) => (groupBy.includes(by) ? groupKeys[by].selected : groupKeys[by].absent));
    selectedKeyLists.set(name, (list = sql.join(keys, sql`, `)));
  }
  return list;
}
const selectedKeyLists = new Map<string, SQL>();

const joinDomain = (groupBy: readonly ObservationGroupBy[]) =>
  groupBy.includes(ObservationGroupBy.DOMAIN) ? sql` join ${tableAs(indicators, 'agg_i')} on ${col('agg_i', 'id')} = ${col('o', 'indicator_id')}` : sql``;

/** One statement: the groups of the figures the filter selects, in key order. */
export async function aggregateObservations(
  context: Context,
  filter: ObservationFilter | null,
  groupBy: ObservationGroupBy[],
  conflicts: ConflictPolicy = 'error',
): Promise<ObservationGroupRow[]> {
  const distinct = [...new Set(groupBy)];
  const references = new References();
  const source = figureSourceFor(filter, distinct, references);
  const where = source.filtered ? [] : observationConditions(filter, 'o', references);
  const keys = selectedKeys(distinct);
  const grouped = distinct.map((by) => groupKeys[by].expression);
  // The indicators are joined only for their domain; every other key is the figure's own.
  const groups = sql`
    select ${keys}, ${totals(source)}
    from ${source.from}${joinDomain(distinct)}
    ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
    ${grouped.length ? sql`group by ${sql.join(grouped, sql`, `)} order by ${sql.join(grouped, sql`, `)}` : sql``}
    limit ${MAX_GROUPS + 1}`;
  // Grouped by DIVISION, the groups' divisions are read in the same statement, for their `division` field.
  const byDivision = distinct.includes(ObservationGroupBy.DIVISION);
  const inOrder = distinct.map((by) => col('g', groupKeys[by].alias));
  const rows = await context.db.rows<Record<string, unknown>>(
    byDivision
      ? sql`select "g".*, ${divisionsBeside.columns('agg_d')} from (${groups}) as "g"${divisionsBeside.join('agg_d', col('g', 'divisionId'))}
        order by ${sql.join(inOrder, sql`, `)}`
      : groups,
  );
  if (rows.length > MAX_GROUPS)
    throw badUserInput(`The aggregate has more than ${MAX_GROUPS} groups. Narrow the filter or group by fewer keys.`, {
      argument: 'groupBy',
      limit: MAX_GROUPS,
    });
  if (rows.length === 0) await references.assertExist(context);
  // An aggregate over no rows still returns its one group (count 0) when nothing is grouped: SQL's way, kept.
  const scope: GroupScope = { filter, groupBy: distinct, conflicts };
  // Divisions are looked up by id too (their parents, a division's children): those read here need no statement again.
  const divisionLoader = byDivision ? divisionById(context) : undefined;
  const number = (value: unknown) => (value == null ? null : Number(value));
  return rows.map((row): ObservationGroupRow => {
    const division = divisionLoader ? divisionsBeside.rowOf(row) : undefined;
    if (divisionLoader && row.divisionId != null) divisionLoader.prime(row.divisionId as number, division ?? null);
    return {
      indicatorId: row.indicatorId as number | null,
      domain: row.domain as Domain | null,
      divisionId: row.divisionId as number | null,
      year: row.year as number | null,
      unit: row.unit as Unit | null,
      measure: row.measure as Measure | null,
      count: row.count as number,
      min: number(row.min),
      max: number(row.max),
      units: parseBitSet(unitNames, row.units),
      measures: parseBitSet(measureNames, row.measures),
      qualifiers: parseBitSet(qualifierNames, row.qualifiers),
      entering: row.entering as number,
      enteringSum: number(row.enteringSum),
      contested: row.contested as number,
      overlapping: row.overlapping as number,
      firstRunningYear: row.firstRunningYear as number | null,
      lastRunningYear: row.lastRunningYear as number | null,
      nested: row.nested as number,
      ...(division !== undefined ? { division } : {}),
      scope,
    };
  });
}

/** One figure of a group, with the facts the rules look at. */
export interface GroupFigure {
  key: string;
  value: number;
  qualifier: ValueQualifier;
  conflictGroup: string | null;
  periodStart: string | null;
  periodEnd: string;
  measure: Measure;
  year: number;
  series: string;
  latest: boolean;
  indicatorId: number;
  divisionId: number | null;
  /** Read for the `placed` subset only: the division's code and the ids of the divisions containing it. */
  divisionCode?: string;
  divisionAncestors?: number[];
}

/** The figures of one group themselves (read only when a rule needs them: a refusal, a conflict, an overlap). */
/** Which of a group's figures a rule reads. */
const figureSubsets = {
  all: undefined,
  neverSummed: sql`${col('o', 'measure')} in ('share', 'yoy_change')`,
  flows: sql`${col('o', 'measure')} = 'count'`,
  contested: sql`${col('o', 'conflict_group')} is not null`,
  placed: sql`${col('o', 'division_id')} is not null`,
} satisfies Record<string, SQL | undefined>;
type FigureSubset = keyof typeof figureSubsets;

const MAX_FIGURES_PER_GROUP = 10_000;

/**
 * The figures of a group that a rule reads, for every group of the same aggregate that asks in the same
 * tick in one statement (a DataLoader per aggregate and subset): refusals and contested totals never cost
 * a statement per group.
 */
function figuresOf(context: Context, group: ObservationGroupRow, subset: FigureSubset = 'all'): Promise<GroupFigure[]> {
  let loaders = figureLoaders.get(group.scope);
  if (!loaders) figureLoaders.set(group.scope, (loaders = new Map()));
  let loader = loaders.get(subset);
  if (!loader)
    loaders.set(subset, (loader = new DataLoader((groups: readonly ObservationGroupRow[]) => figuresOfGroups(context, groups, subset), { cache: false })));
  return loader.load(group);
}
const figureLoaders = new WeakMap<GroupScope, Map<FigureSubset, DataLoader<ObservationGroupRow, GroupFigure[]>>>();

async function figuresOfGroups(context: Context, groups: readonly ObservationGroupRow[], subset: FigureSubset): Promise<GroupFigure[][]> {
  const { filter, groupBy } = groups[0]!.scope;
  // A group row holds each key's value under the key's alias.
  const keyValue = (group: ObservationGroupRow, by: ObservationGroupBy): unknown => group[groupKeys[by].alias];
  const inGroup = (group: ObservationGroupRow) => {
    const parts = groupBy.map((by) => {
      const value = keyValue(group, by);
      return value == null ? sql`${groupKeys[by].expression} is null` : sql`${groupKeys[by].expression} = ${value}`;
    });
    return parts.length ? sql`(${sql.join(parts, sql` and `)})` : sql`true`;
  };
  const where = [sql`(${sql.join(groups.map(inGroup), sql` or `)})`];
  const only = figureSubsets[subset];
  if (only) where.push(only);
  const keyColumns = groupBy.map((by, index) => sql`, ${groupKeys[by].expression}::text as ${sql.raw(`"groupKey${index}"`)}`);
  const placeColumns =
    subset === 'placed'
      ? sql`, (select ${divisions.code} from ${divisions} where ${divisions.id} = "o"."division_id") as "divisionCode",
      (select coalesce(array_agg("id"), '{}') from (${divisionAncestorIdsOf(sql`"o"."division_id"`)}) as "ancestors") as "divisionAncestors"`
      : sql``;
  const rows = await context.db.rows<Omit<GroupFigure, 'latest'> & { latest: number } & Record<string, unknown>>(sql`
    select "o"."key", "o"."value", "o"."qualifier", "o"."conflict_group" as "conflictGroup", "o"."period_start" as "periodStart", "o"."period_end" as "periodEnd",
      "o"."measure", "o"."year", concat_ws('|', "o"."indicator_id", "o"."division_id", "o"."facility_id", "o"."program_id", "o"."status", "o"."unit", "o"."measure", "o"."reported_in_domain") as "series",
      "o"."latest_count" as "latest",
      "o"."indicator_id" as "indicatorId", "o"."division_id" as "divisionId"${placeColumns}${sql.join(keyColumns, sql``)}
    from ${figureFacts(filter, new References())}${joinDomain(groupBy)}
    where ${sql.join(where, sql` and `)}
    order by "o"."key" limit ${MAX_FIGURES_PER_GROUP * groups.length}`);
  const tupleOf = (values: unknown[]) => JSON.stringify(values.map((value) => (value == null ? null : String(value))));
  const byTuple = new Map<string, GroupFigure[]>();
  for (const row of rows) {
    const tuple = tupleOf(groupBy.map((_, index) => row[`groupKey${index}`]));
    const figure: GroupFigure = {
      key: row.key,
      value: Number(row.value),
      qualifier: row.qualifier,
      conflictGroup: row.conflictGroup,
      periodStart: row.periodStart,
      periodEnd: row.periodEnd,
      measure: row.measure,
      year: row.year,
      series: row.series,
      latest: Number(row.latest) === 1,
      indicatorId: row.indicatorId,
      divisionId: row.divisionId,
      ...(subset === 'placed' ? { divisionCode: row.divisionCode, divisionAncestors: (row.divisionAncestors ?? []).map(Number) } : {}),
    };
    const list = byTuple.get(tuple);
    if (list) list.push(figure);
    else byTuple.set(tuple, [figure]);
  }
  return groups.map((group) => {
    return (byTuple.get(tupleOf(groupBy.map((by) => keyValue(group, by)))) ?? []).slice(0, MAX_FIGURES_PER_GROUP);
  });
}

/** The keys of the group's contested figures. */
export async function contestedFiguresOf(context: Context, group: ObservationGroupRow): Promise<string[]> {
  return (await figuresOf(context, group, 'contested')).map((f) => f.key);
}

const upper = (name: string) => name.toUpperCase(); // as GraphQL names enum values
const named = (figures: GroupFigure[], describe: (figure: GroupFigure) => string = (f) => `${f.key} (${f.value})`) =>
  figures.slice(0, NAMED_FIGURES).map(describe).join(', ') + (figures.length > NAMED_FIGURES ? ` and ${figures.length - NAMED_FIGURES} more` : '');

/** What a group's sum and average are made of, once the rules have been applied. */
export interface GroupTotal {
  sum: number | null;
  /** How many figures entered the sum. */
  summed: number;
  qualifier: ValueQualifier | null;
  /** Contested figures left out by the conflicts policy. */
  excluded: string[];
}

const totalsOfGroups = new WeakMap<ObservationGroupRow, Promise<GroupTotal>>();

/**
 * The group's total under the rules. When no rule needs the figures themselves (the common case) it is
 * the group row's own, at once; else a promise, memoized per group (sum, avg, qualifier and excluded share it).
 */
export function groupTotal(context: Context, group: ObservationGroupRow): GroupTotal | Promise<GroupTotal> {
  if (!needsFigures(group)) return totalOf(group.entering, group.enteringSum, new Set(group.qualifiers), []);
  let total = totalsOfGroups.get(group);
  if (!total) totalsOfGroups.set(group, (total = ruledTotal(context, group)));
  return total;
}

/** What a field takes from the group's total: at once when the total is, else when it comes. */
export function fromGroupTotal<T>(context: Context, group: ObservationGroupRow, pick: (total: GroupTotal) => T): T | Promise<T> {
  const total = groupTotal(context, group);
  return total instanceof Promise ? total.then(pick) : pick(total);
}

/** Whether a rule must read the group's figures: to name them in a refusal, or to choose among contested ones. */
function needsFigures(group: ObservationGroupRow): boolean {
  return (
    group.measures.some((measure) => NEVER_SUMMED.includes(measure)) ||
    group.measures.length > 1 ||
    (group.firstRunningYear != null && group.firstRunningYear !== group.lastRunningYear) ||
    group.overlapping > 0 ||
    group.contested > 0 ||
    (group.nested > 0 && !group.scope.groupBy.includes(ObservationGroupBy.DIVISION))
  );
}

function totalOf(summed: number, sum: number | null, qualifiers: ReadonlySet<ValueQualifier>, excluded: string[]): GroupTotal {
  return { sum: summed > 0 ? sum : null, summed, qualifier: summed > 0 ? combinedQualifier(qualifiers) : null, excluded };
}

async function ruledTotal(context: Context, group: ObservationGroupRow): Promise<GroupTotal> {
  const never = group.measures.filter((measure) => NEVER_SUMMED.includes(measure));
  if (never.length) {
    const figures = await figuresOf(context, group, 'neverSummed');
    throw refusal(
      `Cannot add up shares or changes (${never.map(upper).join(', ')}): ${named(figures)}. A percentage of one thing does not add to another: ask for count, min or max, ` +
        'or leave them out with filter: { not: { measure: [SHARE, YOY_CHANGE] } }.',
      figures,
    );
  }
  if (group.measures.length > 1) {
    const figures = await figuresOf(context, group);
    const byMeasure = group.measures.map((measure) => `${upper(measure)}: ${named(figures.filter((f) => f.measure === measure))}`);
    throw refusal(
      `Cannot add figures of different measures (${byMeasure.join('; ')}): a cumulative total or a level never adds to a figure of its own period. ` +
        'Add MEASURE (or INDICATOR) to groupBy, or filter by measure.',
      figures,
    );
  }
  if (group.firstRunningYear != null && group.firstRunningYear !== group.lastRunningYear) {
    const figures = (await figuresOf(context, group)).filter((f) => f.latest);
    throw refusal(
      `Cannot add levels or cumulative totals of different years (${group.firstRunningYear}–${group.lastRunningYear}): ` +
        `${named(figures, (f) => `${f.key} (${f.value}, ${f.periodEnd})`)}. A year's value is its latest figure; add YEAR to groupBy or filter periodEnd to one year.`,
      figures,
    );
  }
  if (group.overlapping > 0) {
    const overlaps = overlappingFlows(await figuresOf(context, group, 'flows'));
    if (overlaps.length) {
      throw refusal(
        `Cannot add flows whose periods overlap, they would count twice: ${named(overlaps, (f) => `${f.key} (${f.periodStart ?? '…'}–${f.periodEnd})`)}. ` +
          'Filter them apart (periodOverlaps, key) or group by YEAR.',
        overlaps,
      );
    }
  }
  let { entering: summed, enteringSum: sum } = group;
  const qualifiers = new Set(group.qualifiers);
  const excluded: string[] = [];
  const chosen: GroupFigure[] = [];
  if (group.contested > 0) {
    const contested = (await figuresOf(context, group, 'contested')).filter((f) => !RUNNING.includes(f.measure) || f.latest);
    if (group.scope.conflicts === 'error' && contested.length) {
      throw refusal(
        `The sources contradict each other on ${named(contested, (f) => `${f.key} (${f.value}, conflict ${f.conflictGroup})`)}: ` +
          'a total takes at most one of them. Choose with conflicts: EXCLUDE, LOWEST or HIGHEST, or leave them out with filter: { conflicting: false }.',
        contested,
        'conflicts',
      );
    }
    for (const [, figures] of groupedBy(contested, (f) => f.conflictGroup)) {
      const pick =
        group.scope.conflicts === 'lowest' ? minBy(figures, (f) => f.value) : group.scope.conflicts === 'highest' ? minBy(figures, (f) => -f.value) : null;
      if (pick) {
        summed += 1;
        sum = (sum ?? 0) + pick.value;
        qualifiers.add(pick.qualifier);
        chosen.push(pick);
      }
      excluded.push(...figures.filter((f) => f !== pick).map((f) => f.key));
    }
  }
  // Grouped by DIVISION, a group holds one division's figures: none contains another's.
  if (group.nested > 0 && !group.scope.groupBy.includes(ObservationGroupBy.DIVISION)) {
    const chosenKeys = new Set(chosen.map((f) => f.key));
    const entering = (await figuresOf(context, group, 'placed')).filter(
      (f) => (!RUNNING.includes(f.measure) || f.latest) && (f.conflictGroup == null || chosenKeys.has(f.key)),
    );
    const { nested, containing } = nestedFigures(entering);
    if (nested.length) {
      const outerDivisions = [...new Set(containing.map((f) => f.divisionCode!))];
      throw refusal(
        `Cannot add a division's figure to one of the same indicator for a division inside it, which it may already count: ` +
          `${named(nested, (f) => `${f.key} (${f.value}, ${f.divisionCode})`)}; the figures of ${outerDivisions.join(' and ')} may count the others. ` +
          'Add DIVISION to groupBy, or filter divisionCode to divisions none of which contains another.',
        nested,
      );
    }
  }
  return totalOf(summed, sum, qualifiers, excluded);
}

function groupedBy<T, K>(items: T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function minBy<T>(items: T[], by: (item: T) => number): T | null {
  return items.reduce<T | null>((best, item) => (best == null || by(item) < by(best) ? item : best), null);
}

/** Flows of one series whose periods overlap (a period without a start is the day it ends). */
function overlappingFlows(figures: GroupFigure[]): GroupFigure[] {
  const found = new Set<GroupFigure>();
  for (const [, inSeries] of groupedBy(figures, (f) => f.series)) {
    const ordered = inSeries.sort(
      (a, b) => (a.periodStart ?? a.periodEnd).localeCompare(b.periodStart ?? b.periodEnd) || a.periodEnd.localeCompare(b.periodEnd),
    );
    let reach: GroupFigure | null = null;
    for (const figure of ordered) {
      if (reach && (figure.periodStart ?? figure.periodEnd) <= reach.periodEnd) found.add(reach).add(figure);
      if (!reach || figure.periodEnd > reach.periodEnd) reach = figure;
    }
  }
  return [...found].sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Figures of one indicator where one's division contains the other's: a district's stock and a subdistrict's
 * (the district's may count the subdistrict's), or flows of both whose periods overlap (of disjoint periods,
 * one is not part of the other). Returns them, and the containing figures among them.
 */
function nestedFigures(figures: GroupFigure[]): { nested: GroupFigure[]; containing: GroupFigure[] } {
  const found = new Set<GroupFigure>();
  const containing = new Set<GroupFigure>();
  for (const [, ofIndicator] of groupedBy(figures, (f) => f.indicatorId)) {
    const byDivision = groupedBy(ofIndicator, (f) => f.divisionId!);
    for (const inner of ofIndicator) {
      for (const ancestor of inner.divisionAncestors!) {
        for (const outer of byDivision.get(ancestor) ?? []) {
          if (inner.measure === 'count' && !periodsOverlap(inner, outer)) continue;
          found.add(outer).add(inner);
          containing.add(outer);
        }
      }
    }
  }
  const byKey = (a: GroupFigure, b: GroupFigure) => a.key.localeCompare(b.key);
  return { nested: [...found].sort(byKey), containing: [...containing].sort(byKey) };
}

/** Do two figures' periods share a day (a period without a start is the day it ends)? */
const periodsOverlap = (a: GroupFigure, b: GroupFigure) => (a.periodStart ?? a.periodEnd) <= b.periodEnd && (b.periodStart ?? b.periodEnd) <= a.periodEnd;

/**
 * How exact a total is: exact figures keep it exact; a lower bound (余) makes it AT_LEAST; 近 (close, not
 * above) makes it NEARLY, an upper bound AT_MOST; 约, or bounds both ways, make it APPROXIMATE.
 */
export function combinedQualifier(qualifiers: ReadonlySet<ValueQualifier>): ValueQualifier {
  const below = qualifiers.has('at_least');
  const above = qualifiers.has('nearly') || qualifiers.has('at_most');
  if (qualifiers.has('approximate') || (below && above)) return 'approximate';
  if (below) return 'at_least';
  if (qualifiers.has('at_most')) return 'at_most';
  if (qualifiers.has('nearly')) return 'nearly';
  return 'exact';
}

function refusal(message: string, figures: GroupFigure[], argument = 'groupBy') {
  return badUserInput(message, { argument, figures: figures.slice(0, NAMED_FIGURES).map((f) => f.key) });
}

/** A sum, average, minimum or maximum across units is no number at all: refuse it, saying how to split the group. */
export function assertOneUnit(group: ObservationGroupRow, field: 'sum' | 'avg' | 'min' | 'max'): void {
  if (group.units.length > 1) {
    const units = group.units.map(upper);
    throw badUserInput(`Cannot take the ${field} of figures in different units (${units.join(', ')}). Add UNIT or INDICATOR to groupBy, or filter by unit.`, {
      argument: 'groupBy',
      units,
    });
  }
}
