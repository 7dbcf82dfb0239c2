import { z } from 'zod';
import { citation, citationRows, citationsField, isoDate, optionalText, requiredText, slug } from '../../db/seed/records.js';
import { seedChildren, seedKind } from '../../db/seed/kind.js';
import { programCitations, programFacilities, programs } from '../../db/tables/index.js';
import { domains, programFacilityRoles, programKinds, programStatuses, valuesOf } from '../../db/vocabulary.js';

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

export type ProgramRecord = z.infer<typeof programRecord>;

/**
 * seeds/programs.json: programs under their parent programs, with their lead organization. A record's
 * `facilities` are the program_facilities links the participation domain serves.
 */
export const programsSeed = seedKind({
  name: 'programs',
  noun: 'program',
  file: 'programs.json',
  record: programRecord,
  key: 'slug',
  parent: 'parent_slug',
  references: (p) => [
    { field: 'lead_organization_slug', kind: 'organizations', key: p.lead_organization_slug },
    { field: 'division_code', kind: 'divisions', key: p.division_code },
    ...p.facilities.map((link, i) => ({ field: `facilities.${i}.slug`, kind: 'facilities', key: link.slug })),
  ],
  citations: (p) => citationsField(p.citations),
  checks: (p) => (p.parent_slug === p.slug ? ['field "parent_slug": a program cannot be its own parent'] : []),
  /** A program belongs to its lead organization and to its domain. */
  scope: (p) => ({ organizations: [p.lead_organization_slug], domains: [p.domain] }),
  table: programs,
  keyColumn: programs.slug,
  rowNeeds: ['organizations', 'divisions'],
  row: (p, ids) => ({
    slug: p.slug,
    domain: p.domain,
    kind: p.kind,
    status: p.status,
    nameZh: p.name_zh,
    nameEn: p.name_en,
    descriptionZh: p.description_zh ?? null,
    descriptionEn: p.description_en ?? null,
    startDate: p.start_date ?? null,
    endDate: p.end_date ?? null,
    leadOrganizationId: ids.of('organizations', p.lead_organization_slug),
    divisionId: ids.of('divisions', p.division_code),
    parentId: ids.of('programs', p.parent_slug),
  }),
  children: [
    seedChildren({
      table: programFacilities,
      parentColumn: programFacilities.programId,
      keyColumns: [programFacilities.programId, programFacilities.facilityId, programFacilities.role],
      rows: (p: ProgramRecord, programId, ids) => p.facilities.map((link) => ({ programId, facilityId: ids.of('facilities', link.slug), role: link.role })),
    }),
    seedChildren({
      table: programCitations,
      parentColumn: programCitations.programId,
      keyColumns: [programCitations.programId, programCitations.position],
      rows: (p: ProgramRecord, programId, ids) => citationRows({ programId }, p.citations, ids),
    }),
  ],
});
