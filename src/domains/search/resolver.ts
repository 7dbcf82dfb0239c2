import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import type { Domain, SearchableType } from '../../graphql/domain.js';
import { toConnectionWith } from '../../graphql/relay/connection.js';
import { loadRootPage } from '../../graphql/relay/load.js';
import { ForwardPageArgs, toPageRequest } from '../../graphql/relay/pageArgs.js';
import { searchTerms } from './match.js';
import { searchHitList, type SearchHitRow } from './queries.js';
import { snippetOf } from './snippet.js';
import { searchTypes } from './types.js';

const scoreOfRank = [1, 0.75, 0.5, 0.25];

/** "a, b and c" */
const listed = (words: string[]) => (words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : (words[0] ?? ''));

/** The cross-type search over what the domains declare searchable, in the order they are registered. */
export function searchDomain(domains: readonly Domain[]): Domain {
  const searchable = domains.flatMap((domain) => domain.searchable ?? []);
  const byName = new Map(searchable.map((type) => [type.name, type]));
  const order = searchable.map((type) => type.name);
  const { SearchType, SearchConnection } = searchTypes(searchable);

  @Resolver()
  class SearchResolver {
    @Query(() => SearchConnection, {
      description: `Search across ${listed(searchable.map((type) => type.plural))}, best match first. Two Chinese characters are enough ("养老").`,
    })
    async search(
      @Arg('query', () => String, { description: 'Words to find, each of them (Chinese or English).' }) query: string,
      @Arg('types', () => [SearchType], { nullable: true, description: 'Only these kinds of objects. Default: all.' }) types: string[] | null,
      @Args(() => ForwardPageArgs) page: ForwardPageArgs,
      @Ctx() context: Context,
    ) {
      const terms = searchTerms(query)!;
      const wanted = searchable.filter((type) => !types?.length || types.includes(type.name));
      const { page: hits, countTotal } = await loadRootPage<SearchHitRow>(context, searchHitList(query, terms, wanted, order), toPageRequest(page));
      const typeOf = (hit: SearchHitRow) => byName.get(hit.type)!;
      const loaded = await Promise.all(hits.rows.map(({ row }) => typeOf(row).byId(context).load(row.id) as Promise<Record<string, unknown>>));
      const matched = await Promise.all(hits.rows.map(({ row }, index) => snippetFor(context, typeOf(row), loaded[index]!, terms)));
      const byHit = new Map(hits.rows.map(({ row }, index) => [row, { object: loaded[index], ...matched[index]! }]));
      return toConnectionWith(hits, countTotal, (hit) => {
        const { object, snippet, field } = byHit.get(hit)!;
        return { node: { ...object, __typename: typeOf(hit).typename }, score: scoreOfRank[hit.rank] ?? 0, snippet, matchedField: field };
      });
    }
  }

  return { name: 'search', resolvers: [SearchResolver] };
}

/** A row's texts by column (`name_zh` is the row's `nameZh`). */
const textsOf = (row: Record<string, unknown>, columns: readonly string[]): [string, string | null][] =>
  columns.map((column) => [column, (row[column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())] as string | null | undefined) ?? null]);

/** The snippet of a hit: from its own texts, or from what it was found through (a figure by its indicator). */
async function snippetFor(context: Context, type: SearchableType, row: Record<string, unknown>, terms: string[]) {
  const own = snippetOf(textsOf(row, type.textColumns), terms);
  if (own.snippet || !type.matchedThrough) return own;
  const through = await type.matchedThrough.load(context, row);
  if (!through) return own;
  const via = snippetOf(textsOf(through, type.matchedThrough.textColumns), terms);
  return { snippet: via.snippet, field: via.field && `${type.matchedThrough.field}.${via.field}` };
}
