import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as vocabulary from '../../src/db/vocabulary.js';
import { indicatorKinds, measuresOfKind, type IndicatorKind } from '../../src/db/tables/statistics.js';
import { divisions, facilities, indicators, observations, organizations, programs, seedsDir, sources, type Rec } from './dataset.js';

const keysOf = (map: Record<string, string>) => Object.keys(map);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const isDate = (s: unknown) =>
  typeof s === 'string' && DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const present = (v: unknown): boolean => v !== undefined && v !== null;
const dupes = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);

/** The fields seeds/README.md allows in each file (anything else would be rejected by the loader). */
const FIELDS: Record<string, [Rec[], string[]]> = {
  'sources.json': [sources, ['slug', 'title_zh', 'title_en', 'publisher_zh', 'publisher_en', 'published_on', 'url', 'licence', 'text_file', 'note']],
  'divisions.json': [divisions, ['code', 'level', 'parent_code', 'name_zh', 'name_en', 'verified', 'note']],
  'organizations.json': [organizations, ['slug', 'kind', 'name_zh', 'name_en', 'division_code', 'citations', 'links']],
  'facilities.json': [
    facilities,
    [
      'slug',
      'category',
      'domain',
      'status',
      'name_zh',
      'name_en',
      'description_zh',
      'description_en',
      'division_code',
      'operator_slug',
      'address_zh',
      'address_en',
      'location',
      'citations',
    ],
  ],
  'programs.json': [
    programs,
    [
      'slug',
      'domain',
      'kind',
      'status',
      'name_zh',
      'name_en',
      'description_zh',
      'description_en',
      'start_date',
      'end_date',
      'lead_organization_slug',
      'division_code',
      'parent_slug',
      'facilities',
      'citations',
    ],
  ],
  'indicators.json': [indicators, ['code', 'domain', 'unit', 'kind', 'name_zh', 'name_en', 'description_zh', 'description_en']],
  'observations.json': [
    observations,
    [
      'key',
      'indicator',
      'value',
      'qualifier',
      'unit',
      'measure',
      'status',
      'period',
      'division_code',
      'facility_slug',
      'program_slug',
      'other_program_slugs',
      'label_zh',
      'label_en',
      'citation',
      'conflict_group',
      'reported_in_domain',
    ],
  ],
};

