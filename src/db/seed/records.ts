import { z } from 'zod';
import { organizationLinkRoles } from '../tables/organizationLinks.js';
import { indicatorKinds } from '../tables/statistics.js';
import {
  divisionLevels,
  domains,
  facilityCategories,
  facilityStatuses,
  measures,
  observationStatuses,
  organizationKinds,
  programFacilityRoles,
  programKinds,
  programStatuses,
  units,
  valueQualifiers,
  valuesOf,
} from '../vocabulary.js';

/** The shape of each seed file's records (seeds/README.md); anything else is rejected before a write. */
const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase ASCII words joined by "-"');
const isoDate = z.iso.date('must be a date written YYYY-MM-DD');
const optionalText = z.string().min(1).nullish();
const requiredText = z.string().trim().min(1, 'must not be empty');

const citation = z.object({ source: slug, quote: requiredText }).strict();

/** An organization's part in one facility or one program, with the sentence of a source that states it. */
const organizationLink = z
  .object({ facility: slug.optional(), program: slug.optional(), role: z.enum(valuesOf(organizationLinkRoles)), source: slug, quote: requiredText })
  .strict()
  .refine((link) => (link.facility === undefined) !== (link.program === undefined), {
    message: 'names exactly one of "facility" and "program"',
    path: ['facility'],
  });

export const sourceRecord = z
  .object({
    slug,
    title_zh: requiredText,
    title_en: requiredText,
    publisher_zh: optionalText,
    publisher_en: optionalText,
    published_on: isoDate.nullish(),
    url: z.url().nullish(),
    licence: optionalText,
    text_file: requiredText,
    note: optionalText,
  })
  .strict();

export const divisionRecord = z
  .object({
    code: z.string().regex(/^\d{6}(\d{3})?(-[a-z0-9]+)?$/, 'must be a GB/T 2260 code (6 digits), 9 digits, or <code>-<pinyin>'),
    level: z.enum(valuesOf(divisionLevels)),
    parent_code: z.string().nullish(),
    name_zh: requiredText,
    name_en: requiredText,
    verified: z.boolean(),
    note: optionalText,
  })
  .strict();

export const organizationRecord = z
  .object({
    slug,
    kind: z.enum(valuesOf(organizationKinds)),
    name_zh: requiredText,
    name_en: requiredText,
    division_code: z.string().nullish(),
    citations: z.array(citation).default([]),
    links: z.array(organizationLink).default([]),
  })
  .strict();

export const facilityRecord = z
  .object({
    slug,
    category: z.enum(valuesOf(facilityCategories)),
    domain: z.enum(valuesOf(domains)),
    status: z.enum(valuesOf(facilityStatuses)),
    name_zh: requiredText,
    name_en: requiredText,
    description_zh: optionalText,
    description_en: optionalText,
    division_code: z.string().nullish(),
    operator_slug: slug.nullish(),
    address_zh: optionalText,
    address_en: optionalText,
    location: z
      .object({ longitude: z.number().min(-180).max(180), latitude: z.number().min(-90).max(90), precision: requiredText })
      .strict()
      .nullish(),
    citations: z.array(citation).min(1, 'needs at least one citation'),
  })
  .strict();

export const programRecord = z
  .object({
    slug,
    domain: z.enum(valuesOf(domains)),
    kind: z.enum(valuesOf(programKinds)),
    status: z.enum(valuesOf(programStatuses)),
    name_zh: requiredText,
    name_en: requiredText,
    description_zh: optionalText,
    description_en: optionalText,
    start_date: isoDate.nullish(),
    end_date: isoDate.nullish(),
    lead_organization_slug: slug.nullish(),
    division_code: z.string().nullish(),
    parent_slug: slug.nullish(),
    facilities: z.array(z.object({ slug, role: z.enum(valuesOf(programFacilityRoles)) }).strict()).default([]),
    citations: z.array(citation).min(1, 'needs at least one citation'),
  })
  .strict()
  .refine((p) => !p.start_date || !p.end_date || p.start_date <= p.end_date, {
    message: 'start_date must not be after end_date',
    path: ['start_date'],
  });

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

export type SourceRecord = z.infer<typeof sourceRecord>;
export type DivisionRecord = z.infer<typeof divisionRecord>;
export type OrganizationRecord = z.infer<typeof organizationRecord>;
export type FacilityRecord = z.infer<typeof facilityRecord>;
export type ProgramRecord = z.infer<typeof programRecord>;
export type IndicatorRecord = z.infer<typeof indicatorRecord>;
export type ObservationRecord = z.infer<typeof observationRecord>;
