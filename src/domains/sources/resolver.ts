import { GraphQLDateTime } from 'graphql-scalars';
import { Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { toGlobalId } from '../../graphql/globalId.js';
import { Language, inLanguage } from '../../graphql/language.js';
import { connectionTypes, toConnection } from '../../graphql/relay/connection.js';
import { loadRootPage } from '../../graphql/relay/load.js';
import { ForwardPageArgs, toPageRequest } from '../../graphql/relay/pageArgs.js';
import { LanguageArg } from '../../graphql/text.js';
import { NOTE_LANGUAGE, noteIn } from './note.js';
import { sourceById, sourceList } from './queries.js';
import { Source, SourceCitation, type SourceRow } from './types.js';
import { RETIRED_AT_DESCRIPTION, RETIREMENT_DESCRIPTION, retiredAtOf, retirementOf } from '../nodes/tombstones.js';
import { sourcesSeed } from './seed.js';

export const { Connection: SourceConnection } = connectionTypes(Source, 'Source', 'source documents');

@Resolver(() => Source)
export class SourceResolver {
  @Query(() => SourceConnection, { description: 'The documents the data comes from.' })
  async sources(@Args(() => ForwardPageArgs) page: ForwardPageArgs, @Ctx() context: Context) {
    const { page: rows, countTotal } = await loadRootPage<SourceRow>(context, sourceList(), toPageRequest(page));
    return toConnection(rows, countTotal);
  }

  @FieldResolver(() => ID, { description: 'Opaque global ID.' })
  id(@Root() source: SourceRow) {
    return toGlobalId('Source', source.slug);
  }

  @FieldResolver(() => GraphQLDateTime, { nullable: true, description: RETIRED_AT_DESCRIPTION })
  retiredAt(@Root() source: SourceRow) {
    return retiredAtOf(source.retiredAt);
  }

  @FieldResolver(() => String, { nullable: true, description: RETIREMENT_DESCRIPTION })
  retirement(@Root() source: SourceRow, @Ctx() context: Context) {
    return retirementOf(context, sourcesSeed.name, source.slug, source.retiredAt);
  }

  @FieldResolver(() => String, { description: "The document's title." })
  title(@Root() source: SourceRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return inLanguage(lang ?? context.language, source.titleZh, source.titleEn);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Who published the document, where known.' })
  publisher(@Root() source: SourceRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return inLanguage(lang ?? context.language, source.publisherZh, source.publisherEn);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `What is known and not known about the document (its publisher, date, licence). ${NOTE_LANGUAGE}`,
  })
  note(@Root() source: SourceRow, @LanguageArg() lang: Language | undefined, @Ctx() context: Context) {
    return noteIn(lang ?? context.language, { zh: null, en: source.note });
  }
}

@Resolver(() => SourceCitation)
export class SourceCitationResolver {
  @FieldResolver(() => Source, { description: 'The document cited.' })
  async document(@Root() citation: SourceCitation, @Ctx() context: Context) {
    return sourceById(context).load(citation.sourceId);
  }
}