describe('seed files follow the format and the vocabulary', () => {
  it.each(Object.entries(FIELDS))('%s uses only documented fields and has names in both languages', (_file, [recs, allowed]) => {
    expect(recs.length).toBeGreaterThan(0);
    for (const r of recs) {
      expect(Object.keys(r).filter((k) => !allowed.includes(k))).toEqual([]);
      for (const lang of ['zh', 'en']) {
        for (const base of ['name', 'title', 'label']) {
          if (allowed.includes(`${base}_${lang}`)) expect(typeof r[`${base}_${lang}`] === 'string' && r[`${base}_${lang}`].trim() !== '').toBe(true);
        }
      }
    }
  });

  it('natural keys are unique and well-formed', () => {
    for (const [recs, key] of [
      [sources, 'slug'],
      [organizations, 'slug'],
      [facilities, 'slug'],
      [programs, 'slug'],
      [indicators, 'code'],
      [observations, 'key'],
    ] as const) {
      const values = recs.map((r) => r[key]);
      expect(dupes(values)).toEqual([]);
      expect(values.filter((v) => typeof v !== 'string' || !SLUG.test(v))).toEqual([]);
    }
    expect(dupes(divisions.map((d) => d.code))).toEqual([]);
    // Chinese names are unique too (one record per thing)
    for (const recs of [facilities, programs, organizations, divisions, indicators]) expect(dupes(recs.map((r) => r.name_zh))).toEqual([]);
  });

  it('enumerated values are keys of src/db/vocabulary.ts', () => {
    const bad: string[] = [];
    const check = (where: string, value: unknown, map: Record<string, string>) => {
      if (typeof value !== 'string' || !keysOf(map).includes(value)) bad.push(`${where}: ${String(value)}`);
    };
    for (const d of divisions) check(`division ${d.code} level`, d.level, vocabulary.divisionLevels);
    for (const o of organizations) check(`organization ${o.slug} kind`, o.kind, vocabulary.organizationKinds);
    for (const f of facilities) {
      check(`facility ${f.slug} category`, f.category, vocabulary.facilityCategories);
      check(`facility ${f.slug} domain`, f.domain, vocabulary.domains);
      check(`facility ${f.slug} status`, f.status, vocabulary.facilityStatuses);
    }
    for (const p of programs) {
      check(`program ${p.slug} domain`, p.domain, vocabulary.domains);
      check(`program ${p.slug} kind`, p.kind, vocabulary.programKinds);
      check(`program ${p.slug} status`, p.status, vocabulary.programStatuses);
      for (const pf of p.facilities) check(`program ${p.slug} facility role`, pf.role, vocabulary.programFacilityRoles);
    }
    for (const i of indicators) {
      check(`indicator ${i.code} domain`, i.domain, vocabulary.domains);
      check(`indicator ${i.code} unit`, i.unit, vocabulary.units);
    }
    for (const o of observations) {
      check(`observation ${o.key} unit`, o.unit, vocabulary.units);
      check(`observation ${o.key} measure`, o.measure, vocabulary.measures);
      check(`observation ${o.key} qualifier`, o.qualifier, vocabulary.valueQualifiers);
      check(`observation ${o.key} status`, o.status, vocabulary.observationStatuses);
    }
    expect(bad).toEqual([]);
  });

  it('every reference points to an existing record', () => {
    const codes = new Set(divisions.map((d) => d.code));
    const orgs = new Set(organizations.map((o) => o.slug));
    const facs = new Set(facilities.map((f) => f.slug));
    const progs = new Set(programs.map((p) => p.slug));
    const inds = new Set(indicators.map((i) => i.code));
    const bad: string[] = [];
    const ref = (where: string, value: unknown, set: Set<string>, optional = true) => {
      if (optional && !present(value)) return;
      if (typeof value !== 'string' || !set.has(value)) bad.push(`${where}: ${String(value)}`);
    };
    for (const d of divisions) ref(`division ${d.code} parent`, d.parent_code, codes, d.level === 'district');
    for (const o of organizations) ref(`organization ${o.slug} division`, o.division_code, codes);
    for (const f of facilities) {
      ref(`facility ${f.slug} division`, f.division_code, codes);
      ref(`facility ${f.slug} operator`, f.operator_slug, orgs);
    }
    for (const p of programs) {
      ref(`program ${p.slug} lead`, p.lead_organization_slug, orgs);
      ref(`program ${p.slug} parent`, p.parent_slug, progs);
      ref(`program ${p.slug} division`, p.division_code, codes);
      for (const pf of p.facilities) ref(`program ${p.slug} facility`, pf.slug, facs, false);
    }
    for (const o of observations) {
      ref(`observation ${o.key} indicator`, o.indicator, inds, false);
      ref(`observation ${o.key} division`, o.division_code, codes);
      ref(`observation ${o.key} facility`, o.facility_slug, facs);
      ref(`observation ${o.key} program`, o.program_slug, progs);
      for (const other of o.other_program_slugs ?? []) ref(`observation ${o.key} other program`, other, progs, false);
    }
    expect(bad).toEqual([]);
  });

  it('divisions form the district tree; unconfirmed codes are marked and explained', () => {
    const byCode = new Map(divisions.map((d) => [d.code, d]));
    const parentLevel: Record<string, string[]> = { district: [], subdistrict: ['district'], town: ['district'], community: ['subdistrict', 'town'] };
    for (const d of divisions) {
      expect(typeof d.verified).toBe('boolean');
      if (!d.verified) expect(typeof d.note === 'string' && d.note.length > 20, `${d.code} needs a note`).toBe(true);
      if (d.level === 'district') expect(d.code).toMatch(/^\d{6}$/);
      else expect(parentLevel[d.level]).toContain(byCode.get(d.parent_code)?.level);
      if (d.level === 'subdistrict') expect(d.code).toMatch(/^\d{6}0\d\d$/);
      if (d.level === 'town') expect(d.code).toMatch(/^\d{6}1\d\d$/);
      if (d.level === 'community') {
        // no 12-digit code in the report: a visibly provisional one, never verified
        expect(d.code).toMatch(new RegExp(`^${d.parent_code}-[a-z]+$`));
        expect(d.verified).toBe(false);
      }
    }
    expect(
      divisions
        .filter((d) => d.verified)
        .map((d) => d.code)
        .sort(),
    ).toEqual(['500104', '500104001']);
  });

  it('programs have no parent cycles', () => {
    const parent = new Map(programs.map((p) => [p.slug, p.parent_slug]));
    for (const p of programs) {
      const seen = new Set<string>();
      for (let s: string | null | undefined = p.slug; s; s = parent.get(s)) {
        expect(seen.has(s), `cycle through ${s}`).toBe(false);
        seen.add(s);
      }
    }
  });

  it('every organization, facility and program cites at least one source', () => {
    for (const r of [...organizations, ...facilities, ...programs]) {
      expect(Array.isArray(r.citations) && r.citations.length > 0, r.slug).toBe(true);
    }
  });

  it('facilities carry no location: no reliable coordinates are known', () => {
    expect(facilities.filter((f) => present(f.location)).map((f) => f.slug)).toEqual([]);
  });

  it('dates are valid and periods run forwards', () => {
    for (const s of sources) if (present(s.published_on)) expect(isDate(s.published_on)).toBe(true);
    for (const p of programs) {
      for (const d of [p.start_date, p.end_date]) if (present(d)) expect(isDate(d), p.slug).toBe(true);
      if (present(p.start_date) && present(p.end_date)) expect(p.start_date <= p.end_date).toBe(true);
    }
    for (const o of observations) {
      expect(isDate(o.period.end), o.key).toBe(true);
      if (present(o.period.start)) {
        expect(isDate(o.period.start), o.key).toBe(true);
        expect(o.period.start <= o.period.end, o.key).toBe(true);
      }
    }
  });

  it("every observation is in its indicator's unit, with a finite value", () => {
    const unitOf = new Map(indicators.map((i) => [i.code, i.unit]));
    for (const o of observations) {
      expect(o.unit, o.key).toBe(unitOf.get(o.indicator));
      expect(Number.isFinite(o.value), o.key).toBe(true);
    }
  });

  it("every indicator states its kind, and every figure's measure agrees with it", () => {
    const kindOf = new Map(indicators.map((i) => [i.code, i.kind]));
    expect(indicators.filter((i) => !Object.keys(indicatorKinds).includes(i.kind)).map((i) => i.code)).toEqual([]);
    expect(
      observations
        .filter((o) => !measuresOfKind[kindOf.get(o.indicator) as IndicatorKind]?.includes(o.measure))
        .map((o) => `${o.key}: ${o.measure} of a ${kindOf.get(o.indicator)}`),
    ).toEqual([]);
  });

  it("an indicator measures one thing: a flow's figures are either all cumulative or all of their own period", () => {
    // Issue #16: three indicators had mixed running totals since launch with figures of one year.
    const mixed = indicators.filter((i) => new Set(observations.filter((o) => o.indicator === i.code).map((o) => o.measure)).size > 1).map((i) => i.code);
    expect(mixed).toEqual([]);
  });

  it('every indicator has observations', () => {
    const used = new Set(observations.map((o) => o.indicator));
    expect(indicators.filter((i) => !used.has(i.code)).map((i) => i.code)).toEqual([]);
  });

  it('a conflict group joins at least two observations of one indicator with different values', () => {
    const groups = new Map<string, Rec[]>();
    for (const o of observations) {
      const group: string | null = o.conflict_group ?? null;
      if (group !== null) groups.set(group, [...(groups.get(group) ?? []), o]);
    }
    expect(groups.size).toBeGreaterThan(0);
    for (const [g, members] of groups) {
      expect(members.length, g).toBeGreaterThanOrEqual(2);
      expect(new Set(members.map((m) => m.indicator)).size, g).toBe(1);
      expect(new Set(members.map((m) => m.value)).size, g).toBeGreaterThan(1);
    }
  });

  it('the source text file exists and the source claims nothing it cannot read in the text', () => {
    for (const s of sources) {
      expect(existsSync(join(seedsDir, s.text_file))).toBe(true);
      expect(s.publisher_zh ?? null).toBeNull();
      expect(s.published_on ?? null).toBeNull();
      expect(s.url ?? null).toBeNull();
      expect(s.licence ?? null).toBeNull();
      expect(typeof s.note === 'string' && s.note.length > 50).toBe(true);
    }
  });
});
