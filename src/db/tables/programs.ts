import { sql } from 'drizzle-orm';
import { check, date, foreignKey, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { domains, programFacilityRoles, programKinds, programStatuses } from '../vocabulary.js';
import { oneOf, surrogateId, revision } from './columns.js';
import { retiredAt } from './retirement.js';
import { searchBigrams } from './search.js';
import { facilities } from './facilities.js';
import { divisions, organizations } from './places.js';
import { sources } from './sources.js';

export const programs = pgTable(
  'programs',
  {
    id: surrogateId(),
    slug: text('slug').notNull().unique(),
    domain: text('domain').notNull(),
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    descriptionZh: text('description_zh'),
    descriptionEn: text('description_en'),
    startDate: date('start_date', { mode: 'string' }),
    endDate: date('end_date', { mode: 'string' }),
    leadOrganizationId: integer('lead_organization_id').references(() => organizations.id),
    /** Where the program takes place, when a source ties it to one division (a community event). */
    divisionId: integer('division_id').references(() => divisions.id),
    parentId: integer('parent_id'),
    retiredAt: retiredAt(),
    revision: revision(),
    searchBigrams: searchBigrams('name_zh', 'name_en', 'description_zh', 'description_en'),
  },
  (t) => [
    foreignKey({ name: 'programs_parent_id_fk', columns: [t.parentId], foreignColumns: [t.id] }),
    check('programs_domain_check', oneOf(t.domain, domains)),
    check('programs_kind_check', oneOf(t.kind, programKinds)),
    check('programs_status_check', oneOf(t.status, programStatuses)),
    check('programs_dates_check', sql`${t.startDate} <= ${t.endDate}`),
    check('programs_not_own_parent_check', sql`${t.parentId} <> ${t.id}`),
    index('programs_domain_idx').on(t.domain, t.id),
    index('programs_kind_idx').on(t.kind, t.id),
    index('programs_status_idx').on(t.status, t.id),
    index('programs_lead_organization_id_idx').on(t.leadOrganizationId, t.id),
    index('programs_parent_id_idx').on(t.parentId, t.id),
    index('programs_division_id_idx').on(t.divisionId, t.id),
    index('programs_start_date_idx').on(t.startDate, t.id),
    // Sort indexes in the collation the keyset orders use (src/graphql/relay/keyset.ts).
    index('programs_slug_c_idx').on(sql`${t.slug} collate "C"`, t.id),
    index('programs_name_zh_c_idx').on(sql`${t.nameZh} collate "C"`, t.id),
    index('programs_name_en_c_idx').on(sql`${t.nameEn} collate "C"`, t.id),
    index('programs_search_bigrams_idx').using('gin', t.searchBigrams),
    index('programs_start_date_nulls_last_idx').on(sql`coalesce(${t.startDate}, 'infinity'::date)`, t.id),
  ],
);

/** Which facilities take part in a program, and how (lead, member, venue, provider, beneficiary). */
export const programFacilities = pgTable(
  'program_facilities',
  {
    programId: integer('program_id')
      .notNull()
      .references(() => programs.id, { onDelete: 'cascade' }),
    facilityId: integer('facility_id')
      .notNull()
      .references(() => facilities.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.facilityId, t.role] }),
    check('program_facilities_role_check', oneOf(t.role, programFacilityRoles)),
    index('program_facilities_facility_id_idx').on(t.facilityId, t.programId),
  ],
);

/** The verbatim sentences a program's record was taken from. */
export const programCitations = pgTable(
  'program_citations',
  {
    programId: integer('program_id')
      .notNull()
      .references(() => programs.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    quote: text('quote').notNull(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.position] }), index('program_citations_source_id_idx').on(t.sourceId)],
);
