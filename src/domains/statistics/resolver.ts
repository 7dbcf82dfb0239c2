import { GraphQLDateTime } from 'graphql-scalars';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { nestedConnection } from '../../graphql/nestedList.js';
import { atMost, MAX_CONFLICTING_FIGURES, MaxItems } from '../../graphql/listBound.js';
import { toGlobalId } from '../../graphql/globalId.js';
import { Language, inLanguage } from '../../graphql/language.js';
import { toConnection } from '../../graphql/relay/connection.js';
import { loadNestedPage, loadRootPage } from '../../graphql/relay/load.js';
import { lookUpWithList } from '../../graphql/lookAhead.js';
import { ForwardPageArgs, PageArgs, toPageRequest } from '../../graphql/relay/pageArgs.js';
import { ALL_COLUMNS, Reads } from '../../graphql/projection.js';
import { LanguageArg } from '../../graphql/text.js';
import { Facility } from '../facilities/types.js';
import { facilityById } from '../facilities/queries.js';
import { divisionById } from '../places/queries.js';
import { Division } from '../places/types.js';
import { programById } from '../programs/queries.js';
import { Program } from '../programs/types.js';
import { SourceCitation } from '../sources/types.js';
import { IndicatorConnection, ObservationConnection } from './connection.js';
import {
  figuresOfIndicator,
  indicatorByCode,
  indicatorById,
  indicatorList,
  indicatorWithCode,
  latestObservationList,
  observationList,
  observationProjection,
  observationsAbout,
  observationsInConflictGroup,
  otherProgramsOf,
} from './queries.js';
import {
  Indicator,
  IndicatorFilter,
  IndicatorOrder,
  Observation,
  ObservationFilter,
  ObservationOrder,
  Period,
  type IndicatorRow,
  type ObservationRow,
  type PeriodData,
} from './types.js';
import { RETIRED_AT_DESCRIPTION, RETIREMENT_DESCRIPTION, retiredAtOf, retirementOf } from '../nodes/tombstones.js';
import { indicatorsSeed, observationsSeed } from './seed.js';

@Resolver(() => Indicator)
export class IndicatorResolver {
  @Query(() => Indicator, { nullable: true, description: 'One indicator by its code, or null.' })
  indicator(@Arg('code', () => String, { description: "The indicator's code." }) code: string, @Info() info: GraphQLResolveInfo, @Ctx() context: Context) {
    // An indicator is mostly asked for with its figures: both in one statement when that is what is asked.
    return lookUpWithList<IndicatorRow>(context, info, indicatorWithCode(code), () => indicatorByCode(context).load(code));
  }

  @Query(() => IndicatorConnection, { description: 'Indicators: what the figures measure, ordered by code.' })
  async indicators(
    @Arg('filter', () => IndicatorFilter, { nullable: true, description: 'Which indicators.' }) filter: IndicatorFilter | null,
    @Arg('orderBy', () => [IndicatorOrder], { nullable: true, description: 'Sort keys, first one first. Default: CODE (RELEVANCE first with a search).' })
    orderBy: IndicatorOrder[] | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() context: Context,
  ) {
    const { page: rows, countTotal } = await loadRootPage<IndicatorRow>(context, indicatorList(filter, orderBy), toPageRequest(page));
    return toConnection(rows, countTotal);
  }

  @FieldResolver(() => ID, { description: 'Opaque global ID.' })
  id(@Root() indicator: IndicatorRow) {
    return toGlobalId('Indicator', indicator.code);
  }

  @FieldResolver(() => GraphQLDateTime, { nullable: true, description: RETIRED_AT_DESCRIPTION })
  retiredAt(@Root() indicator: IndicatorRow) {
    return retiredAtOf(indicator.retiredAt);
  }

  @FieldResolver(() => String, { nullable: true, description: RETIREMENT_DESCRIPTION })
  retirement(@Root() indicator: IndicatorRow, @Ctx() context: Context) {
    return retirementOf(context, indicatorsSeed.name, indicator.code, indicator.retiredAt);
  }

  @FieldResolver(() => String, { description: "The indicator's name." })
  name(@Root() indicator: IndicatorRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return inLanguage(lang ?? context.language, indicator.nameZh, indicator.nameEn);
  }

  @FieldResolver(() => String, { nullable: true, description: 'What exactly is counted, and how.' })
  description(@Root() indicator: IndicatorRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return inLanguage(lang ?? context.language, indicator.descriptionZh, indicator.descriptionEn);
  }

