import { registerEnumType } from 'type-graphql';
import type { Unit, ValueQualifier } from '../../db/vocabulary.js';
import { Language } from '../../graphql/language.js';

/** How a figure is cited. */
export enum CitationStyle {
  GB_T_7714 = 'GB_T_7714',
  APA = 'APA',
  PLAIN = 'PLAIN',
}

registerEnumType(CitationStyle, {
  name: 'CitationStyle',
  description: 'A citation style for a figure.',
  valuesConfig: {
    GB_T_7714: {
      description:
        'GB/T 7714-2015, the Chinese standard for references: the report as an online electronic resource ([EB/OL]) with the date cited and the URL, then the figure and its quote.',
    },
    APA: { description: 'APA 7th edition, a report: author (or title), date (n.d. when undated), retrieval date and URL, then the figure and its quote.' },
    PLAIN: { description: 'One line: indicator, value with its hedge, period, source, quote and permalink.' },
  },
});

/** Where a figure can be read, with its citation, by anyone: GET /v1/observations/<key> (src/http/catalog/routes.ts). */
export const observationPath = (key: string) => `/v1/observations/${encodeURIComponent(key)}`;

/** A figure with everything its citation names: the row, its indicator's name, its report, and the figures contradicting it. */
export interface CitableFigure {
  value: number;
  qualifier: ValueQualifier;
  unit: Unit;
  periodStart: string | null;
  periodEnd: string;
  /** The figure as the report wrote it (carries its hedge: "15600余个"). */
  labelZh: string | null;
  labelEn: string | null;
  quote: string;
  indicator: { nameZh: string; nameEn: string };
  source: { titleZh: string; titleEn: string; publisherZh: string | null; publisherEn: string | null; publishedOn: string | null; url: string | null };
  permalink: string;
  /** Other figures the sources give for the same thing: the figure is contested when there is any. */
  contestedBy: { label: string; permalink: string }[];
}

/** The citation of a figure in a style; `accessed` is the day it is cited (YYYY-MM-DD), which GB/T 7714 and APA both ask for. */
export function formatCitation(figure: CitableFigure, style: CitationStyle, lang: Language, accessed: string): string {
  switch (style) {
    case CitationStyle.GB_T_7714:
      return `${gbt7714Reference(figure, accessed)} ${figureNote(figure, lang)}`;
    case CitationStyle.APA:
      return `${apaReference(figure, accessed)} ${figureNote(figure, lang)}`;
    case CitationStyle.PLAIN:
      return plainCitation(figure, lang);
  }
}

/**
 * GB/T 7714-2015, 电子资源: 主要责任者. 题名[EB/OL]. (更新或修改日期)[引用日期]. 获取和访问路径.
 * A report that names no one responsible is by 佚名 (8.1). The path is the report's URL, or the figure's
 * permalink when the report has none (the figure note then does not repeat it).
 */
function gbt7714Reference(figure: CitableFigure, accessed: string): string {
  const { source } = figure;
  const responsible = source.publisherZh ?? source.publisherEn ?? '佚名';
  const updated = source.publishedOn ? `(${source.publishedOn})` : '';
  return `${responsible}. ${source.titleZh}[EB/OL]. ${updated}[${accessed}]. ${source.url ?? figure.permalink}.`;
}

/**
 * APA 7, a report: Group Author. (Year). Title [English title]. Retrieved Month Day, Year, from URL
 * With no author the title takes the author's place; with no date, (n.d.); a retrieval date because the
 * figure's page changes with the data. No full stop after a URL.
 */
function apaReference(figure: CitableFigure, accessed: string): string {
  const { source } = figure;
  const author = source.publisherEn ?? source.publisherZh;
  const date = `(${source.publishedOn ? source.publishedOn.slice(0, 4) : 'n.d.'}).`;
  const title = `${source.titleZh} [${source.titleEn}].`;
  const retrieved = `Retrieved ${englishDate(accessed)}, from ${source.url ?? figure.permalink}`;
  return author ? `${withFullStop(author)} ${date} ${title} ${retrieved}` : `${title} ${date} ${retrieved}`;
}

