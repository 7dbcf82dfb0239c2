import { sql } from 'drizzle-orm';
import { col } from '../../db/sqlParts.js';
import { liveTableAs } from '../../db/tables/retirement.js';
import type { SearchableType } from '../../graphql/domain.js';
import type { ListQuery } from '../../graphql/relay/keyset.js';
import { matchesText, relevanceRank } from './match.js';

export interface SearchHitRow {
  type: string;
  id: number;
  rank: number;
}

/**
 * One list of hits over every asked type: a UNION ALL of index-served matches, each with its relevance
 * rank, paged by keyset on (rank, type, key, id) like any other list. `order` is each type's place among
 * hits of the same rank.
 */
export function searchHitList(query: string, terms: string[], types: readonly SearchableType[], order: readonly string[]): ListQuery {
  const parts = types.map((type) => {
    const alias = `s_${type.name}`;
    let match = matchesText(alias, terms, [...type.textColumns]);
    if (type.alsoMatching) match = sql`(${match} or ${type.alsoMatching(alias, terms)})`;
    return sql`select ${type.name}::text as "type", ${order.indexOf(type.name)}::int as "typeOrder", ${col(alias, 'id')} as "id",
      ${col(alias, type.keyColumn)} as "key", ${relevanceRank(alias, query, [...type.nameColumns])} as "rank" from ${liveTableAs(type.table, alias)} where ${match}`;
  });
  const hit = 'hit';
  return {
    columns: sql`${col(hit, 'type')} as "type", ${col(hit, 'id')} as "id", ${col(hit, 'rank')} as "rank"`,
    from: sql`(${sql.join(parts, sql` union all `)}) as "hit"`,
    where: [],
    order: [
      { expression: col(hit, 'rank'), type: 'integer', direction: 'asc', name: 'RELEVANCE' },
      { expression: col(hit, 'typeOrder'), type: 'integer', direction: 'asc', name: 'TYPE' },
      { expression: col(hit, 'key'), type: 'text', direction: 'asc', name: 'KEY' },
      { expression: col(hit, 'id'), type: 'integer', direction: 'asc', name: 'ID' },
    ],
  };
}
