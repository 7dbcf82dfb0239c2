import { z } from 'zod';
import { citedKind, type Citation, type CitedField, type SeedIds } from './kind.js';

/**
 * The pieces every seed file's records share (seeds/README.md); each kind's own record shape is declared with
 * its domain (src/domains/<name>/seed.ts). Anything else is rejected before a write.
 */
export const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase ASCII words joined by "-"');
export const isoDate = z.iso.date('must be a date written YYYY-MM-DD');
export const optionalText = z.string().min(1).nullish();
export const requiredText = z.string().trim().min(1, 'must not be empty');

export const citation = z.object({ source: slug, quote: requiredText }).strict();

/** A record's list of citations, each with its field ("citations.0"). */
export const citationsField = (citations: Citation[]): CitedField[] => citations.map((cited, i) => ({ field: `citations.${i}`, citation: cited }));

/** The rows of a citations table for one record: the parent's id column, the position in the list, the source and the quote. */
export function citationRows<Parent extends object>(parent: Parent, citations: Citation[], ids: SeedIds) {
  return citations.map((cited, position) => ({ ...parent, position, sourceId: ids.of(citedKind, cited.source), quote: cited.quote }));
}