/** The figure, its hedge, its quote, and whether the sources contradict it: what a reference to the report alone would not say. */
function figureNote(figure: CitableFigure, lang: Language): string {
  const permalink = figure.source.url ? ` ${figure.permalink}` : '';
  if (lang === Language.EN)
    return `Figure: ${figure.indicator.nameEn}: ${valueText(figure, lang)}, ${periodText(figure, lang)}. Quote: “${figure.quote}”.${contested(figure, lang)}${permalink}`;
  return `数据：${figure.indicator.nameZh}：${valueText(figure, lang)}，${periodText(figure, lang)}。原文：“${figure.quote}”。${contested(figure, lang)}${permalink}`;
}

/** <indicator>: <value with its hedge>, <period>. Source: <title>, <publisher>, <date>. Quote: “…”. <permalink> */
function plainCitation(figure: CitableFigure, lang: Language): string {
  const { source } = figure;
  if (lang === Language.EN) {
    const publisher = source.publisherEn ?? source.publisherZh ?? 'publisher not stated';
    return `${figure.indicator.nameEn}: ${valueText(figure, lang)}, ${periodText(figure, lang)}. Source: ${source.titleZh} [${source.titleEn}], ${publisher}, ${source.publishedOn ?? 'undated'}. Quote: “${figure.quote}”.${contested(figure, lang)} ${figure.permalink}`;
  }
  const publisher = source.publisherZh ?? source.publisherEn ?? '发布者未注明';
  return `${figure.indicator.nameZh}：${valueText(figure, lang)}，${periodText(figure, lang)}。来源：《${source.titleZh}》，${publisher}，${source.publishedOn ?? '日期未注明'}。原文：“${figure.quote}”。${contested(figure, lang)}${figure.permalink}`;
}

/** The value as the report wrote it, which carries its hedge; else the number with the hedge put back in words. */
function valueText(figure: CitableFigure, lang: Language): string {
  const label = lang === Language.EN ? (figure.labelEn ?? figure.labelZh) : figure.labelZh;
  if (label) return label;
  const number = figure.value.toLocaleString(lang === Language.EN ? 'en' : 'zh');
  const unit = UNIT_WORDS[figure.unit][lang === Language.EN ? 1 : 0];
  if (lang === Language.EN) return `${HEDGES_EN[figure.qualifier]}${number} ${unit}`.trim();
  const [before, after] = HEDGES_ZH[figure.qualifier];
  return `${before}${number}${after}${unit}`;
}

function periodText(figure: CitableFigure, lang: Language): string {
  if (lang === Language.EN) return figure.periodStart ? `${figure.periodStart} to ${figure.periodEnd}` : `as of ${figure.periodEnd}`;
  return figure.periodStart ? `${figure.periodStart}至${figure.periodEnd}` : `截至${figure.periodEnd}`;
}

/** Said whenever the sources give another value for the same thing: both are published, none is picked. */
function contested(figure: CitableFigure, lang: Language): string {
  if (figure.contestedBy.length === 0) return '';
  const others = figure.contestedBy.map((other) => `${other.label} (${other.permalink})`);
  return lang === Language.EN
    ? ` Contested: the sources also give ${others.join('; ')} for the same figure.`
    : `注意：此数字有争议，来源对同一数字另有${others.join('；')}。`;
}

const HEDGES_EN: Record<ValueQualifier, string> = { exact: '', approximate: 'about ', nearly: 'nearly ', at_least: 'more than ', at_most: 'at most ' };
const HEDGES_ZH: Record<ValueQualifier, [string, string]> = {
  exact: ['', ''],
  approximate: ['约', ''],
  nearly: ['近', ''],
  at_least: ['', '余'],
  at_most: ['至多', ''],
};

const UNIT_WORDS: Record<Unit, [zh: string, en: string]> = {
  cny: ['元', 'CNY'],
  percent: ['%', 'percent'],
  person: ['人', 'persons'],
  person_time: ['人次', 'person-times'],
  household: ['户', 'households'],
  bed: ['张床位', 'beds'],
  institution: ['家', 'institutions'],
  facility: ['个', 'facilities'],
  school: ['所', 'schools'],
  school_place: ['个学位', 'school places'],
  event: ['场', 'events'],
  document: ['份', 'documents'],
  year: ['年', 'years'],
  edition: ['届', 'editions'],
  count: ['个', 'items'],
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** 2026-12-02 → December 2, 2026 (APA's retrieval date). */
function englishDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return `${MONTHS[month - 1]} ${day}, ${year}`;
}

function withFullStop(text: string): string {
  return /[.。]$/.test(text) ? text : `${text}.`;
}