  @FieldResolver(() => Observation, {
    nullable: true,
    description:
      'The latest reported (ACTUAL) figure of this indicator: for one division exactly when `divisionCode` is given, else for any. Null when there is none, and also when the sources contradict each other at that date: no figure is picked then; `latestFigures` gives them all.',
  })
  async latest(
    @Root() indicator: IndicatorRow,
    @Arg('divisionCode', () => String, { nullable: true, description: 'The division the figure is about (exactly, not its subdivisions).' })
    divisionCode: string | null,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    const newest = await newestFigures(indicator, divisionCode, info, context);
    return newest.length === 1 ? newest[0] : null;
  }

  @FieldResolver(() => [Observation], {
    description:
      'The latest reported (ACTUAL) figures of this indicator, as `latest` chooses them: that one figure, or, when the sources contradict each other at that date, every figure they give for it (then `latest` is null). Empty when there is none.',
  })
  @MaxItems(MAX_CONFLICTING_FIGURES + 1)
  async latestFigures(
    @Root() indicator: IndicatorRow,
    @Arg('divisionCode', () => String, { nullable: true, description: 'The division the figures are about (exactly, not its subdivisions).' })
    divisionCode: string | null,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    return atMost(MAX_CONFLICTING_FIGURES + 1, await newestFigures(indicator, divisionCode, info, context));
  }

  @FieldResolver(() => ObservationConnection, { description: "The indicator's figures; by default a time series, oldest period first." })
  async observations(
    @Root() indicator: IndicatorRow,
    @Arg('filter', () => ObservationFilter, { nullable: true, description: 'Which figures.' }) filter: ObservationFilter | null,
    @Arg('orderBy', () => [ObservationOrder], { nullable: true, description: 'Sort keys. Default: PERIOD_END ascending.' }) orderBy: ObservationOrder[] | null,
    @Args(() => ForwardPageArgs) page: ForwardPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    return nestedConnection(context, info, figuresOfIndicator, { filter, orderBy, ...page }, indicator.id);
  }
}

/** The newest reported figure, and the figures contradicting it at the same date and place (drizzle rows, oldest key first). */
async function newestFigures(indicator: IndicatorRow, divisionCode: string | null, info: GraphQLResolveInfo, context: Context): Promise<ObservationRow[]> {
  const { page } = await loadNestedPage<ObservationRow>(
    context,
    info,
    () => ({
      shape: `indicator.latest:${divisionCode}`,
      projection: ALL_COLUMNS,
      list: (columns) => latestObservationList(divisionCode, columns),
      belongsTo: observationsAbout('indicator_id'),
      request: { size: 1, backward: false, cursor: null },
    }),
    indicator.id,
  );
  const newest = page.rows[0]?.row;
  if (!newest) return [];
  if (newest.conflictGroup == null) return [newest];
  const contested = await observationsInConflictGroup(context).load(newest.conflictGroup);
  return contested.filter(
    (other) => other.status === 'actual' && other.periodEnd === newest.periodEnd && (divisionCode == null || other.divisionId === newest.divisionId),
  );
}

/** The programs one figure is about: one or two in the source report. */
const MAX_PROGRAMS_OF_FIGURE = 10;

@Resolver(() => Observation)
export class ObservationResolver {
  @Query(() => ObservationConnection, { description: 'Figures, each with its unit, period, qualifier and source quote.' })
  async observations(
    @Arg('filter', () => ObservationFilter, { nullable: true, description: 'Which figures.' }) filter: ObservationFilter | null,
    @Arg('orderBy', () => [ObservationOrder], { nullable: true, description: 'Sort keys, first one first. Default: PERIOD_END ascending.' })
    orderBy: ObservationOrder[] | null,
    @Args(() => PageArgs) page: PageArgs,
    @Info() info: GraphQLResolveInfo,
    @Ctx() context: Context,
  ) {
    const { page: rows, countTotal } = await loadRootPage<ObservationRow>(
      context,
      observationList(filter, orderBy, observationProjection.forConnection(info)),
      toPageRequest(page),
    );
    return toConnection(rows, countTotal);
  }

  @FieldResolver(() => ID, { description: 'Opaque global ID.' })
  @Reads<ObservationRow>('key')
  id(@Root() observation: ObservationRow) {
    return toGlobalId('Observation', observation.key);
  }

  @FieldResolver(() => GraphQLDateTime, { nullable: true, description: RETIRED_AT_DESCRIPTION })
  @Reads<ObservationRow>('retiredAt')
  retiredAt(@Root() observation: ObservationRow) {
    return retiredAtOf(observation.retiredAt);
  }

