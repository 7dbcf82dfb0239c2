import type { TopLevelSpec } from 'vega-lite';
import type { IndicatorKind } from '../../db/tables/statistics.js';
import type { Measure, ObservationStatus, Unit, ValueQualifier } from '../../db/vocabulary.js';
import { Language } from '../../graphql/language.js';

/**
 * An indicator's figures as a Vega-Lite chart that keeps what the figures say about themselves: a hedged
 * figure (约, 余, 近) carries its mark next to its value and its own style, figures the sources contradict
 * stand side by side (never stacked, summed or one of them chosen), a plan target never looks like an
 * outcome, and the source line is printed under the chart. Pure: the data comes in, the spec goes out.
 */

/** The most figures one chart shows: a chart of more is unreadable, and its cost stays bounded. */
export const MAX_CHART_FIGURES = 40;

export enum ChartKind {
  AUTO = 'auto',
  BAR = 'bar',
  LINE = 'line',
}

export interface ChartIndicator {
  code: string;
  nameZh: string;
  nameEn: string;
  unit: Unit;
  kind: IndicatorKind;
}

/** One figure with what it is about and its source, as the chart needs it. */
export interface ChartFigure {
  key: string;
  value: number;
  qualifier: ValueQualifier;
  measure: Measure;
  status: ObservationStatus;
  periodStart: string | null;
  periodEnd: string;
  labelZh: string | null;
  labelEn: string | null;
  conflictGroup: string | null;
  /** The facility, program or division the figure is about (the most specific one). */
  subjectZh: string | null;
  subjectEn: string | null;
  sourceSlug: string;
  sourceTitleZh: string;
  sourceTitleEn: string;
  publisherZh: string | null;
  publisherEn: string | null;
}

export interface ChartData {
  indicator: ChartIndicator;
  /** At most MAX_CHART_FIGURES, oldest period first. */
  figures: ChartFigure[];
  /** How many figures the indicator has in all. */
  totalFigures: number;
}

/** The width a chart is drawn to, labels included: what fits a column of a news page. */
const WIDTH = 600;
/** At most this wide, a bar's label is broken into lines (two at most, then cut short). */
const LABEL_WIDTH = 190;
const LABEL_FONT_SIZE = 11;
/** Fonts able to draw Chinese first: a renderer without any of them falls back to its sans-serif. */
export const CHART_FONTS = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';

type Style = 'exact' | 'hedged' | 'conflict' | 'plan';
const styleColors: Record<Style, string> = { exact: '#1f5f99', hedged: '#8bb8e8', conflict: '#d9822b', plan: '#a6a6a6' };
const styleNames: Record<Style, Record<Language, string>> = {
  exact: { zh: '确数', en: 'Exact figure' },
  hedged: { zh: '约数（约、余、近：原文的说法）', en: 'Hedged figure (about, more than, nearly: as the source put it)' },
  conflict: { zh: '来源矛盾的数字（并列，未取舍）', en: 'Conflicting figures (side by side, none chosen)' },
  plan: { zh: '计划目标（不是实绩）', en: 'Plan target (not an outcome)' },
};

const unitWords: Record<Unit, Record<Language, string>> = {
  cny: { zh: '元', en: 'CNY' },
  percent: { zh: '%', en: '%' },
  person: { zh: '人', en: 'people' },
  person_time: { zh: '人次', en: 'person-times' },
  household: { zh: '户', en: 'households' },
  bed: { zh: '张', en: 'beds' },
  institution: { zh: '家', en: 'institutions' },
  facility: { zh: '个', en: 'facilities' },
  school: { zh: '所', en: 'schools' },
  school_place: { zh: '个', en: 'school places' },
  event: { zh: '场次', en: 'events' },
  document: { zh: '个', en: 'documents' },
  year: { zh: '年', en: 'years' },
  edition: { zh: '届', en: 'editions' },
  count: { zh: '个', en: 'items' },
};
/** The unit as an axis names it, where the single-character counter word would say little. */
const unitTitles: Partial<Record<Unit, string>> = {
  person: '人',
  person_time: '人次',
  school_place: '个学位',
  event: '场次',
  institution: '家',
  facility: '个',
};

const kindWords: Record<IndicatorKind, Record<Language, string>> = {
  stock: { zh: '存量：某一时点的数量', en: 'stock: a level at a date' },
  flow: { zh: '流量：一段时期内的数量', en: 'flow: an amount over a period' },
  ratio: { zh: '比率（%），不可相加', en: 'ratio (%), never added up' },
  change: { zh: '同比变化（%），不可相加', en: 'year-on-year change (%), never added up' },
};

