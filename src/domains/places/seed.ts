import { z } from 'zod';
import { citation, citationRows, citationsField, optionalText, requiredText, slug } from '../../db/seed/records.js';
import { seedChildren, seedKind } from '../../db/seed/kind.js';
import { divisions, organizationCitations, organizationLinkRoles, organizationLinks, organizations } from '../../db/tables/index.js';
import { divisionLevels, organizationKinds, valuesOf } from '../../db/vocabulary.js';

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

/** An organization's part in one facility or one program, with the sentence of a source that states it. */
const organizationLink = z
  .object({ facility: slug.optional(), program: slug.optional(), role: z.enum(valuesOf(organizationLinkRoles)), source: slug, quote: requiredText })
  .strict()
  .refine((link) => (link.facility === undefined) !== (link.program === undefined), {
    message: 'names exactly one of "facility" and "program"',
    path: ['facility'],
  });

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

export type DivisionRecord = z.infer<typeof divisionRecord>;
export type OrganizationRecord = z.infer<typeof organizationRecord>;

/** seeds/divisions.json: the district, its streets and communities, each under its parent. No scope: admins edit them. */
export const divisionsSeed = seedKind({
  name: 'divisions',
  noun: 'division',
  file: 'divisions.json',
  record: divisionRecord,
  key: 'code',
  parent: 'parent_code',
  table: divisions,
  keyColumn: divisions.code,
  row: (d, ids) => ({
    code: d.code,
    level: d.level,
    parentId: ids.of('divisions', d.parent_code),
    nameZh: d.name_zh,
    nameEn: d.name_en,
    verified: d.verified,
    note: d.note ?? null,
  }),
});

/** The target of a link, as its duplicate check names it: "facility ganghua-theatre as brought_in". */
const linkTarget = (link: OrganizationRecord['links'][number]) => `${link.facility ? 'facility' : 'program'} ${link.facility ?? link.program} as ${link.role}`;

/** seeds/organizations.json: departments and operators, with their parts in facilities and programs (links). */
export const organizationsSeed = seedKind({
  name: 'organizations',
  noun: 'organization',
  file: 'organizations.json',
  record: organizationRecord,
  key: 'slug',
  references: (o) => [
    { field: 'division_code', kind: 'divisions', key: o.division_code },
    ...o.links.flatMap((link, i) => [
      { field: `links.${i}.facility`, kind: 'facilities', key: link.facility },
      { field: `links.${i}.program`, kind: 'programs', key: link.program },
    ]),
  ],
  citations: (o) => [...citationsField(o.citations), ...o.links.map((link, i) => ({ field: `links.${i}`, citation: link }))],
  checks: (o) => {
    const seen = new Set<string>();
    return o.links.flatMap((link, i) => {
      const target = linkTarget(link);
      const twice = seen.has(target);
      seen.add(target);
      return twice ? [`field "links.${i}": links the ${target} twice`] : [];
    });
  },
  /** An organization's record is its own (no domain: a department spans several). */
  scope: (o) => ({ organizations: [o.slug], domains: [] }),
  table: organizations,
  keyColumn: organizations.slug,
  rowNeeds: ['divisions'],
  row: (o, ids) => ({ slug: o.slug, kind: o.kind, nameZh: o.name_zh, nameEn: o.name_en, divisionId: ids.of('divisions', o.division_code) }),
  children: [
    seedChildren({
      table: organizationCitations,
      parentColumn: organizationCitations.organizationId,
      keyColumns: [organizationCitations.organizationId, organizationCitations.position],
      rows: (o: OrganizationRecord, organizationId, ids) => citationRows({ organizationId }, o.citations, ids),
    }),
    seedChildren({
      table: organizationLinks,
      parentColumn: organizationLinks.organizationId,
      keyColumns: [organizationLinks.organizationId, organizationLinks.position],
      rows: (o: OrganizationRecord, organizationId, ids) =>
        o.links.map((link, position) => ({
          organizationId,
          position,
          facilityId: ids.of('facilities', link.facility),
          programId: ids.of('programs', link.program),
          role: link.role,
          sourceId: ids.of('sources', link.source),
          quote: link.quote,
        })),
    }),
  ],
});
