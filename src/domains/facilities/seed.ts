import { z } from 'zod';
import { citation, citationRows, citationsField, optionalText, requiredText, slug } from '../../db/seed/records.js';
import { seedChildren, seedKind } from '../../db/seed/kind.js';
import { facilities, facilityCitations } from '../../db/tables/index.js';
import { domains, facilityCategories, facilityStatuses, valuesOf } from '../../db/vocabulary.js';

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

export type FacilityRecord = z.infer<typeof facilityRecord>;

/** seeds/facilities.json: the public service facilities, each in its division, with its operator. */
export const facilitiesSeed = seedKind({
  name: 'facilities',
  noun: 'facility',
  file: 'facilities.json',
  record: facilityRecord,
  key: 'slug',
  references: (f) => [
    { field: 'division_code', kind: 'divisions', key: f.division_code },
    { field: 'operator_slug', kind: 'organizations', key: f.operator_slug },
  ],
  citations: (f) => citationsField(f.citations),
  /** A facility belongs to its operator and to its domain. */
  scope: (f) => ({ organizations: [f.operator_slug], domains: [f.domain] }),
  table: facilities,
  keyColumn: facilities.slug,
  rowNeeds: ['divisions', 'organizations'],
  row: (f, ids) => ({
    slug: f.slug,
    category: f.category,
    domain: f.domain,
    status: f.status,
    nameZh: f.name_zh,
    nameEn: f.name_en,
    descriptionZh: f.description_zh ?? null,
    descriptionEn: f.description_en ?? null,
    divisionId: ids.of('divisions', f.division_code),
    operatorId: ids.of('organizations', f.operator_slug),
    addressZh: f.address_zh ?? null,
    addressEn: f.address_en ?? null,
    longitude: f.location?.longitude ?? null,
    latitude: f.location?.latitude ?? null,
    locationPrecision: f.location?.precision ?? null,
  }),
  children: [
    seedChildren({
      table: facilityCitations,
      parentColumn: facilityCitations.facilityId,
      keyColumns: [facilityCitations.facilityId, facilityCitations.position],
      rows: (f: FacilityRecord, facilityId, ids) => citationRows({ facilityId }, f.citations, ids),
    }),
  ],
});
