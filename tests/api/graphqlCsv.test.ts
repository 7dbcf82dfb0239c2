import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const seed = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../../seeds/${name}.json`, import.meta.url), 'utf8')) as T;
const seedFacilities = seed<{ slug: string; division_code: string | null; name_zh: string }[]>('facilities');
const seedObservations =
  seed<{ key: string; indicator: string; value: number; qualifier: string; unit: string; period: { start: string | null; end: string } }[]>('observations');

const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8; header=present';

/** POST with Accept: text/csv. */
async function csvByAccept(query: string, variables?: Record<string, unknown>) {
  return fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/csv' },
    body: JSON.stringify({ query, variables }),
  });
}

/** GET with ?format=csv, as a link in a browser or a spreadsheet's "from web" would. */
async function csvByFormat(query: string, extra: Record<string, string> = {}) {
  return fetch(`${api.url}/graphql?${new URLSearchParams({ query, format: 'csv', ...extra })}`);
}

/** The CSV read back: the header row and each record as column → text. */
async function readCsv(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe(CSV_MEDIA_TYPE);
  expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="[\w.-]+\.csv"$/);
  const text = await response.text();
  const [header = [], ...rows] = parse(text, { bom: true }) as string[][];
  return { text, header, records: rows.map((row) => Object.fromEntries(header.map((column, i) => [column, row[i]!]))) };
}

/** What a field of the JSON answer becomes in the CSV. */
const cell = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

describe('GraphQL answers as CSV', () => {
  it('facilities with their division: one row per node, the same values as the JSON answer and the seed', async () => {
    const query = '{ facilities(first: 100) { totalCount nodes { slug name category division { code name } } } }';
    const json = await api.data<{
      facilities: {
        totalCount: number;
        nodes: { slug: string; name: string; category: string; division: { code: string; name: string } | null }[];
      };
    }>(query, undefined, { 'accept-language': 'zh' });
    const { header, records } = await readCsv(
      await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/csv', 'accept-language': 'zh' },
        body: JSON.stringify({ query }),
      }),
    );
    expect(header).toEqual(['slug', 'name', 'category', 'division.code', 'division.name']);
    expect(records).toEqual(
      json.facilities.nodes.map((node) => ({
        slug: node.slug,
        name: node.name,
        category: node.category,
        'division.code': cell(node.division?.code),
        'division.name': cell(node.division?.name),
      })),
    );
    // Checked against the source data, not only against the JSON answer.
    expect(records).toHaveLength(Math.min(100, seedFacilities.length));
    for (const facility of seedFacilities.filter((f) => records.some((r) => r.slug === f.slug))) {
      const record = records.find((r) => r.slug === facility.slug)!;
      expect(record['division.code'], facility.slug).toBe(facility.division_code ?? '');
      expect(record.name, facility.slug).toBe(facility.name_zh);
    }
  });

  it('observations over edges by ?format=csv: value, qualifier (约, 余), unit and period as in the seed', async () => {
    const query =
      '{ observations(first: 100) { edges { node { key value qualifier unit indicator { code } period { start end } source { document { slug } } } } } }';
    const json = await api.data<{
      observations: {
        edges: {
          node: { key: string; value: number; qualifier: string; unit: string; indicator: { code: string }; period: { start: string | null; end: string } };
        }[];
      };
    }>(query);
    const { header, records } = await readCsv(await csvByFormat(query));
    expect(header).toEqual(['key', 'value', 'qualifier', 'unit', 'indicator.code', 'period.start', 'period.end', 'source.document.slug']);
    expect(records.map((r) => [r.key, r.value, r.qualifier, r.unit, r['indicator.code'], r['period.start'], r['period.end']])).toEqual(
      json.observations.edges.map(({ node }) => [
        node.key,
        cell(node.value),
        node.qualifier,
        node.unit,
        node.indicator.code,
        cell(node.period.start),
        node.period.end,
      ]),
    );
    expect(records).toHaveLength(Math.min(100, seedObservations.length));
    for (const observation of seedObservations) {
      const record = records.find((r) => r.key === observation.key);
      if (!record) continue;
      expect(Number(record.value), observation.key).toBe(observation.value);
      expect(record.qualifier.toLowerCase(), observation.key).toBe(observation.qualifier);
      expect(record['indicator.code'], observation.key).toBe(observation.indicator);
      expect(record['period.end'], observation.key).toBe(observation.period.end);
    }
    // The hedges survive: every approximate figure in the seed is approximate in the CSV.
    const hedged = seedObservations.filter((o) => o.qualifier !== 'exact').map((o) => o.key);
    expect(hedged.length).toBeGreaterThan(0);
    for (const key of hedged) expect(records.find((r) => r.key === key)?.qualifier, key).not.toBe('EXACT');
  });

  it('programs, with the slugs of their facilities joined in one field', async () => {
    const query = '{ programs(first: 100) { nodes { slug kind status startDate endDate name facilities(first: 50) { nodes { slug } } } } }';
    const json = await api.data<{
      programs: {
        nodes: {
          slug: string;
          kind: string;
          status: string;
          startDate: string | null;
          endDate: string | null;
          name: string;
          facilities: { nodes: { slug: string }[] };
        }[];
      };
    }>(query);
    expect(json.programs.nodes.some((p) => p.facilities.nodes.length > 1)).toBe(true); // the join is exercised
    const { header, records } = await readCsv(await csvByAccept(query));
    expect(header).toEqual(['slug', 'kind', 'status', 'startDate', 'endDate', 'name', 'facilities.nodes.slug']);
    expect(records).toEqual(
      json.programs.nodes.map((p) => ({
        slug: p.slug,
        kind: p.kind,
        status: p.status,
        startDate: cell(p.startDate),
        endDate: cell(p.endDate),
        name: p.name,
        'facilities.nodes.slug': p.facilities.nodes.map((f) => f.slug).join('; '),
      })),
    );
  });

  it('bom=1 starts the body with a byte order mark; without it there is none', async () => {
    const query = '{ divisions(first: 5) { nodes { code name } } }';
    const withBom = await csvByFormat(query, { bom: '1' });
    expect(withBom.status).toBe(200);
    expect([...new Uint8Array(await withBom.arrayBuffer()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const plain = await csvByFormat(query);
    expect(new TextDecoder().decode(await plain.arrayBuffer()).startsWith('code,name\r\n')).toBe(true);
  });

  it('a nested list of records with several fields is refused with 400 naming its path', async () => {
    const query = '{ facilities(first: 100) { nodes { slug programs(first: 10) { nodes { slug name } } } } }';
    const json = await api.data<{ facilities: { nodes: { programs: { nodes: unknown[] } }[] } }>(query);
    expect(json.facilities.nodes.some((f) => f.programs.nodes.length > 0)).toBe(true); // some facility has programs to refuse
    const response = await csvByAccept(query);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toMatch(/facilities\.nodes\[\d+\]\.programs\.nodes/);
  });

  it('an answer with two lists is refused with 400 naming both', async () => {
    const response = await csvByFormat('{ facilities(first: 2) { nodes { slug } } programs(first: 2) { nodes { slug } } }');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toContain('facilities.nodes');
    expect(body.errors[0]!.message).toContain('programs.nodes');
  });

  it('the response cache keeps the JSON, the CSV and the CSV with a byte order mark apart', async () => {
    const cached = await startApi({ settings: { responseCacheMaxBytes: 1_000_000 } });
    try {
      const query = '{ divisions(first: 5) { nodes { code name } } }';
      const url = (extra: Record<string, string>) => `${cached.url}/graphql?${new URLSearchParams({ query, ...extra })}`;
      for (let round = 0; round < 2; round++) {
        const json = await fetch(url({}));
        const csv = await fetch(url({ format: 'csv' }));
        const bom = await fetch(url({ format: 'csv', bom: '1' }));
        expect([json, csv, bom].map((r) => r.headers.get('x-cache'))).toEqual(round === 0 ? ['miss', 'miss', 'miss'] : ['hit', 'hit', 'hit']);
        expect(json.headers.get('content-type')).toMatch(/^application\/json/);
        expect(((await json.json()) as { data: unknown }).data).toBeDefined();
        expect(csv.headers.get('content-type')).toBe(CSV_MEDIA_TYPE);
        expect(csv.headers.get('content-disposition')).toBe('attachment; filename="divisions.csv"');
        expect(new Uint8Array(await csv.arrayBuffer())[0]).toBe('c'.charCodeAt(0));
        expect(bom.headers.get('content-disposition')).toBe('attachment; filename="divisions.csv"');
        expect(new Uint8Array(await bom.arrayBuffer())[0]).toBe(0xef);
        // Two formats of one query, so their validators differ too.
        expect(new Set([json, csv, bom].map((r) => r.headers.get('etag'))).size).toBe(3);
      }
    } finally {
      await cached.close();
    }
  });

  it('a query with errors is never a CSV: its GraphQL errors come back as JSON', async () => {
    const response = await csvByAccept('{ facilities(first: 2) { nodes { slug noSuchField } } }');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).not.toMatch(/csv/);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors.map((e) => e.message).join(' ')).toContain('noSuchField');
  });
});
