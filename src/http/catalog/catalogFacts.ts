import { sql } from 'drizzle-orm';
import type { Database } from '../../db/connection.js';
import { datasetState as dataState, divisions, facilities, observations, sources } from '../../db/tables/index.js';

/** A source report as the catalog describes it. */
export interface CatalogSource {
  slug: string;
  titleZh: string;
  titleEn: string;
  publisherZh: string | null;
  publisherEn: string | null;
  publishedOn: string | null;
  url: string | null;
  licence: string | null;
}

/** What the catalog record and the page's Dataset block say that is read from the data, not written by hand. */
export interface CatalogFacts {
  dataVersion: number;
  /** When the data last changed (ISO 8601). */
  modified: string;
  /** First and last day any figure is about. */
  temporal: { start: string; end: string } | null;
  /** The top division the data is about (the district), by its code. */
  area: { code: string; nameZh: string; nameEn: string } | null;
  /** WGS 84 bounds of the facilities' locations. */
  bbox: { west: number; south: number; east: number; north: number } | null;
  sources: CatalogSource[];
}

interface FactsRow {
  dataVersion: number;
  modified: string;
  periodStart: string | null;
  periodEnd: string | null;
  west: number | null;
  south: number | null;
  east: number | null;
  north: number | null;
  area: { code: string; nameZh: string; nameEn: string } | null;
  sources: CatalogSource[] | null;
}

/** The live source reports, oldest first: the JSON the catalog's statement builds, and all the answers' attribution needs. */
const sourceReports = sql`(select json_agg(json_build_object('slug', ${sources.slug}, 'titleZh', ${sources.titleZh}, 'titleEn', ${sources.titleEn},
      'publisherZh', ${sources.publisherZh}, 'publisherEn', ${sources.publisherEn}, 'publishedOn', ${sources.publishedOn},
      'url', ${sources.url}, 'licence', ${sources.licence}) order by ${sources.id})
    from ${sources} where ${sources.retiredAt} is null)`;

/**
 * Only the source reports, for the attribution every answer carries: read again after each data change, so
 * it must not scan the figures and facilities the catalog's bounds are computed from (loadCatalogFacts).
 */
export async function loadSourceReports(db: Database): Promise<CatalogSource[]> {
  const [row] = await db.rows<{ sources: CatalogSource[] | null }>(sql`select ${sourceReports} as "sources"`);
  return row?.sources ?? [];
}

/** The facts, in one statement. */
export async function loadCatalogFacts(db: Database): Promise<CatalogFacts> {
  const [row] = await db.rows<FactsRow>(sql`select
      coalesce((select ${dataState.dataVersion} from ${dataState}), 0)::int as "dataVersion",
      to_char(coalesce((select ${dataState.changedAt} from ${dataState}), now()) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "modified",
      (select min(coalesce(${observations.periodStart}, ${observations.periodEnd}))::text from ${observations} where ${observations.retiredAt} is null) as "periodStart",
      (select max(${observations.periodEnd})::text from ${observations} where ${observations.retiredAt} is null) as "periodEnd",
      f.west, f.south, f.east, f.north,
      (select json_build_object('code', ${divisions.code}, 'nameZh', ${divisions.nameZh}, 'nameEn', ${divisions.nameEn}) from ${divisions}
        where ${divisions.parentId} is null and ${divisions.retiredAt} is null order by ${divisions.code} limit 1) as "area",
      ${sourceReports} as "sources"
    from (select min(${facilities.longitude}) as west, min(${facilities.latitude}) as south, max(${facilities.longitude}) as east, max(${facilities.latitude}) as north
      from ${facilities} where ${facilities.retiredAt} is null and ${facilities.longitude} is not null and ${facilities.latitude} is not null) f`);
  const facts = row!;
  return {
    dataVersion: Number(facts.dataVersion),
    modified: facts.modified,
    temporal: facts.periodStart && facts.periodEnd ? { start: facts.periodStart, end: facts.periodEnd } : null,
    area: facts.area,
    bbox:
      facts.west == null || facts.south == null || facts.east == null || facts.north == null
        ? null
        : { west: Number(facts.west), south: Number(facts.south), east: Number(facts.east), north: Number(facts.north) },
    sources: facts.sources ?? [],
  };
}
