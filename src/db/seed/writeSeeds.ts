import type { Database } from '../connection.js';
import { write } from '../write.js';
import {
  divisions,
  facilities,
  facilityCitations,
  indicators,
  observationPrograms,
  observations,
  organizationCitations,
  organizationLinks,
  organizations,
  programCitations,
  programFacilities,
  programs,
  sources,
} from '../tables/index.js';
import type { SeedDataset } from './readSeeds.js';
import { retireAbsent, syncChildren, upsertByKey } from './upsert.js';

/** Orders records so that every parent comes before its children (divisions, programs). */
function parentsFirst<T>(records: T[], keyOf: (r: T) => string, parentOf: (r: T) => string | null | undefined): T[][] {
  const levels: T[][] = [];
  const placed = new Set<string>();
  let rest = records;
  while (rest.length) {
    const ready = rest.filter((r) => {
      const p = parentOf(r);
      return p == null || placed.has(p);
    });
    if (ready.length === 0) throw new Error('parent chain does not resolve'); // readSeeds rejects cycles first
    ready.forEach((r) => placed.add(keyOf(r)));
    levels.push(ready);
    rest = rest.filter((r) => !ready.includes(r));
  }
  return levels;
}

const lookup = (ids: Map<string, number>, key: string | null | undefined) => (key == null ? null : ids.get(key)!);

/**
 * Writes a validated dataset in one transaction: all of it or nothing. A record no longer in its file is
 * retired (src/db/tables/retirement.ts); one put back is live again. Returns how many rows changed; the
 * data version is bumped, once, only when something did.
 */
