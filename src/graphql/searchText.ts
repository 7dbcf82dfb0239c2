/** How a search text splits into terms, shared by the search itself and by its price. */
export const splitTerms = (search: string): string[] => search.trim().split(/\s+/).filter(Boolean);

/** Terms the bigram index cannot serve (one character each): such a search reads every row it may match. */
export function isUnindexedSearch(search: string): boolean {
  const terms = splitTerms(search);
  return terms.length > 0 && terms.every((term) => [...term].length < 2);
}
