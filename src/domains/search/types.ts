import { createUnionType, Field, Float, Int, ObjectType } from 'type-graphql';
import type { SearchableType } from '../../graphql/domain.js';
import { graphqlEnum } from '../../graphql/enums.js';
import { PageInfo } from '../../graphql/relay/connection.js';

/** The search's GraphQL types, built for the types the domains declare searchable. */
export function searchTypes(searchable: readonly SearchableType[]) {
  const SearchType = graphqlEnum(
    'SearchType',
    'What the cross-type search may return.',
    Object.fromEntries(searchable.map((type) => [type.name, type.description])),
  );

  const SearchResult = createUnionType({
    name: 'SearchResult',
    description: 'Anything the cross-type search finds.',
    types: () => searchable.map((type) => type.objectType()) as [never, ...never[]],
    resolveType: (value) => (value as { __typename?: string }).__typename,
  });

  @ObjectType({ description: 'One search hit: the object, how well it matched and the text it matched in.', simpleResolvers: true })
  class SearchEdge {
    @Field(() => String, { description: 'Opaque cursor of this hit: pass it as `after`.' })
    cursor!: string;

    @Field(() => SearchResult, { description: 'The object found.' })
    node!: unknown;

    @Field(() => Float, { description: '1 for a whole-name match, 0.75 for the start of a name, 0.5 inside a name, 0.25 in other text.' })
    score!: number;

    @Field(() => String, { nullable: true, description: 'The matched text with some context (at most about 60 characters).' })
    snippet!: string | null;

    @Field(() => String, {
      nullable: true,
      description: 'Where the match is, e.g. "name_zh", "description_en", "quote", "indicator.name_en" (a figure found by its indicator).',
    })
    matchedField!: string | null;
  }

  @ObjectType({ description: 'A page of search hits, best first.' })
  class SearchConnection {
    @Field(() => [SearchEdge], { description: 'The hits of this page with scores, snippets and cursors.' })
    edges!: SearchEdge[];

    @Field(() => [SearchResult], { description: 'The objects of this page.' })
    nodes!: unknown[];

    @Field(() => PageInfo, { description: 'Cursors and whether more pages exist.' })
    pageInfo!: PageInfo;

    countTotal!: () => Promise<number>;

    @Field(() => Int, { description: 'How many hits there are over all pages.' })
    totalCount(): Promise<number> {
      return this.countTotal();
    }
  }

  return { SearchType, SearchConnection };
}
