import { sql } from 'drizzle-orm';
import { check, doublePrecision, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { domains, facilityCategories, facilityStatuses } from '../vocabulary.js';
import { oneOf, surrogateId, revision } from './columns.js';
import { retiredAt } from './retirement.js';
import { searchBigrams } from './search.js';
import { divisions, organizations } from './places.js';
import { sources } from './sources.js';

export const facilities = pgTable(
  'facilities',
  {
    id: surrogateId(),
    slug: text('slug').notNull().unique(),
    category: text('category').notNull(),
    domain: text('domain').notNull(),
    status: text('status').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    descriptionZh: text('description_zh'),
    descriptionEn: text('description_en'),
    divisionId: integer('division_id').references(() => divisions.id),
    operatorId: integer('operator_id').references(() => organizations.id),
    addressZh: text('address_zh'),
    addressEn: text('address_en'),
    /** WGS 84; both or neither. No PostGIS: PGlite lacks it, so geography is plain arithmetic. */
    longitude: doublePrecision('longitude'),
    latitude: doublePrecision('latitude'),
    /** How precise the location is (e.g. "building", "street", "district"). */
    locationPrecision: text('location_precision'),
    retiredAt: retiredAt(),
    revision: revision(),
    searchBigrams: searchBigrams('name_zh', 'name_en', 'description_zh', 'description_en'),
  },
  (t) => [
    check('facilities_category_check', oneOf(t.category, facilityCategories)),
    check('facilities_domain_check', oneOf(t.domain, domains)),
    check('facilities_status_check', oneOf(t.status, facilityStatuses)),
    check('facilities_longitude_check', sql`${t.longitude} between -180 and 180`),
    check('facilities_latitude_check', sql`${t.latitude} between -90 and 90`),
    check(
      'facilities_location_complete_check',
      sql`(${t.longitude} is null) = (${t.latitude} is null) and (${t.longitude} is null or ${t.locationPrecision} is not null)`,
    ),
    index('facilities_category_idx').on(t.category, t.id),
    index('facilities_domain_idx').on(t.domain, t.id),
    index('facilities_status_idx').on(t.status, t.id),
    index('facilities_division_id_idx').on(t.divisionId, t.id),
    index('facilities_operator_id_idx').on(t.operatorId, t.id),
    // Sort indexes in the collation the keyset orders use (src/graphql/relay/keyset.ts).
    index('facilities_slug_c_idx').on(sql`${t.slug} collate "C"`, t.id),
    index('facilities_name_zh_c_idx').on(sql`${t.nameZh} collate "C"`, t.id),
    index('facilities_name_en_c_idx').on(sql`${t.nameEn} collate "C"`, t.id),
    // One category by name (museums A–Z), the classic listing: without it, a page walked the name index
    // and skipped the other categories (p50 doubled from 10k to 100k facilities).
    index('facilities_category_name_zh_c_idx').on(t.category, sql`${t.nameZh} collate "C"`, t.id),
    index('facilities_search_bigrams_idx').using('gin', t.searchBigrams),
    index('facilities_latitude_longitude_idx').on(t.latitude, t.longitude),
  ],
);

/** The verbatim sentences a facility's record was taken from. */
export const facilityCitations = pgTable(
  'facility_citations',
  {
    facilityId: integer('facility_id')
      .notNull()
      .references(() => facilities.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    quote: text('quote').notNull(),
  },
  (t) => [primaryKey({ columns: [t.facilityId, t.position] }), index('facility_citations_source_id_idx').on(t.sourceId)],
);
