import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import type { NodeTypeName } from '../../graphql/globalId.js';
import { toConnectionWith } from '../../graphql/relay/connection.js';
import { loadRootPage } from '../../graphql/relay/load.js';
import { ForwardPageArgs, toPageRequest } from '../../graphql/relay/pageArgs.js';
import { facilityById } from '../facilities/queries.js';
import { divisionById, organizationById } from '../places/queries.js';
import { programById } from '../programs/queries.js';
import { indicatorById, observationById } from '../statistics/queries.js';
import { searchTerms } from './match.js';
import { searchHitList, searchTypeOrder, type SearchHitRow } from './queries.js';
import { snippetOf } from './snippet.js';
import { SearchConnection, SearchType } from './types.js';

const scoreOfRank = [1, 0.75, 0.5, 0.25];

/** How to load a hit's object (batched per type) and which of its texts to show as the snippet. */
const hitTypes: Record<
  SearchType,
  { typename: NodeTypeName; load: (c: Context) => { load(id: number): Promise<any> }; texts: (row: any) => [string, string | null][] }
> = {
  [SearchType.FACILITY]: {
    typename: 'Facility',
    load: facilityById,
    texts: (r) => [
      ['name_zh', r.nameZh],
      ['name_en', r.nameEn],
      ['description_zh', r.descriptionZh],
      ['description_en', r.descriptionEn],
    ],
  },
  [SearchType.PROGRAM]: {
    typename: 'Program',
    load: programById,
    texts: (r) => [
      ['name_zh', r.nameZh],
      ['name_en', r.nameEn],
      ['description_zh', r.descriptionZh],
      ['description_en', r.descriptionEn],
    ],
  },
  [SearchType.INDICATOR]: {
    typename: 'Indicator',
    load: indicatorById,
    texts: (r) => [
      ['name_zh', r.nameZh],
      ['name_en', r.nameEn],
      ['description_zh', r.descriptionZh],
      ['description_en', r.descriptionEn],
    ],
  },
  [SearchType.OBSERVATION]: {
    typename: 'Observation',
    load: observationById,
    texts: (r) => [
      ['label_zh', r.labelZh],
      ['label_en', r.labelEn],
      ['quote', r.quote],
    ],
  },
  [SearchType.ORGANIZATION]: {
    typename: 'Organization',
    load: organizationById,
    texts: (r) => [
      ['name_zh', r.nameZh],
      ['name_en', r.nameEn],
    ],
  },
  [SearchType.DIVISION]: {
    typename: 'Division',
    load: divisionById,
    texts: (r) => [
      ['name_zh', r.nameZh],
      ['name_en', r.nameEn],
    ],
  },
};

@Resolver()
export class SearchResolver {
  @Query(() => SearchConnection, {
    description:
      'Search across facilities, programs, indicators, figures, organizations and divisions, best match first. Two Chinese characters are enough ("养老").',
  })
  async search(
    @Arg('query', () => String, { description: 'Words to find, each of them (Chinese or English).' }) query: string,
    @Arg('types', () => [SearchType], { nullable: true, description: 'Only these kinds of objects. Default: all.' }) types: SearchType[] | null,
    @Args(() => ForwardPageArgs) page: ForwardPageArgs,
    @Ctx() context: Context,
  ) {
    const terms = searchTerms(query)!;
    const wanted = types?.length ? searchTypeOrder.filter((t) => types.includes(t)) : searchTypeOrder;
    const { page: hits, countTotal } = await loadRootPage<SearchHitRow>(context, searchHitList(query, terms, wanted), toPageRequest(page));
    const loaded = await Promise.all(hits.rows.map(({ row }) => hitTypes[row.type].load(context).load(row.id)));
    // A figure can match through its indicator's names only: then the snippet comes from the indicator.
    const matched = await Promise.all(
      hits.rows.map(async ({ row }, index) => {
        const own = snippetOf(hitTypes[row.type].texts(loaded[index]), terms);
        if (own.snippet || row.type !== SearchType.OBSERVATION) return own;
        const indicator = await indicatorById(context).load(loaded[index].indicatorId);
        const viaIndicator = snippetOf(hitTypes[SearchType.INDICATOR].texts(indicator), terms);
        return { snippet: viaIndicator.snippet, field: viaIndicator.field && `indicator.${viaIndicator.field}` };
      }),
    );
    const byHit = new Map(hits.rows.map(({ row }, index) => [row, { object: loaded[index], ...matched[index]! }]));
    return toConnectionWith(hits, countTotal, (hit) => {
      const { object, snippet, field } = byHit.get(hit)!;
      return { node: { ...object, __typename: hitTypes[hit.type].typename }, score: scoreOfRank[hit.rank] ?? 0, snippet, matchedField: field };
    }) as unknown as SearchConnection;
  }
}
