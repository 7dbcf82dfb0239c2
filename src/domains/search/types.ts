import { createUnionType, Field, Float, Int, ObjectType } from 'type-graphql';
import { graphqlEnum } from '../../graphql/enums.js';
import { Facility } from '../facilities/types.js';
import { Division, Organization } from '../places/types.js';
import { Program } from '../programs/types.js';
import { Indicator, Observation } from '../statistics/types.js';
import { PageInfo } from '../../graphql/relay/connection.js';
import type { NodeTypeName } from '../../graphql/globalId.js';

export const SearchType = graphqlEnum('SearchType', 'What the cross-type search may return.', {
  facility: 'Facilities, by name and description.',
  program: 'Programs, by name and description.',
  indicator: 'Indicators, by name and description.',
  observation: "Figures, by label and source quote, or by their indicator's names.",
  organization: 'Organizations, by name.',
  division: 'Divisions, by name.',
});
export type SearchType = (typeof SearchType)[keyof typeof SearchType];

export const SearchResult = createUnionType({
  name: 'SearchResult',
  description: 'Anything the cross-type search finds.',
  types: () => [Facility, Program, Indicator, Observation, Organization, Division] as const,
  resolveType: (value) => (value as { __typename?: NodeTypeName }).__typename,
});

@ObjectType({ description: 'One search hit: the object, how well it matched and the text it matched in.', simpleResolvers: true })
export class SearchEdge {
  @Field(() => String, { description: 'Opaque cursor of this hit: pass it as `after`.' })
  cursor!: string;

  @Field(() => SearchResult, { description: 'The object found.' })
  node!: typeof SearchResult;

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
export class SearchConnection {
  @Field(() => [SearchEdge], { description: 'The hits of this page with scores, snippets and cursors.' })
  edges!: SearchEdge[];

  @Field(() => [SearchResult], { description: 'The objects of this page.' })
  nodes!: (typeof SearchResult)[];

  @Field(() => PageInfo, { description: 'Cursors and whether more pages exist.' })
  pageInfo!: PageInfo;

  countTotal!: () => Promise<number>;

  @Field(() => Int, { description: 'How many hits there are over all pages.' })
  totalCount(): Promise<number> {
    return this.countTotal();
  }
}
