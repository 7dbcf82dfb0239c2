import { describe, expect, it } from 'vitest';
import { allCitations, sources, sourceSlug, sourceText } from './dataset.js';

describe('every quote is verbatim in the redacted source', () => {
  const citations = allCitations();

  it('finds citations to check', () => {
    expect(citations.length).toBeGreaterThan(100);
  });

  it('cites only known sources', () => {
    const slugs = new Set(sources.map((s) => s.slug));
    const unknown = citations.filter((c) => !slugs.has(c.citation.source)).map((c) => `${c.file} ${c.key}`);
    expect(unknown).toEqual([]);
  });

  it('quotes the text character for character', () => {
    const missing = citations
      .filter((c) => c.citation.source === sourceSlug)
      .filter((c) => typeof c.citation.quote !== 'string' || c.citation.quote.trim() === '' || !sourceText.includes(c.citation.quote))
      .map((c) => `${c.file} ${c.key}: ${c.citation.quote}`);
    expect(missing).toEqual([]);
  });

  it('quotes no redaction mark (no quote touches a private person)', () => {
    const marked = citations.filter((c) => c.citation.quote.includes('×')).map((c) => `${c.file} ${c.key}`);
    expect(marked).toEqual([]);
  });
});
