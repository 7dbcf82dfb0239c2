import { sql, type SQL } from 'drizzle-orm';
import { PLANNED_FOR_ITS_VALUES } from '../../db/planning.js';
import { col } from '../../db/sqlParts.js';
import { badUserInput } from '../../graphql/errors.js';
import { splitTerms } from '../../graphql/searchText.js';
import type { SortKey } from '../../graphql/relay/keyset.js';

/**
 * Text search, the same for every list: the query is split into terms at white space; a row matches
 * when each term is a substring (case-insensitive) of one of its text columns. The GIN-indexed bigram
 * column finds the candidates (a term's bigrams must all occur in the row), ILIKE confirms them.
 */
export function searchTerms(search: string | null | undefined): string[] | null {
  if (search == null) return null;
  const terms = splitTerms(search);
  if (terms.length === 0)
    throw badUserInput('`search` is blank. Give at least one character to look for, or leave `search` out.', { argument: 'filter.search' });
  if (search.length > 200) throw badUserInput(`\`search\` is ${search.length} characters long; 200 at most.`, { argument: 'filter.search' });
  // One Chinese character is a word (校, 鑫); one Latin letter or digit is in nearly every row, which only a scan finds.
  if (terms.every((term) => /^[A-Za-z0-9]$/.test(term))) {
    throw badUserInput('`search` needs a term of two letters or more (one Chinese character is enough): a single letter or digit matches nearly everything.', {
      argument: 'filter.search',
    });
  }
  return terms;
}

const likePattern = (text: string, prefix: string, suffix: string) => `${prefix}${text.replace(/[\\%_]/g, (c) => `\\${c}`)}${suffix}`;

/** Rows of `alias` whose text columns hold every term. */
export function matchesText(alias: string, terms: string[], columns: string[]): SQL {
  const bigrams = sql.join(
    terms.map((term) => sql`minsheng_bigrams(${term})`),
    sql` || `,
  );
  const each = terms.map((term) => {
    const pattern = likePattern(term, '%', '%');
    return sql`(${sql.join(
      columns.map((c) => sql`${col(alias, c)} ilike ${pattern}`),
      sql` or `,
    )})`;
  });
  // A term's rarity decides between the bigram index and the sort index: planned for its values (planning.ts).
  return sql`${PLANNED_FOR_ITS_VALUES}(${col(alias, 'search_bigrams')} @> (${bigrams}) and ${sql.join(each, sql` and `)})`;
}

/** Where a row's match sits: 0 the whole name, 1 the start of a name, 2 inside a name, 3 elsewhere. */
export function relevanceRank(alias: string, search: string, nameColumns: string[]): SQL {
  const text = search.trim();
  const names = (test: (c: SQL) => SQL) =>
    sql.join(
      nameColumns.map((c) => test(col(alias, c))),
      sql` or `,
    );
  return sql`(case when ${names((c) => sql`lower(${c}) = lower(${text})`)} then 0
    when ${names((c) => sql`${c} ilike ${likePattern(text, '', '%')}`)} then 1
    when ${names((c) => sql`${c} ilike ${likePattern(text, '%', '%')}`)} then 2 else 3 end)`;
}

export function relevanceKey(alias: string, search: string, nameColumns: string[]): SortKey {
  return { expression: relevanceRank(alias, search, nameColumns), type: 'integer', direction: 'asc', name: 'RELEVANCE' };
}
