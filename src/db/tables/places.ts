import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { divisionLevels, organizationKinds } from '../vocabulary.js';
import { oneOf, surrogateId, revision } from './columns.js';
import { retiredAt } from './retirement.js';
import { searchBigrams } from './search.js';
import { sources } from './sources.js';

export const divisions = pgTable(
  'divisions',
  {
    id: surrogateId(),
    code: text('code').notNull().unique(),
    level: text('level').notNull(),
    parentId: integer('parent_id'),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    /** Is the code confirmed by a public standard (GB/T 2260, GB/T 10114)? */
    verified: boolean('verified').notNull(),
    note: text('note'),
    retiredAt: retiredAt(),
    revision: revision(),
    searchBigrams: searchBigrams('name_zh', 'name_en'),
  },
  (t) => [
    foreignKey({ name: 'divisions_parent_id_fk', columns: [t.parentId], foreignColumns: [t.id] }),
    check('divisions_level_check', oneOf(t.level, divisionLevels)),
    index('divisions_parent_id_idx').on(t.parentId, t.id),
    index('divisions_level_idx').on(t.level, t.id),
    index('divisions_code_c_idx').on(sql`${t.code} collate "C"`, t.id),
    index('divisions_search_bigrams_idx').using('gin', t.searchBigrams),
  ],
);

export const organizations = pgTable(
  'organizations',
  {
    id: surrogateId(),
    slug: text('slug').notNull().unique(),
    kind: text('kind').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    divisionId: integer('division_id').references(() => divisions.id),
    retiredAt: retiredAt(),
    revision: revision(),
    searchBigrams: searchBigrams('name_zh', 'name_en'),
  },
  (t) => [
    check('organizations_kind_check', oneOf(t.kind, organizationKinds)),
    index('organizations_kind_idx').on(t.kind, t.id),
    index('organizations_division_id_idx').on(t.divisionId, t.id),
    index('organizations_slug_c_idx').on(sql`${t.slug} collate "C"`, t.id),
    index('organizations_search_bigrams_idx').using('gin', t.searchBigrams),
  ],
);

/** The verbatim sentences an organization's record was taken from. */
export const organizationCitations = pgTable(
  'organization_citations',
  {
    organizationId: integer('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    quote: text('quote').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.position] }), index('organization_citations_source_id_idx').on(t.sourceId)],
);
