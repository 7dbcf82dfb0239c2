import { describe, expect, it } from 'vitest';
import { divisions, facilities, indicators, organizations, programs, type Rec } from './dataset.js';

/** Every record with an English name, labelled by file and key. */
const named: [string, Rec][] = [
  ...divisions.map((r) => [`divisions.json ${r.code}`, r] as [string, Rec]),
  ...organizations.map((r) => [`organizations.json ${r.slug}`, r] as [string, Rec]),
  ...facilities.map((r) => [`facilities.json ${r.slug}`, r] as [string, Rec]),
  ...programs.map((r) => [`programs.json ${r.slug}`, r] as [string, Rec]),
  ...indicators.map((r) => [`indicators.json ${r.code}`, r] as [string, Rec]),
];

// Notes about a name (how the report writes it, what a word means) belong in the description, not in the name.
const NOTE_WORDS = /\bas the report\b|\babbreviat|\bliterally\b|\bi\.e\.|\bsic\b|\bmeaning\b|\bread as\b/i;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

describe('English names are names, not notes', () => {
  it('finds the names to check', () => {
    expect(named.length).toBeGreaterThan(100);
  });

  it('no English name carries Chinese characters (the Chinese name is its own field)', () => {
    expect(named.filter(([, r]) => CJK.test(r.name_en)).map(([where, r]) => `${where}: ${r.name_en}`)).toEqual([]);
  });

  it("no English name reads as a note on the report's wording", () => {
    expect(named.filter(([, r]) => NOTE_WORDS.test(r.name_en)).map(([where, r]) => `${where}: ${r.name_en}`)).toEqual([]);
  });

  it('an English name has a parenthesis only where its Chinese name has one (a gloss is not part of a name)', () => {
    const glossed = named.filter(([, r]) => /[()]/.test(r.name_en) && !/[()（）]/.test(r.name_zh));
    expect(glossed.map(([where, r]) => `${where}: ${r.name_en}`)).toEqual([]);
  });

  it('the checks catch the kinds of gloss found in review (examples made up for the test)', () => {
    const flagged = (name_en: string, name_zh = '某') => CJK.test(name_en) || NOTE_WORDS.test(name_en) || (/[()]/.test(name_en) && !/[()（）]/.test(name_zh));
    expect(flagged('City Orchestra (as the report abbreviates it: 某)')).toBe(true);
    expect(flagged('"Aunt Li" (李姨) brand')).toBe(true);
    expect(flagged('Qunxing (Mass Stars) Award')).toBe(true);
    expect(flagged('Classical concerts ("A", "B" and others)', '音乐会（《甲》《乙》等）')).toBe(false);
  });
});