const hedgeNotes: Partial<Record<ValueQualifier, Record<Language, string>>> = {
  approximate: { zh: '约 = 约数', en: '≈ = about' },
  at_least: { zh: '余 = 多于所示数字（下限）', en: '≥ = more than the figure shown (a lower bound)' },
  nearly: { zh: '近 = 接近而不超过所示数字', en: 'nearly = close to and not above the figure shown' },
  at_most: { zh: '至多 = 不超过所示数字（上限）', en: '≤ = at most the figure shown (an upper bound)' },
};

/** The scale figures are plotted in: 4600000000 CNY as 46 (亿元) or 4.6 (billion CNY). */
interface DisplayScale {
  divisor: number;
  zh: string;
  en: string;
}

function displayScale(maxAbs: number, lang: Language): DisplayScale {
  if (lang === Language.ZH) {
    if (maxAbs >= 1e8) return { divisor: 1e8, zh: '亿', en: '' };
    if (maxAbs >= 1e5) return { divisor: 1e4, zh: '万', en: '' };
  } else {
    if (maxAbs >= 1e9) return { divisor: 1e9, zh: '', en: 'billion ' };
    if (maxAbs >= 1e6) return { divisor: 1e6, zh: '', en: 'million ' };
    if (maxAbs >= 1e5) return { divisor: 1e3, zh: '', en: 'thousand ' };
  }
  return { divisor: 1, zh: '', en: '' };
}

const trimmed = (value: number) => String(Number(value.toFixed(4)));

/**
 * A value as a reader would write it, with its hedge: 约46亿元, 15600余个, 150余万元, 6.8万余人 in Chinese;
 * ≈ 4.6 billion, ≥ 15,600 in English. A plan target says so.
 */
export function formatFigure(figure: Pick<ChartFigure, 'value' | 'qualifier' | 'status'>, unit: Unit, lang: Language): string {
  const { value, qualifier } = figure;
  const abs = Math.abs(value);
  const sign = value < 0 ? '−' : '';
  let text: string;
  if (lang === Language.ZH) {
    const [scaled, multiplier] = abs >= 1e8 ? [abs / 1e8, '亿'] : abs >= 1e5 ? [abs / 1e4, '万'] : [abs, ''];
    const number = sign + trimmed(scaled);
    // 余 follows a whole number and comes before its multiplier (150余万元), else after it (6.8万余人).
    const body = qualifier === 'at_least' ? (Number.isInteger(scaled) ? `${number}余${multiplier}` : `${number}${multiplier}余`) : `${number}${multiplier}`;
    const prefix = qualifier === 'approximate' ? '约' : qualifier === 'nearly' ? '近' : qualifier === 'at_most' ? '至多' : '';
    text = `${prefix}${body}${unitWords[unit].zh}`;
    return figure.status === 'planned' ? `目标 ${text}` : text;
  }
  const number =
    abs >= 1e9
      ? `${trimmed(abs / 1e9)} billion`
      : abs >= 1e6
        ? `${trimmed(abs / 1e6)} million`
        : new Intl.NumberFormat('en', { maximumFractionDigits: 4 }).format(abs);
  const prefix = { exact: '', approximate: '≈ ', at_least: '≥ ', nearly: 'nearly ', at_most: '≤ ' }[qualifier];
  text = `${prefix}${sign}${number}${unit === 'percent' ? '%' : ''}`;
  return figure.status === 'planned' ? `target ${text}` : text;
}

function styleOf(figure: ChartFigure): Style {
  if (figure.status === 'planned') return 'plan';
  if (figure.conflictGroup != null) return 'conflict';
  return figure.qualifier === 'exact' ? 'exact' : 'hedged';
}

function periodText(figure: ChartFigure, lang: Language): string {
  if (figure.periodStart && figure.periodStart !== figure.periodEnd)
    return lang === Language.ZH ? `${figure.periodStart}至${figure.periodEnd}` : `${figure.periodStart} to ${figure.periodEnd}`;
  if (figure.measure === 'cumulative') return lang === Language.ZH ? `累计至${figure.periodEnd}` : `cumulative to ${figure.periodEnd}`;
  return lang === Language.ZH ? `截至${figure.periodEnd}` : `as of ${figure.periodEnd}`;
}

