import { request as httpRequest } from 'node:http';
import { check as checkGeoJson } from '@placemarkio/check-geojson';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { connect } from '../../src/db/connection.js';
import { generateSynthetic } from '../../src/db/synthetic/generate.js';
import { startApi, type TestApi } from '../support/api.js';
import { databaseUrl, openTestDatabase, testBackend } from '../support/databases.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

type Filter = Record<string, unknown>;

const download = (base: string, path: string, query: Record<string, string> = {}, init: RequestInit = {}) =>
  fetch(`${base}/v1/data/${path}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`, init);

const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error;

const withFilter = (filter: Filter) => ({ filter: JSON.stringify(filter) });

function csvRecords(text: string): Record<string, string>[] {
  return parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
}

/** The GraphQL root field and filter type of each table. */
const graphqlOf = {
  observations: 'ObservationFilter',
  facilities: 'FacilityFilter',
  programs: 'ProgramFilter',
  indicators: 'IndicatorFilter',
  organizations: 'OrganizationFilter',
  divisions: 'DivisionFilter',
} as const;

async function totalCount(table: keyof typeof graphqlOf, filter: Filter | undefined): Promise<number> {
  const data = await api.data(`query($f: ${graphqlOf[table]}) { list: ${table}(filter: $f, first: 0) { totalCount } }`, { f: filter });
  return data.list.totalCount as number;
}

