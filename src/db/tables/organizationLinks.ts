import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { oneOf } from './columns.js';
import { facilities } from './facilities.js';
import { organizations } from './places.js';
import { programs } from './programs.js';
import { sources } from './sources.js';

/**
 * The parts a source gives an organization in a facility or program beyond operating it
 * (`facilities.operator_id`) or leading it (`programs.lead_organization_id`): only the relations the
 * report actually states (seeds/DATA.md, "Organizations and their links").
 */
export const organizationLinkRoles = {
  organizer: 'It organises (主办) the program together with the lead organization.',
  host_platform: 'The program runs on its platform (an online audio library opened on its app).',
  brought_in: 'It was brought in (引进) to the facility or program, to launch or run it.',
  spokesperson: "An official of it speaks for the program's work in the source.",
  photo_credit: "It supplied the source's photograph of the facility or program (供图); the source says nothing more of its part.",
} as const;
export type OrganizationLinkRole = keyof typeof organizationLinkRoles;

/** An organization's part in one facility or one program, with the sentence of the source that states it. */
export const organizationLinks = pgTable(
  'organization_links',
  {
    organizationId: integer('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    facilityId: integer('facility_id').references(() => facilities.id, { onDelete: 'cascade' }),
    programId: integer('program_id').references(() => programs.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    quote: text('quote').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.position] }),
    check('organization_links_role_check', oneOf(t.role, organizationLinkRoles)),
    check('organization_links_one_target_check', sql`(${t.facilityId} is null) <> (${t.programId} is null)`),
    index('organization_links_facility_id_idx').on(t.facilityId),
    index('organization_links_program_id_idx').on(t.programId),
    index('organization_links_source_id_idx').on(t.sourceId),
  ],
);
