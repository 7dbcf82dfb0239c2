import { sql } from 'drizzle-orm';
import { check, date, doublePrecision, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { domains, measures, observationStatuses, units, valueQualifiers } from '../vocabulary.js';
import { oneOf, surrogateId, revision } from './columns.js';
import { retiredAt } from './retirement.js';
import { searchBigrams } from './search.js';
import { facilities } from './facilities.js';
import { divisions } from './places.js';
import { programs } from './programs.js';
import { sources } from './sources.js';

/**
 * What kind of quantity an indicator is, which decides what may be added up (src/domains/statistics/aggregate.ts).
 * Each figure's `measure` agrees with its indicator's kind: a stock's figures are levels, a flow's are counts in
 * their own period or cumulative totals from an earlier start, a ratio's are shares, a change's year-on-year changes.
 */
export const indicatorKinds = {
  stock: 'A level at a date (institutions, beds, residents): adds up across places at one date, never across dates.',
  flow: 'An amount over a period (events held, people served, money paid): adds up over disjoint periods; a cumulative figure (from an earlier start) never adds to a period figure.',
  ratio: 'A share or rate, in percent: never added up.',
  change: 'A change against an earlier period, in percent: never added up.',
} as const;
export type IndicatorKind = keyof typeof indicatorKinds;

/** The measures a figure of each kind of indicator may have. */
export const measuresOfKind: Record<IndicatorKind, readonly (keyof typeof measures)[]> = {
  stock: ['level'],
  flow: ['count', 'cumulative'],
  ratio: ['share'],
  change: ['yoy_change'],
};

/** What is measured (SDMX: the concept), e.g. "new primary and secondary school places". */
export const indicators = pgTable(
  'indicators',
  {
    id: surrogateId(),
    code: text('code').notNull().unique(),
    domain: text('domain').notNull(),
    unit: text('unit').notNull(),
    kind: text('kind').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    descriptionZh: text('description_zh'),
    descriptionEn: text('description_en'),
    retiredAt: retiredAt(),
    revision: revision(),
    searchBigrams: searchBigrams('name_zh', 'name_en', 'description_zh', 'description_en'),
  },
  (t) => [
    check('indicators_domain_check', oneOf(t.domain, domains)),
    check('indicators_unit_check', oneOf(t.unit, units)),
    check('indicators_kind_check', oneOf(t.kind, indicatorKinds)),
    index('indicators_domain_idx').on(t.domain, t.id),
    index('indicators_code_c_idx').on(sql`${t.code} collate "C"`, t.id),
    index('indicators_unit_idx').on(t.unit, t.id),
    index('indicators_search_bigrams_idx').using('gin', t.searchBigrams),
  ],
);

/** One figure: indicator × area × period → value, with its attributes and the sentence it came from. */
export const observations = pgTable(
  'observations',
  {
    id: surrogateId(),
    /** Stable natural key; the public ID is built from it. */
    key: text('key').notNull().unique(),
    indicatorId: integer('indicator_id')
      .notNull()
      .references(() => indicators.id),
    value: doublePrecision('value').notNull(),
    qualifier: text('qualifier').notNull(),
    unit: text('unit').notNull(),
    measure: text('measure').notNull(),
    status: text('status').notNull(),
    periodStart: date('period_start', { mode: 'string' }),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    periodLabelZh: text('period_label_zh'),
    periodLabelEn: text('period_label_en'),
    labelZh: text('label_zh'),
    labelEn: text('label_en'),
    divisionId: integer('division_id').references(() => divisions.id),
    facilityId: integer('facility_id').references(() => facilities.id),
    programId: integer('program_id').references(() => programs.id),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    quote: text('quote').notNull(),
    /** Observations sharing a conflict group state different values for the same thing. */
    conflictGroup: text('conflict_group'),
    /** The domain of the source section the figure is stated in, where that is not its indicator's domain. */
    reportedInDomain: text('reported_in_domain'),
    retiredAt: retiredAt(),
    revision: revision(),
    searchBigrams: searchBigrams('label_zh', 'label_en', 'quote'),
  },
  (t) => [
    check('observations_qualifier_check', oneOf(t.qualifier, valueQualifiers)),
    check('observations_unit_check', oneOf(t.unit, units)),
    check('observations_measure_check', oneOf(t.measure, measures)),
    check('observations_status_check', oneOf(t.status, observationStatuses)),
    check('observations_reported_in_domain_check', oneOf(t.reportedInDomain, domains)),
    check('observations_period_check', sql`${t.periodStart} <= ${t.periodEnd}`),
    // Also INCLUDE (value, unit), for aggregates read from the index alone: drizzle/0007 (Drizzle has no INCLUDE).
    index('observations_indicator_id_idx').on(t.indicatorId, t.periodEnd, t.id),
    index('observations_division_id_idx').on(t.divisionId, t.periodEnd, t.id),
    index('observations_facility_id_idx').on(t.facilityId, t.id),
    index('observations_program_id_idx').on(t.programId, t.id),
    index('observations_source_id_idx').on(t.sourceId),
    index('observations_period_end_idx').on(t.periodEnd, t.id),
    index('observations_value_idx').on(t.value, t.id),
    index('observations_conflict_group_idx').on(t.conflictGroup),
    index('observations_measure_idx').on(t.measure, t.id),
    index('observations_status_idx').on(t.status, t.id),
    index('observations_key_c_idx').on(sql`${t.key} collate "C"`, t.id),
    index('observations_search_bigrams_idx').using('gin', t.searchBigrams),
  ],
);

/**
 * Further programs a figure is about, beyond `observations.program_id`: one sentence can give one figure for two
 * programs ("深入开展家庭养老床位建设试点及特殊困难老年人家庭适老化改造，完成改造100户").
 */
export const observationPrograms = pgTable(
  'observation_programs',
  {
    observationId: integer('observation_id')
      .notNull()
      .references(() => observations.id, { onDelete: 'cascade' }),
    programId: integer('program_id')
      .notNull()
      .references(() => programs.id),
  },
  (t) => [primaryKey({ columns: [t.observationId, t.programId] }), index('observation_programs_program_idx').on(t.programId, t.observationId)],
);
