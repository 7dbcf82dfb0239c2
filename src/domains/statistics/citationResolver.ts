import { GraphQLError } from 'graphql';
import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { Language } from '../../graphql/language.js';
import type { Unit, ValueQualifier } from '../../db/vocabulary.js';
import { Reads } from '../../graphql/projection.js';
import { LanguageArg } from '../../graphql/text.js';
import { sourceById } from '../sources/queries.js';
import { CitationStyle, formatCitation, observationPath, type CitableFigure } from './citation.js';
import { indicatorById, observationsInConflictGroup } from './queries.js';
import { Observation, type ObservationRow } from './types.js';

/**
 * The public URL of the server as the HTTP endpoint worked it out for this request (PUBLIC_BASE_URL, else
 * the request's Host; src/http/catalog/baseUrl.ts). Undefined: it could not tell.
 */
type ContextWithBaseUrl = Context & { publicBaseUrl?: string };

function baseUrlOf(context: ContextWithBaseUrl): string {
  if (context.publicBaseUrl) return context.publicBaseUrl;
  throw new GraphQLError(
    'The server cannot tell its public URL, so it cannot give links: send a Host header with a valid host name, or have the operator set PUBLIC_BASE_URL.',
    { extensions: { code: 'BAD_REQUEST' } },
  );
}

/** How to cite a figure: Observation.citation and Observation.permalink. */
@Resolver(() => Observation)
export class ObservationCitationResolver {
  @Reads<ObservationRow>('key')
  @FieldResolver(() => String, { description: 'An absolute URL where this figure, its source and its citation can be read (JSON).' })
  permalink(@Root() observation: ObservationRow, @Ctx() context: Context): string {
    return `${baseUrlOf(context)}${observationPath(observation.key)}`;
  }

  @Reads<ObservationRow>(
    'key',
    'value',
    'qualifier',
    'unit',
    'periodStart',
    'periodEnd',
    'labelZh',
    'labelEn',
    'quote',
    'indicatorId',
    'sourceId',
    'conflictGroup',
  )
  @FieldResolver(() => String, {
    description:
      "How to cite this figure: its report, the figure with the source's hedge (约, 余) kept, the verbatim quote and the permalink; and, when the sources contradict it, that it is contested. The date cited is today (UTC).",
  })
  async citation(
    @Root() observation: ObservationRow,
    @Arg('style', () => CitationStyle, { nullable: true, defaultValue: CitationStyle.PLAIN, description: 'The citation style (null: PLAIN).' })
    style: CitationStyle | null,
    @LanguageArg() lang: Language | undefined,
    @Ctx() context: Context,
  ): Promise<string> {
    const base = baseUrlOf(context);
    // Three batched loads: a page of 50 figures costs one statement each, not 50.
    const [indicator, source, group] = await Promise.all([
      indicatorById(context).load(observation.indicatorId),
      sourceById(context).load(observation.sourceId),
      observation.conflictGroup == null ? [] : observationsInConflictGroup(context).load(observation.conflictGroup),
    ]);
    if (!indicator || !source) throw new Error(`Figure ${observation.key} has no live indicator or source.`);
    const language = lang ?? context.language;
    const figure: CitableFigure = {
      ...observation,
      qualifier: observation.qualifier as ValueQualifier,
      unit: observation.unit as Unit,
      indicator,
      source,
      permalink: `${base}${observationPath(observation.key)}`,
      contestedBy: group
        .filter((other) => other.key !== observation.key)
        .map((other) => ({
          label: (language === Language.EN ? (other.labelEn ?? other.labelZh) : other.labelZh) ?? String(other.value),
          permalink: `${base}${observationPath(other.key)}`,
        })),
    };
    return formatCitation(figure, style ?? CitationStyle.PLAIN, language, new Date().toISOString().slice(0, 10));
  }
}
