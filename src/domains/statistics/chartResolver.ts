import { sql, type SQL } from 'drizzle-orm';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, Resolver, Root, registerEnumType } from 'type-graphql';
import type { Database } from '../../db/connection.js';
import { divisions, facilities, indicators, observations, programs, sources } from '../../db/tables/index.js';
import { liveTableAs } from '../../db/tables/retirement.js';
import { isAnyOf } from '../../db/sqlParts.js';
import type { Context } from '../../graphql/context.js';
import { Language } from '../../graphql/language.js';
import { loadGroupedByKey } from '../../graphql/relay/load.js';
import { LanguageArg } from '../../graphql/text.js';
import { ChartKind, chartSpec, MAX_CHART_FIGURES, type ChartData, type ChartFigure, type ChartIndicator } from './chartSpec.js';
import { Indicator, type IndicatorRow } from './types.js';

registerEnumType(ChartKind, {
  name: 'ChartKind',
  description: 'How an indicator is charted.',
  valuesConfig: {
    AUTO: { description: 'LINE when some place or program has figures at two dates or more, else BAR.' },
    BAR: { description: 'One bar per figure, by what it is about.' },
    LINE: { description: 'A time series: figures by the end of their period.' },
  },
});

/** An indicator's figures as a chart: Indicator.chart. */
@Resolver(() => Indicator)
export class IndicatorChartResolver {
  @FieldResolver(() => GraphQLJSONObject, {
    description: `The indicator's figures as a Vega-Lite v6 chart (https://vega.github.io/vega-lite/), ready for vega-embed: titled with the indicator's name and unit, at most ${MAX_CHART_FIGURES} figures (oldest period first; the chart says when there are more). A hedged figure (约, 余, 近) is printed with its mark and drawn in its own style, figures the sources contradict stand side by side (never added up, none chosen), a plan target is marked as one, and the source line is printed under the chart. The same chart as SVG: GET /v1/charts/indicators/{code}.svg; as a page to embed: GET /v1/embed/indicators/{code}.`,
  })
  async chart(
    @Root() indicator: IndicatorRow,
    @Arg('kind', () => ChartKind, { nullable: true, defaultValue: ChartKind.AUTO, description: 'BAR, LINE, or AUTO (or null) to choose by the figures.' })
    kind: ChartKind | null,
    @LanguageArg() lang: Language | undefined,
    @Ctx() context: Context,
  ) {
    const figures = await chartFiguresOf(context).load(indicator.id);
    return chartSpec(chartDataOf(indicator, figures), kind ?? ChartKind.AUTO, lang ?? context.language);
  }
}

/** A figure row as the chart statement returns it, with how many figures its indicator has. */
type ChartFigureRow = ChartFigure & { indicatorId: number; totalFigures: number };

const o = 'o';
/**
 * The first MAX_CHART_FIGURES figures of each indicator (oldest period first) with what they are about and
 * their source, and each indicator's count: one statement for any number of indicators.
 */
function chartFiguresQuery(indicatorCondition: SQL): SQL {
  return sql`select * from (
      select o.indicator_id as "indicatorId", o.key, o.value, o.qualifier, o.measure, o.status,
        to_char(o.period_start, 'YYYY-MM-DD') as "periodStart", to_char(o.period_end, 'YYYY-MM-DD') as "periodEnd",
        o.label_zh as "labelZh", o.label_en as "labelEn", o.conflict_group as "conflictGroup",
        coalesce(f.name_zh, p.name_zh, d.name_zh) as "subjectZh", coalesce(f.name_en, p.name_en, d.name_en) as "subjectEn",
        s.slug as "sourceSlug", s.title_zh as "sourceTitleZh", s.title_en as "sourceTitleEn",
        s.publisher_zh as "publisherZh", s.publisher_en as "publisherEn",
        (count(*) over (partition by o.indicator_id))::int as "totalFigures",
        row_number() over (partition by o.indicator_id order by o.period_end, o.key) as "position"
      from ${liveTableAs(observations, o)}
      join ${sources} s on s.id = o.source_id
      left join ${divisions} d on d.id = o.division_id
      left join ${facilities} f on f.id = o.facility_id
      left join ${programs} p on p.id = o.program_id
      where ${indicatorCondition}
    ) figures where "position" <= ${MAX_CHART_FIGURES} order by "indicatorId", "position"`;
}

const chartFiguresOf = (context: Context) =>
  loadGroupedByKey<number, ChartFigureRow>(
    context,
    'indicator.chartFigures',
    (ids) => chartFiguresQuery(isAnyOf(sql`o.indicator_id`, ids)),
    (row) => row.indicatorId,
  );

function chartDataOf(indicator: Pick<IndicatorRow, 'code' | 'nameZh' | 'nameEn' | 'unit' | 'kind'>, rows: ChartFigureRow[]): ChartData {
  return {
    indicator: { code: indicator.code, nameZh: indicator.nameZh, nameEn: indicator.nameEn, unit: indicator.unit, kind: indicator.kind } as ChartIndicator,
    figures: rows.map((row) => ({ ...row, value: Number(row.value) })),
    totalFigures: rows[0]?.totalFigures ?? 0,
  };
}

/** The chart data of the live indicator with this code (for the SVG and embed routes), or null: two statements. */
export async function readChartData(db: Database, code: string): Promise<ChartData | null> {
  const [indicator] = await db.rows<IndicatorRow>(
    sql`select id, code, name_zh as "nameZh", name_en as "nameEn", unit, kind from ${liveTableAs(indicators, 'i')} where code = ${code}`,
  );
  if (!indicator) return null;
  const rows = await db.rows<ChartFigureRow>(chartFiguresQuery(sql`o.indicator_id = ${indicator.id}`));
  return chartDataOf(indicator, rows);
}