export async function writeSeeds(database: Database, dataset: SeedDataset): Promise<{ changed: number }> {
  const { changed } = await write(database, async (tx) => {
    let changed = 0;
    const sourceIds = await upsertByKey(
      tx,
      sources,
      sources.slug,
      dataset.sources.map((s) => ({
        slug: s.slug,
        titleZh: s.title_zh,
        titleEn: s.title_en,
        publisherZh: s.publisher_zh ?? null,
        publisherEn: s.publisher_en ?? null,
        publishedOn: s.published_on ?? null,
        url: s.url ?? null,
        licence: s.licence ?? null,
        note: s.note ?? null,
      })),
    );
    changed += sourceIds.changed;

    const divisionIds = new Map<string, number>();
    for (const level of parentsFirst(
      dataset.divisions,
      (d) => d.code,
      (d) => d.parent_code,
    )) {
      const result = await upsertByKey(
        tx,
        divisions,
        divisions.code,
        level.map((d) => ({
          code: d.code,
          level: d.level,
          parentId: lookup(divisionIds, d.parent_code),
          nameZh: d.name_zh,
          nameEn: d.name_en,
          verified: d.verified,
          note: d.note ?? null,
        })),
      );
      result.ids.forEach((id, key) => divisionIds.set(key, id));
      changed += result.changed;
    }

    const organizationIds = await upsertByKey(
      tx,
      organizations,
      organizations.slug,
      dataset.organizations.map((o) => ({
        slug: o.slug,
        kind: o.kind,
        nameZh: o.name_zh,
        nameEn: o.name_en,
        divisionId: lookup(divisionIds, o.division_code),
      })),
    );
    changed += organizationIds.changed;
    changed += await syncChildren(
      tx,
      organizationCitations,
      organizationCitations.organizationId,
      [...organizationIds.ids.values()],
      [organizationCitations.organizationId, organizationCitations.position],
      dataset.organizations.flatMap((o) =>
        o.citations.map((c, position) => ({
          organizationId: organizationIds.ids.get(o.slug)!,
          position,
          sourceId: sourceIds.ids.get(c.source)!,
          quote: c.quote,
        })),
      ),
    );

    const facilityIds = await upsertByKey(
      tx,
      facilities,
      facilities.slug,
      dataset.facilities.map((f) => ({
        slug: f.slug,
        category: f.category,
        domain: f.domain,
        status: f.status,
        nameZh: f.name_zh,
        nameEn: f.name_en,
        descriptionZh: f.description_zh ?? null,
        descriptionEn: f.description_en ?? null,
        divisionId: lookup(divisionIds, f.division_code),
        operatorId: lookup(organizationIds.ids, f.operator_slug),
        addressZh: f.address_zh ?? null,
        addressEn: f.address_en ?? null,
        longitude: f.location?.longitude ?? null,
        latitude: f.location?.latitude ?? null,
        locationPrecision: f.location?.precision ?? null,
      })),
    );
    changed += facilityIds.changed;
    changed += await syncChildren(
      tx,
      facilityCitations,
      facilityCitations.facilityId,
      [...facilityIds.ids.values()],
      [facilityCitations.facilityId, facilityCitations.position],
      dataset.facilities.flatMap((f) =>
        f.citations.map((c, position) => ({
          facilityId: facilityIds.ids.get(f.slug)!,
          position,
          sourceId: sourceIds.ids.get(c.source)!,
          quote: c.quote,
        })),
      ),
    );

    const programIds = new Map<string, number>();
    for (const level of parentsFirst(
      dataset.programs,
      (p) => p.slug,
      (p) => p.parent_slug,
    )) {
      const result = await upsertByKey(
        tx,
        programs,
        programs.slug,
        level.map((p) => ({
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
          leadOrganizationId: lookup(organizationIds.ids, p.lead_organization_slug),
          divisionId: lookup(divisionIds, p.division_code),
          parentId: lookup(programIds, p.parent_slug),
        })),
      );
      result.ids.forEach((id, key) => programIds.set(key, id));
      changed += result.changed;
    }
    changed += await syncChildren(
      tx,
      programFacilities,
      programFacilities.programId,
      [...programIds.values()],
      [programFacilities.programId, programFacilities.facilityId, programFacilities.role],
      dataset.programs.flatMap((p) =>
        p.facilities.map((link) => ({
          programId: programIds.get(p.slug)!,
          facilityId: facilityIds.ids.get(link.slug)!,
          role: link.role,
        })),
      ),
    );
    changed += await syncChildren(
      tx,
      programCitations,
      programCitations.programId,
      [...programIds.values()],
      [programCitations.programId, programCitations.position],
      dataset.programs.flatMap((p) =>
        p.citations.map((c, position) => ({
          programId: programIds.get(p.slug)!,
          position,
          sourceId: sourceIds.ids.get(c.source)!,
          quote: c.quote,
        })),
      ),
    );

    // After facilities and programs, whose ids the links need.
    changed += await syncChildren(
      tx,
      organizationLinks,
      organizationLinks.organizationId,
      [...organizationIds.ids.values()],
      [organizationLinks.organizationId, organizationLinks.position],
      dataset.organizations.flatMap((o) =>
        o.links.map((link, position) => ({
          organizationId: organizationIds.ids.get(o.slug)!,
          position,
          facilityId: lookup(facilityIds.ids, link.facility),
          programId: lookup(programIds, link.program),
          role: link.role,
          sourceId: sourceIds.ids.get(link.source)!,
          quote: link.quote,
        })),
      ),
    );

    const indicatorIds = await upsertByKey(
      tx,
      indicators,
      indicators.code,
      dataset.indicators.map((i) => ({
        code: i.code,
        domain: i.domain,
        unit: i.unit,
        kind: i.kind,
        nameZh: i.name_zh,
        nameEn: i.name_en,
        descriptionZh: i.description_zh ?? null,
        descriptionEn: i.description_en ?? null,
      })),
    );
    changed += indicatorIds.changed;

    const observationIds = await upsertByKey(
      tx,
      observations,
      observations.key,
      dataset.observations.map((o) => ({
        key: o.key,
        indicatorId: indicatorIds.ids.get(o.indicator)!,
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
        divisionId: lookup(divisionIds, o.division_code),
        facilityId: lookup(facilityIds.ids, o.facility_slug),
        programId: lookup(programIds, o.program_slug),
        sourceId: sourceIds.ids.get(o.citation.source)!,
        quote: o.citation.quote,
        conflictGroup: o.conflict_group ?? null,
        reportedInDomain: o.reported_in_domain ?? null,
      })),
    );
    changed += observationIds.changed;
    changed += await syncChildren(
      tx,
      observationPrograms,
      observationPrograms.observationId,
      [...observationIds.ids.values()],
      [observationPrograms.observationId, observationPrograms.programId],
      dataset.observations.flatMap((o) =>
        o.other_program_slugs.map((slug) => ({ observationId: observationIds.ids.get(o.key)!, programId: programIds.get(slug)! })),
      ),
    );

    // Records no longer in their files are retired (after the upserts, which make restored ones live again).
    changed += await retireAbsent(
      tx,
      observations,
      observations.key,
      dataset.observations.map((o) => o.key),
    );
    changed += await retireAbsent(
      tx,
      indicators,
      indicators.code,
      dataset.indicators.map((i) => i.code),
    );
    changed += await retireAbsent(
      tx,
      programs,
      programs.slug,
      dataset.programs.map((p) => p.slug),
    );
    changed += await retireAbsent(
      tx,
      facilities,
      facilities.slug,
      dataset.facilities.map((f) => f.slug),
    );
    changed += await retireAbsent(
      tx,
      organizations,
      organizations.slug,
      dataset.organizations.map((o) => o.slug),
    );
    changed += await retireAbsent(
      tx,
      divisions,
      divisions.code,
      dataset.divisions.map((d) => d.code),
    );
    changed += await retireAbsent(
      tx,
      sources,
      sources.slug,
      dataset.sources.map((s) => s.slug),
    );

    return { changed, value: undefined };
  });
  return { changed };
}
