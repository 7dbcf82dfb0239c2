import { sql, type SQL } from 'drizzle-orm';
import { divisions, facilities, indicators, observations, organizations, programs } from '../../db/tables/index.js';
import { col, idIn, tableAs } from '../../db/sqlParts.js';
import { liveTableAs } from '../../db/tables/retirement.js';
import type { ListQuery } from '../../graphql/relay/keyset.js';
import { facilityTextColumns } from '../facilities/queries.js';
import { nameColumns } from '../places/queries.js';
import { programTextColumns } from '../programs/queries.js';
import { indicatorTextColumns, observationTextColumns } from '../statistics/queries.js';
import { matchesText, relevanceRank } from './match.js';
import { SearchType } from './types.js';

/** Per type: its table, the columns searched, the columns that count as its name, and its natural key. */
const searchable = {
  [SearchType.FACILITY]: { table: facilities, text: facilityTextColumns, names: ['name_zh', 'name_en'], key: 'slug' },
  [SearchType.PROGRAM]: { table: programs, text: programTextColumns, names: ['name_zh', 'name_en'], key: 'slug' },
  [SearchType.INDICATOR]: { table: indicators, text: indicatorTextColumns, names: ['name_zh', 'name_en'], key: 'code' },
  [SearchType.OBSERVATION]: { table: observations, text: observationTextColumns, names: ['label_zh', 'label_en'], key: 'key' },
  [SearchType.ORGANIZATION]: { table: organizations, text: nameColumns, names: nameColumns, key: 'slug' },
  [SearchType.DIVISION]: { table: divisions, text: nameColumns, names: nameColumns, key: 'code' },
} as const;

/** The order in which types follow each other among hits of the same rank. */
export const searchTypeOrder = Object.keys(searchable) as SearchType[];

export interface SearchHitRow {
  type: SearchType;
  id: number;
  rank: number;
}

/**
 * One list of hits over every asked type: a UNION ALL of index-served matches, each with its relevance
 * rank, paged by keyset on (rank, type, key, id) like any other list.
 */
export function searchHitList(query: string, terms: string[], types: SearchType[]): ListQuery {
  const parts = types.map((type) => {
    const { table, text, names, key } = searchable[type];
    const alias = `s_${type}`;
    let match: SQL = matchesText(alias, terms, [...text]);
    if (type === SearchType.OBSERVATION) {
      const ind = 's_obs_i';
      match = sql`(${match} or ${idIn(col(alias, 'indicator_id'), sql`select ${col(ind, 'id')} from ${tableAs(indicators, ind)} where ${matchesText(ind, terms, indicatorTextColumns)}`)})`;
    }
    return sql`select ${type}::text as "type", ${searchTypeOrder.indexOf(type)}::int as "typeOrder", ${col(alias, 'id')} as "id",
      ${col(alias, key)} as "key", ${relevanceRank(alias, query, [...names])} as "rank" from ${liveTableAs(table, alias)} where ${match}`;
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
