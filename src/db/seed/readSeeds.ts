import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import {
  divisionRecord,
  facilityRecord,
  indicatorRecord,
  observationRecord,
  organizationRecord,
  programRecord,
  sourceRecord,
  type DivisionRecord,
  type FacilityRecord,
  type IndicatorRecord,
  type ObservationRecord,
  type OrganizationRecord,
  type ProgramRecord,
  type SourceRecord,
} from './records.js';
import { figureProblems } from './validate.js';
import { measuresOfKind } from '../tables/statistics.js';

export const defaultSeedsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../seeds');

export interface SeedDataset {
  sources: SourceRecord[];
  divisions: DivisionRecord[];
  organizations: OrganizationRecord[];
  facilities: FacilityRecord[];
  programs: ProgramRecord[];
  indicators: IndicatorRecord[];
  observations: ObservationRecord[];
}

/** A seed file that cannot be loaded; the message names the file, the record and the field. */
export class SeedError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Seed data rejected, nothing was written:\n  ${problems.slice(0, 50).join('\n  ')}${problems.length > 50 ? `\n  … and ${problems.length - 50} more` : ''}`,
    );
  }
}

type RecordRef = { file: string; index: number; key: unknown };
const describe = (ref: RecordRef) => `${ref.file}: record ${ref.index + 1} (${JSON.stringify(ref.key ?? null)})`;

/** Reads and validates every seed file; throws one SeedError listing every problem found. */
export function readSeeds(seedsDir: string = defaultSeedsDir): SeedDataset {
  const problems: string[] = [];

  function readFile<T>(file: string, schema: z.ZodType<T>, keyOf: (raw: Record<string, unknown>) => unknown): T[] {
    const full = path.join(seedsDir, file);
    if (!existsSync(full)) {
      problems.push(`${file}: file is missing from ${seedsDir}`);
      return [];
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(full, 'utf8'));
    } catch (error) {
      problems.push(`${file}: not valid JSON (${(error as Error).message})`);
      return [];
    }
    if (!Array.isArray(raw)) {
      problems.push(`${file}: must hold a JSON array of records`);
      return [];
    }
    const records: T[] = [];
    const seenKeys = new Set<unknown>();
    raw.forEach((item, index) => {
      const key = typeof item === 'object' && item !== null ? keyOf(item as Record<string, unknown>) : undefined;
      const where = describe({ file, index, key });
      const parsed = schema.safeParse(item);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const field = issue.path.length ? issue.path.join('.') : '(record)';
          problems.push(`${where}: field "${field}": ${issue.message}`);
        }
        return;
      }
      if (seenKeys.has(key)) problems.push(`${where}: duplicate key ${JSON.stringify(key)}`);
      seenKeys.add(key);
      records.push(parsed.data);
    });
    return records;
  }

  const dataset: SeedDataset = {
    sources: readFile('sources.json', sourceRecord, (r) => r.slug),
    divisions: readFile('divisions.json', divisionRecord, (r) => r.code),
    organizations: readFile('organizations.json', organizationRecord, (r) => r.slug),
    facilities: readFile('facilities.json', facilityRecord, (r) => r.slug),
    programs: readFile('programs.json', programRecord, (r) => r.slug),
    indicators: readFile('indicators.json', indicatorRecord, (r) => r.code),
    observations: readFile('observations.json', observationRecord, (r) => r.key),
  };
  if (problems.length === 0) problems.push(...crossCheck(dataset, seedsDir));
  if (problems.length === 0) problems.push(...figureProblems(dataset.observations));
  if (problems.length) throw new SeedError(problems);
  return dataset;
}

/** References between files, units, and quotes that must occur verbatim in their source's text. */
function crossCheck(dataset: SeedDataset, seedsDir: string): string[] {
  const problems: string[] = [];
  const sourceTexts = new Map<string, string>();
  dataset.sources.forEach((source, index) => {
    const file = path.join(seedsDir, source.text_file);
    if (!existsSync(file))
      problems.push(`${describe({ file: 'sources.json', index, key: source.slug })}: field "text_file": ${source.text_file} does not exist`);
    else sourceTexts.set(source.slug, readFileSync(file, 'utf8'));
  });
  const divisionCodes = new Set(dataset.divisions.map((d) => d.code));
  const organizationSlugs = new Set(dataset.organizations.map((o) => o.slug));
  const facilitySlugs = new Set(dataset.facilities.map((f) => f.slug));
  const programSlugs = new Set(dataset.programs.map((p) => p.slug));
  const indicatorUnits = new Map(dataset.indicators.map((i) => [i.code, i.unit]));
  const indicatorKinds = new Map(dataset.indicators.map((i) => [i.code, i.kind]));

  function mustExist(ref: RecordRef, field: string, value: string | null | undefined, known: Set<string>, what: string) {
    if (value != null && !known.has(value)) problems.push(`${describe(ref)}: field "${field}": no ${what} ${JSON.stringify(value)} in the seeds`);
  }
  function mustQuote(ref: RecordRef, field: string, citation: { source: string; quote: string }) {
    const text = sourceTexts.get(citation.source);
    if (text === undefined) problems.push(`${describe(ref)}: field "${field}.source": no source ${JSON.stringify(citation.source)} in sources.json`);
    else if (!text.includes(citation.quote)) problems.push(`${describe(ref)}: field "${field}.quote": does not occur verbatim in source ${citation.source}`);
  }

  dataset.divisions.forEach((d, index) => {
    mustExist({ file: 'divisions.json', index, key: d.code }, 'parent_code', d.parent_code, divisionCodes, 'division');
  });
  dataset.organizations.forEach((o, index) => {
    const ref = { file: 'organizations.json', index, key: o.slug };
    mustExist(ref, 'division_code', o.division_code, divisionCodes, 'division');
    o.citations.forEach((c, i) => mustQuote(ref, `citations.${i}`, c));
    const seenLinks = new Set<string>();
    o.links.forEach((link, i) => {
      mustExist(ref, `links.${i}.facility`, link.facility, facilitySlugs, 'facility');
      mustExist(ref, `links.${i}.program`, link.program, programSlugs, 'program');
      mustQuote(ref, `links.${i}`, link);
      const target = `${link.facility ? 'facility' : 'program'} ${link.facility ?? link.program} as ${link.role}`;
      if (seenLinks.has(target)) problems.push(`${describe(ref)}: field "links.${i}": links the ${target} twice`);
      seenLinks.add(target);
    });
  });
  dataset.facilities.forEach((f, index) => {
    const ref = { file: 'facilities.json', index, key: f.slug };
    mustExist(ref, 'division_code', f.division_code, divisionCodes, 'division');
    mustExist(ref, 'operator_slug', f.operator_slug, organizationSlugs, 'organization');
    f.citations.forEach((c, i) => mustQuote(ref, `citations.${i}`, c));
  });
  dataset.programs.forEach((p, index) => {
    const ref = { file: 'programs.json', index, key: p.slug };
    mustExist(ref, 'lead_organization_slug', p.lead_organization_slug, organizationSlugs, 'organization');
    mustExist(ref, 'parent_slug', p.parent_slug, programSlugs, 'program');
    mustExist(ref, 'division_code', p.division_code, divisionCodes, 'division');
    if (p.parent_slug === p.slug) problems.push(`${describe(ref)}: field "parent_slug": a program cannot be its own parent`);
    p.facilities.forEach((link, i) => mustExist(ref, `facilities.${i}.slug`, link.slug, facilitySlugs, 'facility'));
    p.citations.forEach((c, i) => mustQuote(ref, `citations.${i}`, c));
  });
  dataset.observations.forEach((o, index) => {
    const ref = { file: 'observations.json', index, key: o.key };
    const indicatorUnit = indicatorUnits.get(o.indicator);
    if (indicatorUnit === undefined) problems.push(`${describe(ref)}: field "indicator": no indicator ${JSON.stringify(o.indicator)} in indicators.json`);
    else if (indicatorUnit !== o.unit) problems.push(`${describe(ref)}: field "unit": ${o.unit} differs from its indicator's unit ${indicatorUnit}`);
    const kind = indicatorKinds.get(o.indicator);
    if (kind !== undefined && !measuresOfKind[kind].includes(o.measure)) {
      problems.push(`${describe(ref)}: field "measure": a figure of a ${kind} indicator is ${measuresOfKind[kind].join(' or ')}, not ${o.measure}`);
    }
    mustExist(ref, 'division_code', o.division_code, divisionCodes, 'division');
    mustExist(ref, 'facility_slug', o.facility_slug, facilitySlugs, 'facility');
    mustExist(ref, 'program_slug', o.program_slug, programSlugs, 'program');
    o.other_program_slugs.forEach((other, i) => mustExist(ref, `other_program_slugs.${i}`, other, programSlugs, 'program'));
    mustQuote(ref, 'citation', o.citation);
  });
  problems.push(
    ...cycles(
      dataset.divisions.map((d) => [d.code, d.parent_code]),
      'divisions.json',
      'parent_code',
    ),
  );
  problems.push(
    ...cycles(
      dataset.programs.map((p) => [p.slug, p.parent_slug]),
      'programs.json',
      'parent_slug',
    ),
  );
  return problems;
}

function cycles(edges: [string, string | null | undefined][], file: string, field: string): string[] {
  const parentOf = new Map(edges);
  const problems: string[] = [];
  for (const [start] of edges) {
    const seen = new Set<string>([start]);
    for (let at = parentOf.get(start); at != null; at = parentOf.get(at)) {
      if (seen.has(at)) {
        problems.push(`${file}: record ${JSON.stringify(start)}: field "${field}": the parent chain loops back to ${JSON.stringify(at)}`);
        break;
      }
      seen.add(at);
    }
  }
  return problems;
}