  @FieldResolver(() => String, { nullable: true, description: RETIREMENT_DESCRIPTION })
  @Reads<ObservationRow>('key', 'retiredAt')
  retirement(@Root() observation: ObservationRow, @Ctx() context: Context) {
    return retirementOf(context, observationsSeed.name, observation.key, observation.retiredAt);
  }

  @FieldResolver(() => Indicator, { description: 'What the figure measures.' })
  @Reads<ObservationRow>('indicatorId')
  indicator(@Root() observation: ObservationRow, @Ctx() context: Context) {
    return indicatorById(context).load(observation.indicatorId);
  }

  @FieldResolver(() => Period, { description: 'The time the figure is about.' })
  @Reads<ObservationRow>('periodStart', 'periodEnd', 'periodLabelZh', 'periodLabelEn')
  period(@Root() observation: ObservationRow): PeriodData {
    return { start: observation.periodStart, end: observation.periodEnd, labelZh: observation.periodLabelZh, labelEn: observation.periodLabelEn };
  }

  @FieldResolver(() => String, { nullable: true, description: 'The figure as the source wrote it (e.g. "1.5万余人次").' })
  @Reads<ObservationRow>('labelZh', 'labelEn')
  label(@Root() observation: ObservationRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return inLanguage(lang ?? context.language, observation.labelZh, observation.labelEn);
  }

  @FieldResolver(() => Division, { nullable: true, description: 'The area the figure is about.' })
  @Reads<ObservationRow>('divisionId')
  division(@Root() observation: ObservationRow, @Ctx() context: Context) {
    return observation.divisionId == null ? null : divisionById(context).load(observation.divisionId);
  }

  @FieldResolver(() => Facility, { nullable: true, description: 'The facility the figure is about, if any.' })
  @Reads<ObservationRow>('facilityId')
  facility(@Root() observation: ObservationRow, @Ctx() context: Context) {
    return observation.facilityId == null ? null : facilityById(context).load(observation.facilityId);
  }

  @FieldResolver(() => Program, {
    nullable: true,
    description: 'The program the figure is about, if any; the first named, when it is about several (`programs`).',
  })
  @Reads<ObservationRow>('programId')
  program(@Root() observation: ObservationRow, @Ctx() context: Context) {
    return observation.programId == null ? null : programById(context).load(observation.programId);
  }

  @FieldResolver(() => [Program], {
    description: `Every program the figure is about (at most ${MAX_PROGRAMS_OF_FIGURE}): \`program\` first, then any other its sentence names (one figure can be the result of two programs). Each lists the figure in its \`observations\`.`,
  })
  @MaxItems(MAX_PROGRAMS_OF_FIGURE)
  @Reads<ObservationRow>('programId')
  async programs(@Root() observation: ObservationRow, @Ctx() context: Context) {
    if (observation.programId == null) return [];
    const others = await otherProgramsOf(context).load(observation.id);
    const rows = await programById(context).loadMany([observation.programId, ...others.map((link) => link.programId)]);
    return atMost(
      MAX_PROGRAMS_OF_FIGURE,
      rows.filter((row) => row != null && !(row instanceof Error)),
    );
  }

  @FieldResolver(() => SourceCitation, { description: 'The document and the verbatim sentence the figure was taken from.' })
  @Reads<ObservationRow>('sourceId', 'quote')
  source(@Root() observation: ObservationRow): SourceCitation {
    return { sourceId: observation.sourceId, quote: observation.quote };
  }

  @FieldResolver(() => [Observation], {
    description: `Other figures the sources give for the same thing with a different value (at most ${MAX_CONFLICTING_FIGURES}). Both are published; none is picked.`,
  })
  @MaxItems(MAX_CONFLICTING_FIGURES)
  @Reads<ObservationRow>('conflictGroup', 'key')
  async conflictsWith(@Root() observation: ObservationRow, @Ctx() context: Context) {
    if (observation.conflictGroup == null) return [];
    const group = await observationsInConflictGroup(context).load(observation.conflictGroup);
    return atMost(
      MAX_CONFLICTING_FIGURES,
      group.filter((other) => other.key !== observation.key),
    );
  }
}

@Resolver(() => Period)
export class PeriodResolver {
  @FieldResolver(() => String, { nullable: true, description: 'The period as the source put it (e.g. "8—12月").' })
  label(@Root() period: PeriodData, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return inLanguage(lang ?? context.language, period.labelZh, period.labelEn);
  }
}
