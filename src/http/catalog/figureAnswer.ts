import { sql } from 'drizzle-orm';
import type { Database } from '../../db/connection.js';
import { indicators, observations, sources } from '../../db/tables/index.js';
import type { Unit, ValueQualifier } from '../../db/vocabulary.js';
import { toGlobalId } from '../../graphql/globalId.js';
import { Language, languageFromHeader } from '../../graphql/language.js';
import { CitationStyle, formatCitation, observationPath, type CitableFigure } from '../../domains/statistics/citation.js';

interface FigureRow {
  key: string;
  value: number;
  qualifier: ValueQualifier;
  unit: Unit;
  measure: string;
  status: string;
  periodStart: string | null;
  periodEnd: string;
  labelZh: string | null;
  labelEn: string | null;
  quote: string;
  indicatorCode: string;
  indicatorNameZh: string;
  indicatorNameEn: string;
  source: CitableFigure['source'] & { slug: string };
  contestedBy: { key: string; value: number; labelZh: string | null; labelEn: string | null }[] | null;
}

/**
 * One figure as its permalink answers it (GET /v1/observations/<key>): the figure, its source and quote,
 * the figures contradicting it, and its citation in every style. One statement.
 */
export async function figureAnswer(db: Database, key: string, baseUrl: string, acceptLanguage: string | undefined) {
  const o = observations;
  const [row] = await db.rows<FigureRow>(sql`select ${o.key} as "key", ${o.value} as "value", ${o.qualifier} as "qualifier", ${o.unit} as "unit",
      ${o.measure} as "measure", ${o.status} as "status", ${o.periodStart}::text as "periodStart", ${o.periodEnd}::text as "periodEnd",
      ${o.labelZh} as "labelZh", ${o.labelEn} as "labelEn", ${o.quote} as "quote",
      ${indicators.code} as "indicatorCode", ${indicators.nameZh} as "indicatorNameZh", ${indicators.nameEn} as "indicatorNameEn",
      json_build_object('slug', ${sources.slug}, 'titleZh', ${sources.titleZh}, 'titleEn', ${sources.titleEn}, 'publisherZh', ${sources.publisherZh},
        'publisherEn', ${sources.publisherEn}, 'publishedOn', ${sources.publishedOn}, 'url', ${sources.url}) as "source",
      (select json_agg(json_build_object('key', other.key, 'value', other.value, 'labelZh', other.label_zh, 'labelEn', other.label_en) order by other.key)
        from ${observations} other where other.conflict_group = ${o.conflictGroup} and other.key <> ${o.key} and other.retired_at is null) as "contestedBy"
    from ${observations} join ${indicators} on ${indicators.id} = ${o.indicatorId} join ${sources} on ${sources.id} = ${o.sourceId}
    where ${o.key} = ${key} and ${o.retiredAt} is null`);
  if (!row) return undefined;
  const language = languageFromHeader(acceptLanguage);
  const permalink = `${baseUrl}${observationPath(row.key)}`;
  const contested = row.contestedBy ?? [];
  const figure: CitableFigure = {
    ...row,
    value: Number(row.value),
    indicator: { nameZh: row.indicatorNameZh, nameEn: row.indicatorNameEn },
    permalink,
    contestedBy: contested.map((other) => ({
      label: (language === Language.EN ? (other.labelEn ?? other.labelZh) : other.labelZh) ?? String(other.value),
      permalink: `${baseUrl}${observationPath(other.key)}`,
    })),
  };
  const today = new Date().toISOString().slice(0, 10);
  return {
    id: toGlobalId('Observation', row.key),
    key: row.key,
    permalink,
    indicator: { code: row.indicatorCode, name: language === Language.EN ? row.indicatorNameEn : row.indicatorNameZh },
    value: figure.value,
    qualifier: row.qualifier,
    unit: row.unit,
    measure: row.measure,
    status: row.status,
    period: { start: row.periodStart, end: row.periodEnd },
    label: language === Language.EN ? (row.labelEn ?? row.labelZh) : row.labelZh,
    source: { slug: row.source.slug, title: language === Language.EN ? row.source.titleEn : row.source.titleZh, quote: row.quote },
    conflictsWith: contested.map((other) => ({ key: other.key, value: Number(other.value), permalink: `${baseUrl}${observationPath(other.key)}` })),
    citation: Object.fromEntries(Object.values(CitationStyle).map((style) => [style, formatCitation(figure, style, language, today)])),
  };
}