/** Width in ems as a CJK font sets it: ideographs and full-width forms one em, the rest a little over half. */
export function textEms(text: string): number {
  let ems = 0;
  for (const char of text) ems += /[\u1100-\u11ff\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char) ? 1 : 0.56;
  return ems;
}

/** A text broken into lines of at most `maxEms` (at spaces where there are any, else anywhere). */
export function wrapText(text: string, maxEms: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const piece of text.split(/(?<= )|(?=[\u2e80-\u9fff\uff00-\uffef])/u)) {
    if (line && textEms(line + piece) > maxEms) {
      lines.push(line.trimEnd());
      line = piece.trimStart();
    } else line += piece;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

function sourceLine(figures: ChartFigure[], lang: Language): string {
  const seen = new Map<string, string>();
  for (const f of figures) {
    if (seen.has(f.sourceSlug)) continue;
    seen.set(
      f.sourceSlug,
      lang === Language.ZH
        ? `《${f.sourceTitleZh}》（${f.publisherZh ?? '发布者未注明'}）`
        : `"${f.sourceTitleEn}" (${f.publisherEn ?? f.publisherZh ?? 'publisher not stated'})`,
    );
  }
  return lang === Language.ZH ? `来源：${[...seen.values()].join('；')}` : `Source: ${[...seen.values()].join('; ')}`;
}

/** The lines printed under the chart: the source first, then what its marks mean. */
export function footerLines(data: ChartData, lang: Language): string[] {
  const { figures } = data;
  const lines = [sourceLine(figures, lang)];
  const hedges = [...new Set(figures.map((f) => f.qualifier))].flatMap((q) => hedgeNotes[q]?.[lang] ?? []);
  if (hedges.length) lines.push((lang === Language.ZH ? '原文说法：' : 'As the source hedged it: ') + hedges.join(lang === Language.ZH ? '；' : '; '));
  if (figures.some((f) => f.conflictGroup != null))
    lines.push(
      lang === Language.ZH
        ? '来源矛盾：同一事项来源给出了不同数字，全部并列显示，未作取舍，也未相加。'
        : 'Conflicting: the sources give different figures for the same thing; all are shown side by side, none is chosen, none is added.',
    );
  if (figures.some((f) => f.status === 'planned')) lines.push(lang === Language.ZH ? '灰色：计划目标，不是实绩。' : 'Grey: a plan target, not an outcome.');
  if (data.totalFigures > figures.length)
    lines.push(
      lang === Language.ZH
        ? `只显示前${figures.length}个数字（共${data.totalFigures}个）。`
        : `Only the first ${figures.length} of ${data.totalFigures} figures are shown.`,
    );
  return lines.flatMap((line) => wrapText(line, WIDTH / 11));
}

/** BAR unless the figures form a time series: some place or program with figures at two dates or more. */
export function chosenKind(data: ChartData, kind: ChartKind): ChartKind.BAR | ChartKind.LINE {
  if (kind !== ChartKind.AUTO) return kind;
  const datesBySubject = new Map<string, Set<string>>();
  for (const f of data.figures) {
    const subject = f.subjectZh ?? '';
    const dates = datesBySubject.get(subject) ?? new Set();
    dates.add(f.periodEnd);
    datesBySubject.set(subject, dates);
  }
  return [...datesBySubject.values()].some((dates) => dates.size >= 2) ? ChartKind.LINE : ChartKind.BAR;
}

/** One row of the chart's data: the figure as stored, and as plotted and printed. */
export interface ChartDatum {
  key: string;
  /** The row the figure is drawn in (bar charts); figures never share a row. */
  category: string;
  subject: string;
  period: string;
  periodEnd: string;
  /** In base units, as stored. */
  value: number;
  /** In the chart's display scale (value / divisor). */
  plotted: number;
  text: string;
  label: string | null;
  qualifier: ValueQualifier;
  status: ObservationStatus;
  style: string;
  hedged: boolean;
  conflicting: boolean;
  source: string;
}

/** The figures in their order, except that the figures of one conflict follow each other, drawn side by side. */
function conflictsTogether(figures: ChartFigure[]): ChartFigure[] {
  const ordered: ChartFigure[] = [];
  const placed = new Set<ChartFigure>();
  for (const figure of figures) {
    if (placed.has(figure)) continue;
    const group = figure.conflictGroup == null ? [figure] : figures.filter((other) => other.conflictGroup === figure.conflictGroup);
    for (const member of group) placed.add(member);
    ordered.push(...group);
  }
  return ordered;
}

export function chartData(data: ChartData, lang: Language, scale: DisplayScale): ChartDatum[] {
  const { indicator } = data;
  const figures = conflictsTogether(data.figures);
  const commonPeriod = new Set(figures.map((f) => periodText(f, lang))).size === 1;
  const accounts = new Map<string, number>();
  const used = new Set<string>();
  return figures.map((f) => {
    const subject = (lang === Language.ZH ? f.subjectZh : (f.subjectEn ?? f.subjectZh)) ?? (lang === Language.ZH ? '未注明' : 'not stated');
    const period = periodText(f, lang);
    let category = commonPeriod ? subject : `${subject} · ${period}`;
    if (f.conflictGroup != null) {
      const n = (accounts.get(f.conflictGroup) ?? 0) + 1;
      accounts.set(f.conflictGroup, n);
      category += lang === Language.ZH ? `（说法${n}）` : ` (account ${n})`;
    }
    if (f.status === 'planned') category += lang === Language.ZH ? '（计划）' : ' (plan)';
    for (let n = 2; used.has(category); n++) category = `${category.replace(/ #\d+$/, '')} #${n}`;
    used.add(category);
    category = wrapText(category, LABEL_WIDTH / LABEL_FONT_SIZE).join('\n');
    const style = styleOf(f);
    return {
      key: f.key,
      category,
      subject,
      period,
      periodEnd: f.periodEnd,
      value: f.value,
      plotted: f.value / scale.divisor,
      text: formatFigure(f, indicator.unit, lang),
      label: lang === Language.ZH ? f.labelZh : (f.labelEn ?? f.labelZh),
      qualifier: f.qualifier,
      status: f.status,
      style: styleNames[style][lang],
      hedged: f.qualifier !== 'exact',
      conflicting: f.conflictGroup != null,
      source: lang === Language.ZH ? f.sourceTitleZh : f.sourceTitleEn,
    };
  });
}

/** The Vega-Lite spec of an indicator's chart. */
export function chartSpec(data: ChartData, requested: ChartKind, lang: Language): TopLevelSpec {
  const { indicator, figures } = data;
  const kind = chosenKind(data, requested);
  const maxAbs = Math.max(0, ...figures.map((f) => Math.abs(f.value)));
  const scale = displayScale(maxAbs, lang);
  const values = chartData(data, lang, scale);
  const name = lang === Language.ZH ? indicator.nameZh : indicator.nameEn;
  const unit = unitTitles[indicator.unit] ?? unitWords[indicator.unit].zh;
  const unitTitle =
    lang === Language.ZH
      ? indicator.unit === 'percent'
        ? '%'
        : `${scale.zh}${unit}`
      : indicator.unit === 'percent'
        ? '%'
        : `${scale.en}${unitWords[indicator.unit].en}`.trim();
  const periods = [...new Set(values.map((v) => v.period))];
  const subtitle = [
    lang === Language.ZH ? `单位：${unitTitle}` : `Unit: ${unitTitle}`,
    kindWords[indicator.kind][lang],
    ...(periods.length === 1 ? periods : []),
  ].join(' · ');
  const present = (['exact', 'hedged', 'conflict', 'plan'] as Style[]).filter((style) => values.some((v) => v.style === styleNames[style][lang]));
  const color = {
    field: 'style',
    type: 'nominal' as const,
    scale: { domain: present.map((s) => styleNames[s][lang]), range: present.map((s) => styleColors[s]) },
    legend: { title: null, orient: 'top' as const, direction: 'vertical' as const, labelLimit: WIDTH },
  };
  const tooltip = [
    { field: 'subject', type: 'nominal' as const },
    { field: 'period', type: 'nominal' as const },
    { field: 'text', type: 'nominal' as const },
    { field: 'label', type: 'nominal' as const },
    { field: 'source', type: 'nominal' as const },
  ];
  const plottedValues = values.map((v) => v.plotted);
  const low = Math.min(0, ...plottedValues);
  const high = Math.max(0, ...plottedValues);
  // Room beside the longest bar for its printed value.
  const domain = [low < 0 ? low * 1.4 : 0, high > 0 ? high * 1.4 : low < 0 ? 0 : 1];
  const footer = {
    text: footerLines(data, lang),
    orient: 'bottom' as const,
    anchor: 'start' as const,
    fontSize: 11,
    fontWeight: 'normal' as const,
    color: '#444',
    offset: 16,
    lineHeight: 15,
  };

  const common = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: wrapText(name, WIDTH / 17),
      subtitle: wrapText(subtitle, WIDTH / 12),
      anchor: 'start' as const,
      fontSize: 17,
      subtitleFontSize: 12,
      subtitleColor: '#444',
      offset: 10,
    },
    description: `${name}. ${subtitle}.`,
    usermeta: { indicator: indicator.code, kind, lang, figuresShown: figures.length, figuresTotal: data.totalFigures },
    config: { font: CHART_FONTS, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 11 }, legend: { labelFontSize: 11 } },
    background: 'white',
    padding: 12,
    data: { values },
  };

  if (values.length === 0)
    return {
      ...common,
      width: WIDTH,
      height: 40,
      title: { ...common.title, text: common.title.text },
      mark: { type: 'text', align: 'left', fontSize: 12 },
      data: { values: [{ text: lang === Language.ZH ? '暂无数字' : 'No figures yet' }] },
      encoding: { text: { field: 'text', type: 'nominal' }, x: { value: 0 }, y: { value: 20 } },
    };

  if (kind === ChartKind.LINE) {
    const x = { field: 'periodEnd', type: 'temporal' as const, timeUnit: 'utcyearmonthdate' as const, axis: { title: null, format: '%Y-%m-%d' } };
    const y = { field: 'plotted', type: 'quantitative' as const, stack: null, scale: { zero: indicator.kind !== 'change' }, axis: { title: unitTitle } };
    return {
      ...common,
      vconcat: [
        {
          width: WIDTH - 60,
          height: 260,
          title: footer,
          layer: [
            // The line joins reported, uncontested figures only: it never runs through a choice between conflicting ones.
            {
              transform: [{ filter: 'datum.status === "actual" && !datum.conflicting' }],
              mark: { type: 'line', color: '#7a8ea3', strokeWidth: 1.5 },
              encoding: { x, y, detail: { field: 'subject', type: 'nominal' } },
            },
            {
              mark: { type: 'point', filled: true, size: 70, strokeWidth: 1.5 },
              encoding: {
                x,
                y,
                color,
                shape: { condition: { test: 'datum.hedged', value: 'diamond' }, value: 'circle' },
                tooltip,
              },
            },
            // Beside its point, not above it: figures close in value would print over each other's points.
            { mark: { type: 'text', align: 'left', dx: 8, fontSize: 11, color: '#222' }, encoding: { x, y, text: { field: 'text', type: 'nominal' } } },
          ],
        },
      ],
    };
  }

  const labelWidth = Math.min(LABEL_WIDTH, Math.max(...values.flatMap((v) => v.category.split('\n').map(textEms))) * LABEL_FONT_SIZE);
  const y = {
    field: 'category',
    type: 'nominal' as const,
    sort: null,
    axis: { title: null, labelExpr: "split(datum.label, '\\n')", labelLimit: LABEL_WIDTH, labelFontSize: LABEL_FONT_SIZE, labelLineHeight: 13 },
  };
  const x = {
    field: 'plotted',
    type: 'quantitative' as const,
    // Never stacked: two figures in one place would read as their sum.
    stack: null,
    scale: { domain, nice: false },
    axis: { title: unitTitle, grid: true, tickCount: 5 },
  };
  return {
    ...common,
    vconcat: [
      {
        width: WIDTH - labelWidth - 12,
        height: { step: values.some((v) => v.category.includes('\n')) ? 36 : 30 },
        title: footer,
        layer: [
          {
            mark: { type: 'bar', height: { band: 0.72 }, strokeWidth: 1.5 },
            encoding: {
              y,
              x,
              color,
              // A hedged figure keeps a dashed outline whatever its colour says.
              stroke: { condition: { test: 'datum.hedged', value: '#1f5f99' }, value: null },
              strokeDash: { condition: { test: 'datum.hedged', value: [4, 3] }, value: [1, 0] },
              tooltip,
            },
          },
          {
            transform: [{ filter: 'datum.plotted >= 0' }],
            mark: { type: 'text', align: 'left', dx: 5, fontSize: 12, color: '#222' },
            encoding: { y, x, text: { field: 'text', type: 'nominal' } },
          },
          {
            transform: [{ filter: 'datum.plotted < 0' }],
            mark: { type: 'text', align: 'right', dx: -5, fontSize: 12, color: '#222' },
            encoding: { y, x, text: { field: 'text', type: 'nominal' } },
          },
        ],
      },
    ],
  };
}