describe('bulk downloads: the same rows as GraphQL', () => {
  const cases: [keyof typeof graphqlOf, Filter | undefined][] = [
    ['observations', undefined],
    ['observations', { qualifier: ['APPROXIMATE', 'AT_LEAST'] }],
    ['observations', { and: [{ status: ['ACTUAL'] }, { value: { gte: 100 } }], not: { unit: ['PERCENT'] } }],
    ['observations', { divisionCode: ['500104'], or: [{ measure: ['LEVEL'] }, { measure: ['SHARE'] }] }],
    ['facilities', undefined],
    ['facilities', { domain: ['EDUCATION'] }],
    ['facilities', { program: { domain: ['CULTURE', 'HEALTH'] } }],
    ['facilities', { or: [{ hasLocation: true }, { status: ['PLANNED', 'UNDER_CONSTRUCTION'] }] }],
    ['programs', undefined],
    ['programs', { facility: { domain: ['EDUCATION'] }, not: { kind: ['EVENT_SERIES'] } }],
    ['indicators', undefined],
    ['organizations', undefined],
    ['divisions', undefined],
  ];

  it.each(cases)('%s.csv with filter %j has as many rows as totalCount', async (table, filter) => {
    const expected = await totalCount(table, filter);
    const response = await download(api.url, `${table}.csv`, filter ? withFilter(filter) : {});
    expect(response.status).toBe(200);
    expect(response.headers.get('x-row-count')).toBe(String(expected));
    const records = csvRecords(await response.text());
    expect(records).toHaveLength(expected);
    if (filter === undefined) expect(expected).toBeGreaterThan(0);
  });

  it('the filters narrow: every filtered download is a proper subset, none empty', async () => {
    const all = await totalCount('observations', undefined);
    for (const [table, filter] of cases.filter(([, filter]) => filter)) {
      const count = await totalCount(table, filter);
      expect(count, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(count, JSON.stringify(filter)).toBeLessThan(table === 'observations' ? all : await totalCount(table, undefined));
    }
  });

  it('observations.csv holds the values, units, hedges, periods, sources and quotes GraphQL gives for the same figures', async () => {
    const data = await api.data(`{ observations(first: 100) { totalCount nodes {
      key value unit qualifier measure status conflictsWith { key } indicator { code } period { start end } division { code } facility { slug } program { slug }
      source { quote document { slug url } } } } }`);
    expect(data.observations.totalCount).toBeLessThanOrEqual(100);
    const records = new Map(csvRecords(await (await download(api.url, 'observations.csv')).text()).map((record) => [record.key, record]));
    expect(records.size).toBe(data.observations.totalCount);
    for (const node of data.observations.nodes) {
      const record = records.get(node.key)!;
      expect(record, node.key).toBeDefined();
      expect(Number(record.value)).toBe(node.value);
      expect(record.unit).toBe(node.unit.toLowerCase());
      expect(record.qualifier).toBe(node.qualifier.toLowerCase());
      expect(record.measure).toBe(node.measure.toLowerCase());
      expect(record.status).toBe(node.status.toLowerCase());
      expect(record.indicator_code).toBe(node.indicator.code);
      expect(record.period_start).toBe(node.period.start ?? '');
      expect(record.period_end).toBe(node.period.end);
      expect(record.division_code).toBe(node.division?.code ?? '');
      expect(record.facility_slug).toBe(node.facility?.slug ?? '');
      expect(record.program_slug).toBe(node.program?.slug ?? '');
      expect(record.source).toBe(node.source.document.slug);
      expect(record.source_url).toBe(node.source.document.url ?? '');
      expect(record.quote).toBe(node.source.quote);
      // Figures that disagree share a conflict group: GraphQL names the others, the CSV the group.
      const others = [...records.values()].filter(
        (other) => other.key !== node.key && other.conflict_group !== '' && other.conflict_group === record.conflict_group,
      );
      expect(others.map((other) => other.key).sort()).toEqual(node.conflictsWith.map((other: { key: string }) => other.key).sort());
    }
    // The hedges of the source are carried, not smoothed away.
    expect([...records.values()].some((record) => record.qualifier !== 'exact')).toBe(true);
  });

  it('facilities.csv gives names in the language asked for, and locations, divisions and operators as GraphQL does', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const data = await api.data(`{ facilities(first: 100) { nodes { slug name(lang: ${lang.toUpperCase()}) location { longitude latitude precision }
        division { code } operator { slug } } } }`);
      const records = new Map(csvRecords(await (await download(api.url, 'facilities.csv', { lang })).text()).map((record) => [record.slug, record]));
      expect(records.size).toBe(data.facilities.nodes.length);
      for (const node of data.facilities.nodes) {
        const record = records.get(node.slug)!;
        expect(record.name).toBe(node.name);
        expect(record.longitude === '' ? null : Number(record.longitude)).toBe(node.location?.longitude ?? null);
        expect(record.latitude === '' ? null : Number(record.latitude)).toBe(node.location?.latitude ?? null);
        expect(record.location_precision).toBe(node.location?.precision ?? '');
        expect(record.division_code).toBe(node.division?.code ?? '');
        expect(record.operator_slug).toBe(node.operator?.slug ?? '');
      }
    }
  });

  it('CSV is RFC 4180 (CRLF records, quoted fields); ?bom=1 starts it with a UTF-8 byte order mark for Excel', async () => {
    const plain = new Uint8Array(await (await download(api.url, 'observations.csv')).arrayBuffer());
    const withBom = new Uint8Array(await (await download(api.url, 'observations.csv', { bom: '1' })).arrayBuffer());
    expect([...plain.slice(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect([...withBom.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(Buffer.from(withBom.slice(3)).equals(Buffer.from(plain))).toBe(true);
    const text = Buffer.from(plain).toString('utf8');
    expect(text.startsWith('key,indicator_code,value,unit,qualifier,')).toBe(true);
    expect(text.split('\r\n')[0]).not.toContain('\n');
    // A quote holding a comma (，is not one, but 、 lists and ASCII commas occur in labels) is quoted, and parses back whole.
    expect(csvRecords(text).every((record) => Object.keys(record).length === 19)).toBe(true);
  });

  it('facilities.geojson is an RFC 7946 FeatureCollection: a Point of [longitude, latitude] or a null geometry, the CSV columns as properties', async () => {
    const response = await download(api.url, 'facilities.geojson');
    expect(response.headers.get('content-type')).toBe('application/geo+json');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="facilities.geojson"');
    const text = await response.text();
    expect(() => checkGeoJson(text)).not.toThrow();
    const collection = JSON.parse(text);
    expect(collection.type).toBe('FeatureCollection');
    const data = await api.data(`{ facilities(first: 100) { totalCount nodes { slug location { longitude latitude } } } }`);
    expect(collection.features).toHaveLength(data.facilities.totalCount);
    const bySlug = new Map(collection.features.map((feature: any) => [feature.properties.slug, feature]));
    const header = csvRecords(await (await download(api.url, 'facilities.csv')).text())[0]!;
    for (const node of data.facilities.nodes) {
      const feature: any = bySlug.get(node.slug);
      expect(feature.type).toBe('Feature');
      expect(Object.keys(feature.properties)).toEqual(Object.keys(header));
      // The report gives no facility's coordinates: every geometry is null, as RFC 7946 allows (located ones: below).
      expect(node.location).toBeNull();
      expect(feature.geometry).toBeNull();
    }
  });

  it('NDJSON is one JSON object a line, JSON one array: the same records, with the CSV columns', async () => {
    const ndjson = await download(api.url, 'programs.ndjson');
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const text = await ndjson.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const json = await download(api.url, 'programs.json');
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toEqual(lines);
    const csv = csvRecords(await (await download(api.url, 'programs.csv')).text());
    expect(lines).toHaveLength(csv.length);
    expect(lines.map((line) => line.slug)).toEqual(csv.map((record) => record.slug));
    expect(Object.keys(lines[0])).toEqual(Object.keys(csv[0]!));
    // An empty filter result is a valid empty document in every format.
    const none = withFilter({ and: [{ hasLocation: true }, { hasLocation: false }] });
    expect(await (await download(api.url, 'facilities.json', none)).json()).toEqual([]);
    expect(await (await download(api.url, 'facilities.ndjson', none)).text()).toBe('');
    expect(JSON.parse(await (await download(api.url, 'facilities.geojson', none)).text())).toEqual({ type: 'FeatureCollection', features: [] });
  });
});

describe('bulk downloads: HTTP', () => {
  it('ETag and Last-Modified follow the data version; a matching If-None-Match or If-Modified-Since gets 304', async () => {
    const first = await download(api.url, 'indicators.csv');
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"\d+-[\w-]+"$/);
    expect(new Date(lastModified).getTime()).toBeLessThanOrEqual(Date.now());
    await first.text();
    const again = await download(api.url, 'indicators.csv', {}, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await download(api.url, 'indicators.csv', {}, { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
    const other = await download(api.url, 'indicators.csv', { lang: 'en' }, { headers: { 'if-none-match': etag } });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);
    await other.text();
  });

  it('HEAD answers the headers of the download without its body', async () => {
    const head = await download(api.url, 'facilities.csv', {}, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(head.headers.get('content-disposition')).toBe('attachment; filename="facilities.csv"');
    expect(head.headers.get('x-row-count')).toBe(String(await totalCount('facilities', undefined)));
    expect(await head.text()).toBe('');
  });

  it.each(
    [
      [{ filter: '{"domain":' }, /not valid JSON/],
      [{ filter: '["EDUCATION"]' }, /must be a JSON object/],
      [{ filter: '{"colour":["red"]}' }, /not a valid FacilityFilter.*colour/],
      [{ filter: '{"domain":["SCHOOLS"]}' }, /filter\.domain\.0.*SCHOOLS/],
      [{ filter: '{"operatorSlug":["no-such-operator"]}' }, /organization slug "no-such-operator"/],
      [{ filter: '{"near":{"latitude":29.48,"longitude":106.48,"radiusMeters":-5}}' }, /radius|metres|more than 0/i],
      [{ filter: JSON.stringify({ slug: Array.from({ length: 1001 }, (_, i) => `s${i}`) }) }, /1001 values; the limit is 1000/],
      [{ lang: 'fr' }, /`lang` must be zh or en/],
      [{ bom: 'yes' }, /`bom` must be 1/],
      [{ page: '2' }, /Unknown parameter `page`/],
    ].map(([query, message]) => ({ query: query as Record<string, string>, message: message as RegExp, label: JSON.stringify(query).slice(0, 80) })),
  )('a bad request $label is a 400 that says what to change', async ({ query, message }) => {
    const response = await download(api.url, 'facilities.csv', query);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await errorOf(response)).toMatch(message);
  });

  it('an observation filter on a value range with no possible match says so', async () => {
    const response = await download(api.url, 'observations.csv', withFilter({ value: { gt: 10, lt: 5 } }));
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatch(/can match nothing/);
  });

  it('a table or format that does not exist is a 404 naming what does', async () => {
    for (const path of ['observations.geojson', 'people.csv', 'facilities.xlsx']) {
      const response = await download(api.url, path);
      expect(response.status, path).toBe(404);
      expect(await errorOf(response)).toMatch(/observations, facilities, programs, indicators, organizations, divisions/);
    }
  });
});

describe('bulk downloads: rate limits', () => {
  it('a download costs a point a row, and one over the budget is refused with 429 and Retry-After before it starts', async () => {
    const observations = await totalCount('observations', undefined);
    const indicators = await totalCount('indicators', undefined);
    const limited = await startApi({ settings: { rateLimits: { anonymous: observations - 1 } } });
    try {
      const refused = await download(limited.url, 'observations.csv');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await errorOf(refused)).toMatch(new RegExp(`${observations} rows`));
      const allowed = await download(limited.url, 'indicators.csv');
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('ratelimit-remaining')).toBe(String(observations - 1 - indicators));
      await allowed.text();
    } finally {
      await limited.close();
    }
  });
});

describe.runIf(testBackend() === 'postgres')(
  'bulk downloads: every slot taken (PostgreSQL only: a lock held by a second session keeps the first download running)',
  () => {
    /**
     * A server with one slot and `queued` places in line, whose first download is held in the database (its
     * count waits for a lock this test holds) until `work` is done; the lock is then released.
     */
    async function withOneDownloadHeld<T>(
      downloads: { queued: number; waitMs: number },
      work: (url: string, held: Promise<Response>) => Promise<T>,
    ): Promise<T> {
      const db = await openTestDatabase(inject('seeded'));
      const server = await startApi({ db, settings: { downloads: { concurrent: 1, ...downloads } } });
      const locker = await connect({ kind: 'postgres', url: databaseUrl(db.name), poolSize: 1 });
      try {
        return await locker.drizzle.transaction(async (tx) => {
          await tx.execute(sql`lock table facilities in access exclusive mode`);
          const held = download(server.url, 'facilities.csv');
          // The download holds the slot once its statement waits for the lock.
          while ((await db.rows(sql`select 1 from pg_locks where not granted and relation = 'facilities'::regclass`)).length === 0) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          return work(server.url, held);
        });
      } finally {
        await locker.close();
        await server.close();
        await db.close();
      }
    }

    async function expectWhole(response: Response, rows: number): Promise<void> {
      expect(response.status).toBe(200);
      expect(csvRecords(await response.text())).toHaveLength(rows);
    }

    it('a download waits its turn in a bounded line; one more than the line holds is refused at once with 503 and Retry-After', async () => {
      const facilities = await totalCount('facilities', undefined);
      const { held, waited } = await withOneDownloadHeld({ queued: 1, waitMs: 600_000 }, async (url, held) => {
        const second = download(url, 'facilities.csv');
        const third = download(url, 'facilities.csv');
        // One of the two takes the only place in line; the other is answered while the first is still held.
        const { refused, waited } = await Promise.race([
          second.then((refused) => ({ refused, waited: third })),
          third.then((refused) => ({ refused, waited: second })),
        ]);
        expect(refused.status).toBe(503);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await errorOf(refused)).toMatch(/1 downloads are running on this server and others are waiting; retry/);
        return { held, waited };
      });
      // The lock is gone: the held download and the one that waited are both whole.
      await expectWhole(await held, facilities);
      await expectWhole(await waited, facilities);
    });

    it('a download that waits longer than DOWNLOADS_QUEUE_WAIT_MS is refused with 503; the held one is still whole', async () => {
      const facilities = await totalCount('facilities', undefined);
      // Wrapped: a promise handed back would be awaited inside the transaction, which holds the lock it waits for.
      const { held } = await withOneDownloadHeld({ queued: 4, waitMs: 300 }, async (url, held) => {
        const refused = await download(url, 'facilities.csv');
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('5');
        return { held };
      });
      await expectWhole(await held, facilities);
    });
  },
);

describe('bulk downloads: many rows', () => {
  let large: TestApi;
  beforeAll(async () => {
    large = await startApi();
    await generateSynthetic(large.db, { facilities: 150, observations: 5_000 }, () => {});
  }, 120_000);
  afterAll(async () => {
    await large?.close();
  });

  it('streams every row once, across many batches, in every format', async () => {
    const expected = Number((await large.data('{ observations(first: 0) { totalCount } }')).observations.totalCount);
    expect(expected).toBeGreaterThan(5_000);
    const csv = csvRecords(await (await download(large.url, 'observations.csv')).text());
    expect(csv).toHaveLength(expected);
    expect(new Set(csv.map((record) => record.key)).size).toBe(expected);
    const lines = (await (await download(large.url, 'observations.ndjson')).text()).trimEnd().split('\n');
    expect(lines).toHaveLength(expected);
    expect(lines.map((line) => JSON.parse(line).key)).toEqual(csv.map((record) => record.key));
  });

  it('a client that goes away midway leaves the server serving: every later download is whole', async () => {
    for (let i = 0; i < 6; i++) {
      await new Promise<void>((resolve, reject) => {
        const request = httpRequest(`${large.url}/v1/data/observations.csv`, (response) => {
          if (response.statusCode !== 200) return reject(new Error(`abandoned download ${i} answered ${response.statusCode}, not 200`));
          response.once('data', () => {
            // One chunk read, then the connection is dropped with most of the file unsent.
            request.destroy();
            resolve();
          });
        });
        request.on('error', (error) => (error.message.includes('socket hang up') ? resolve() : reject(error)));
        request.end();
      });
    }
    // More downloads than may run at once, one after another: none is held by an abandoned one.
    const counts = await large.data('{ observations(first: 0) { totalCount } facilities(first: 0) { totalCount } }');
    const expected = Number(counts.observations.totalCount);
    const facilities = Number(counts.facilities.totalCount);
    for (let i = 0; i < 5; i++) {
      const response = await download(large.url, 'facilities.csv');
      expect(response.status).toBe(200);
      expect(csvRecords(await response.text())).toHaveLength(facilities);
    }
    expect(csvRecords(await (await download(large.url, 'observations.csv')).text())).toHaveLength(expected);
    const health = await fetch(`${large.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await large.query('{ indicators(first: 1) { totalCount } }')).status).toBe(200);
  }, 120_000);

  it('facilities.geojson puts located facilities at Point [longitude, latitude], as GraphQL places them', async () => {
    const text = await (await download(large.url, 'facilities.geojson')).text();
    expect(() => checkGeoJson(text)).not.toThrow();
    const features: any[] = JSON.parse(text).features;
    const data = await large.data(`{ facilities(first: 100, filter: { hasLocation: true }) { totalCount nodes { slug location { longitude latitude } } } }`);
    expect(data.facilities.totalCount).toBeGreaterThan(0);
    expect(features.filter((feature) => feature.geometry !== null)).toHaveLength(data.facilities.totalCount);
    const bySlug = new Map(features.map((feature) => [feature.id, feature]));
    for (const node of data.facilities.nodes) {
      const feature = bySlug.get(node.slug);
      expect(feature.geometry).toEqual({ type: 'Point', coordinates: [node.location.longitude, node.location.latitude] });
      expect([feature.properties.longitude, feature.properties.latitude]).toEqual(feature.geometry.coordinates);
    }
    for (const feature of features.filter((feature) => feature.geometry)) {
      const [lon, lat] = feature.geometry.coordinates;
      expect(Math.abs(lon)).toBeLessThanOrEqual(180);
      expect(Math.abs(lat)).toBeLessThanOrEqual(90);
    }
  });
});

describe('bulk downloads: retired records', () => {
  it('a figure about a retired program names no program, as GraphQL does, so the package keeps its foreign keys', async () => {
    const own = await startApi();
    try {
      const { observations } = await own.data<{ observations: { nodes: { key: string; program: { slug: string } }[] } }>(
        '{ observations(filter: { hasProgram: true }, first: 1) { nodes { key program { slug } } } }',
      );
      const figure = observations.nodes[0]!;
      const keyFilter = withFilter({ key: [figure.key] });
      const before = csvRecords(await (await download(own.url, 'observations.csv', keyFilter)).text());
      expect(before.map((row) => row.program_slug)).toEqual([figure.program.slug]);
      await own.db.rows(sql`update programs set retired_at = now() where slug = ${figure.program.slug}`);
      const after = csvRecords(await (await download(own.url, 'observations.csv', keyFilter)).text());
      expect(after.map((row) => [row.key, row.program_slug])).toEqual([[figure.key, '']]);
      const { observations: again } = await own.data<{ observations: { nodes: { program: unknown }[] } }>(
        'query ($key: [String!]) { observations(filter: { key: $key }) { nodes { program { slug } } } }',
        { key: [figure.key] },
      );
      expect(again.nodes).toEqual([{ program: null }]);
      const programs = csvRecords(await (await download(own.url, 'programs.csv')).text());
      expect(programs.map((row) => row.slug)).not.toContain(figure.program.slug);
    } finally {
      await own.close();
    }
  });
});
