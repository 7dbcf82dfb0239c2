import { qualityList } from '../qualityList.js';

/** The representations of the catalog record, the default first. */
export const CATALOG_TYPES = ['application/ld+json', 'text/turtle'] as const;
export type CatalogType = (typeof CATALOG_TYPES)[number];

/** Accept headers longer than this are not read: no client needs more to name two types. */
const MAX_ACCEPT_LENGTH = 2048;

/**
 * The representation an Accept header prefers by q-value (RFC 9110 §12.5.1), ties to the default; JSON-LD
 * without a header; undefined when it accepts neither (the answer is then a 406).
 */
export function preferredCatalogType(accept: string | undefined): CatalogType | undefined {
  if (accept === undefined || accept.trim() === '') return CATALOG_TYPES[0];
  let best: { type: CatalogType; q: number } | undefined;
  for (const type of CATALOG_TYPES) {
    const q = qualityOf(type, accept.slice(0, MAX_ACCEPT_LENGTH));
    if (q > 0 && (!best || q > best.q)) best = { type, q };
  }
  return best?.type;
}

/** The q-value the most specific matching range gives a type (0: not acceptable). */
function qualityOf(type: string, accept: string): number {
  const [major] = type.split('/');
  let specificity = -1;
  let quality = 0;
  for (const { value: range, q } of qualityList(accept)) {
    const rank = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (rank < 0 || rank < specificity) continue;
    specificity = rank;
    quality = q;
  }
  return quality;
}
