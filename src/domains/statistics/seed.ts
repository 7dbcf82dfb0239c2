import { z } from 'zod';
import { citation, isoDate, optionalText, requiredText, slug } from '../../db/seed/records.js';
import { seedChildren, seedKind } from '../../db/seed/kind.js';
import { figureDisagreements } from '../../db/seed/validate.js';
import { indicatorKinds, indicators, measuresOfKind, observationPrograms, observations } from '../../db/tables/index.js';
import { domains, measures, observationStatuses, units, valueQualifiers, valuesOf } from '../../db/vocabulary.js';

export const indicatorRecord = z
  .object({
    code: slug,
    domain: z.enum(valuesOf(domains)),
    unit: z.enum(valuesOf(units)),
    kind: z.enum(valuesOf(indicatorKinds)),
    name_zh: requiredText,
    name_en: requiredText,
    description_zh: optionalText,
    description_en: optionalText,
  })
  .strict();

export const observationRecord = z
  .object({
    key: slug,
    indicator: slug,
    value: z.number().finite(),
    qualifier: z.enum(valuesOf(valueQualifiers)),
    unit: z.enum(valuesOf(units)),
    measure: z.enum(valuesOf(measures)),
    status: z.enum(valuesOf(observationStatuses)),
    period: z
      .object({ start: isoDate.nullish(), end: isoDate, label_zh: optionalText, label_en: optionalText })
      .strict()
      .refine((p) => !p.start || p.start <= p.end, { message: 'start must not be after end', path: ['start'] }),
    division_code: z.string().nullish(),
    facility_slug: slug.nullish(),
    program_slug: slug.nullish(),
    label_zh: requiredText,
    label_en: requiredText,
    citation,
    conflict_group: slug.nullish(),
    reported_in_domain: z.enum(valuesOf(domains)).nullish(),
    other_program_slugs: z.array(slug).default([]),
  })
  .strict();

export type IndicatorRecord = z.infer<typeof indicatorRecord>;
export type ObservationRecord = z.infer<typeof observationRecord>;

/** seeds/indicators.json: what is measured, in which unit, as a stock or a flow. */
export const indicatorsSeed = seedKind({
  name: 'indicators',
  noun: 'indicator',
  file: 'indicators.json',
  record: indicatorRecord,
  key: 'code',
  /** An indicator belongs to its domain (no organization: it is measured across them). */
  scope: (i) => ({ organizations: [], domains: [i.domain] }),
  table: indicators,
  keyColumn: indicators.code,
  row: (i) => ({
    code: i.code,
    domain: i.domain,
    unit: i.unit,
    kind: i.kind,
    nameZh: i.name_zh,
    nameEn: i.name_en,
    descriptionZh: i.description_zh ?? null,
    descriptionEn: i.description_en ?? null,
  }),
});

/** An observation agrees with its indicator: the same unit, and a measure its kind allows. */
function indicatorProblems(o: ObservationRecord, indicator: IndicatorRecord | undefined): string[] {
  if (indicator === undefined) return [`field "indicator": no indicator ${JSON.stringify(o.indicator)} in ${indicatorsSeed.file}`];
  const problems: string[] = [];
  if (indicator.unit !== o.unit) problems.push(`field "unit": ${o.unit} differs from its indicator's unit ${indicator.unit}`);
  const allowed = measuresOfKind[indicator.kind];
  if (!allowed.includes(o.measure)) problems.push(`field "measure": a figure of a ${indicator.kind} indicator is ${allowed.join(' or ')}, not ${o.measure}`);
  return problems;
}

/** seeds/observations.json: the figures, each with the sentence of its source that states it. */
export const observationsSeed = seedKind({
  name: 'observations',
  noun: 'observation',
  file: 'observations.json',
  record: observationRecord,
  key: 'key',
  references: (o) => [
    { field: 'division_code', kind: 'divisions', key: o.division_code },
    { field: 'facility_slug', kind: 'facilities', key: o.facility_slug },
    { field: 'program_slug', kind: 'programs', key: o.program_slug },
    ...o.other_program_slugs.map((other, i) => ({ field: `other_program_slugs.${i}`, kind: 'programs', key: other })),
  ],
  citations: (o) => [{ field: 'citation', citation: o.citation }],
  checks: (o, seeds) => indicatorProblems(o, seeds.byKey(indicatorsSeed, o.indicator)),
  contentChecks: figureDisagreements,
  /** A figure belongs to its indicator's domain and to the domain of the section it is reported in. */
  scope: (o, seeds) => ({ organizations: [], domains: [o.reported_in_domain, seeds.byKey(indicatorsSeed, o.indicator)?.domain] }),
  table: observations,
  keyColumn: observations.key,
  rowNeeds: ['sources', 'indicators', 'divisions', 'facilities', 'programs'],
  row: (o, ids) => ({
    key: o.key,
    indicatorId: ids.of('indicators', o.indicator),
    value: o.value,
    qualifier: o.qualifier,
    unit: o.unit,
    measure: o.measure,
    status: o.status,
    periodStart: o.period.start ?? null,
    periodEnd: o.period.end,
    periodLabelZh: o.period.label_zh ?? null,
    periodLabelEn: o.period.label_en ?? null,
    labelZh: o.label_zh,
    labelEn: o.label_en,
    divisionId: ids.of('divisions', o.division_code),
    facilityId: ids.of('facilities', o.facility_slug),
    programId: ids.of('programs', o.program_slug),
    sourceId: ids.of('sources', o.citation.source),
    quote: o.citation.quote,
    conflictGroup: o.conflict_group ?? null,
    reportedInDomain: o.reported_in_domain ?? null,
  }),
  children: [
    seedChildren({
      table: observationPrograms,
      parentColumn: observationPrograms.observationId,
      keyColumns: [observationPrograms.observationId, observationPrograms.programId],
      rows: (o: ObservationRecord, observationId, ids) => o.other_program_slugs.map((other) => ({ observationId, programId: ids.of('programs', other) })),
    }),
  ],
});
