import { request as httpRequest } from 'node:http';
import jsonld from 'jsonld';
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributionOf } from '../../src/http/catalog/attribution.js';
import { startApi, type TestApi } from '../support/api.js';

const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const FOAF = 'http://xmlns.com/foaf/0.1/';
const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';
const BASE = 'https://data.example';
const publication = { license: 'CC-BY-4.0', publisher: 'Dadukou Open Data Office', baseUrl: BASE };

const TABLES = ['observations', 'facilities', 'programs', 'indicators', 'organizations', 'divisions'];
const downloadPaths = [
  ...TABLES.flatMap((table) => ['csv', 'json', 'ndjson'].map((format) => `/v1/data/${table}.${format}`)),
  '/v1/data/facilities.geojson',
  '/v1/datapackage.json',
];

type Expanded = Record<string, unknown[] | string | undefined> & { '@id'?: string; '@type'?: string[] };

let stated: TestApi;
let unstated: TestApi;
/** What the catalog must say, read through GraphQL from the seeded data. */
let truth: {
  source: { titleZh: string; titleEn: string; publisher: string | null; licence: string | null };
  periodStart: string;
  periodEnd: string;
  district: { code: string; nameEn: string };
  /** The bounds of the located facilities; none when no facility has a location (the report gives no coordinates). */
  bbox: { west: number; south: number; east: number; north: number } | null;
};

beforeAll(async () => {
  [stated, unstated] = await Promise.all([startApi({ publication }), startApi()]);
  const data = await stated.data(`{
    sources(first: 10) { nodes { titleZh: title(lang: ZH) titleEn: title(lang: EN) publisher licence } }
    observations(first: 100) { nodes { period { start end } } }
    divisions(first: 100) { nodes { code nameEn: name(lang: EN) parent { code } } }
    facilities(first: 100) { nodes { location { longitude latitude } } }
  }`);
  const periods = data.observations.nodes.map((node: { period: { start: string | null; end: string } }) => node.period);
  const points = data.facilities.nodes.flatMap((node: { location: { longitude: number; latitude: number } | null }) => (node.location ? [node.location] : []));
  expect(data.sources.nodes).toHaveLength(1);
  truth = {
    source: data.sources.nodes[0],
    periodStart: periods.map((p: { start: string | null; end: string }) => p.start ?? p.end).sort()[0],
    periodEnd: periods
      .map((p: { end: string }) => p.end)
      .sort()
      .at(-1),
    district: data.divisions.nodes.find((node: { parent: unknown }) => node.parent === null),
    bbox:
      points.length === 0
        ? null
        : {
            west: Math.min(...points.map((p: { longitude: number }) => p.longitude)),
            east: Math.max(...points.map((p: { longitude: number }) => p.longitude)),
            south: Math.min(...points.map((p: { latitude: number }) => p.latitude)),
            north: Math.max(...points.map((p: { latitude: number }) => p.latitude)),
          },
  };
});
afterAll(async () => {
  await Promise.all([stated?.close(), unstated?.close()]);
});

async function catalog(api: TestApi, accept?: string) {
  const response = await fetch(`${api.url}/v1/catalog`, { headers: accept ? { accept } : {} });
  return { response, body: await response.text() };
}

/** The catalog's nodes, expanded to full IRIs by the JSON-LD algorithms (no local shortcut in reading it). */
async function expandedNodes(body: string): Promise<Map<string, Expanded>> {
  // Flattened without a context: an array of nodes, every blank node named, every IRI in full.
  const flattened = (await jsonld.flatten(JSON.parse(body))) as unknown as Expanded[];
  return new Map(flattened.map((node) => [node['@id']!, node]));
}

const ids = (node: Expanded | undefined, property: string) => ((node?.[property] as { '@id': string }[] | undefined) ?? []).map((value) => value['@id']);
const values = (node: Expanded | undefined, property: string) =>
  ((node?.[property] as { '@value': string }[] | undefined) ?? []).map((value) => value['@value']);
const ofType = (nodes: Map<string, Expanded>, type: string) => [...nodes.values()].filter((node) => node['@type']?.includes(type));

describe('GET /v1/catalog', () => {
  it('is a DCAT-AP record in JSON-LD by default: every download and the GraphQL service are distributions', async () => {
    const { response, body } = await catalog(stated);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
    const nodes = await expandedNodes(body);
    const [dataset] = ofType(nodes, `${DCAT}Dataset`);
    expect(dataset!['@id']).toBe(`${BASE}/v1/catalog#dataset`);
    const distributions = ids(dataset, `${DCAT}distribution`).map((id) => nodes.get(id)!);
    const downloads = distributions.flatMap((distribution) => ids(distribution, `${DCAT}downloadURL`));
    expect(downloads.sort()).toEqual(downloadPaths.map((path) => `${BASE}${path}`).sort());
    for (const distribution of distributions) expect(ids(distribution, `${DCAT}accessURL`)).toHaveLength(1);
    // The GraphQL endpoint: a distribution reached through the data service, which serves this dataset.
    const [service] = ofType(nodes, `${DCAT}DataService`);
    expect(ids(service, `${DCAT}endpointURL`)).toEqual([`${BASE}/graphql`]);
    expect(ids(service, `${DCAT}servesDataset`)).toEqual([dataset!['@id']]);
    expect(distributions.filter((distribution) => ids(distribution, `${DCAT}accessService`).includes(service!['@id']!))).toHaveLength(1);
    // The service's description is the schema, served.
    const [sdlUrl] = ids(service, `${DCAT}endpointDescription`);
    const sdl = await fetch(`${stated.url}${new URL(sdlUrl!).pathname}`);
    expect(sdl.status).toBe(200);
    expect(await sdl.text()).toContain('type Query');
    const [catalogNode] = ofType(nodes, `${DCAT}Catalog`);
    expect(ids(catalogNode, `${DCAT}dataset`)).toEqual([dataset!['@id']]);
    expect(ids(catalogNode, `${DCAT}service`)).toEqual([service!['@id']]);
  });

  it('says what the data says: period, area, bounding box, source report, themes, modification time', async () => {
    const nodes = await expandedNodes((await catalog(stated)).body);
    const [dataset] = ofType(nodes, `${DCAT}Dataset`);
    const temporal = nodes.get(ids(dataset, `${DCT}temporal`)[0]!);
    expect(values(temporal, `${DCAT}startDate`)).toEqual([truth.periodStart]);
    expect(values(temporal, `${DCAT}endDate`)).toEqual([truth.periodEnd]);
    const place = nodes.get(ids(dataset, `${DCT}spatial`)[0]!);
    expect(values(place, `${DCT}identifier`)).toEqual([truth.district.code]);
    expect(values(place, 'http://www.w3.org/2004/02/skos/core#prefLabel').some((label) => label.startsWith(truth.district.nameEn))).toBe(true);
    // A box only where facilities have locations: none is drawn around nothing.
    const box = truth.bbox;
    expect(values(place, `${DCAT}bbox`)).toEqual(
      box
        ? [`POLYGON((${box.west} ${box.south}, ${box.east} ${box.south}, ${box.east} ${box.north}, ${box.west} ${box.north}, ${box.west} ${box.south}))`]
        : [],
    );
    const sourceIds = ids(dataset, `${DCT}source`);
    expect(ids(dataset, 'http://www.w3.org/ns/prov#wasDerivedFrom')).toEqual(sourceIds);
    expect(values(nodes.get(sourceIds[0]!), `${DCT}title`).sort()).toEqual([truth.source.titleEn, truth.source.titleZh].sort());
    expect(ids(dataset, `${DCAT}theme`).sort()).toEqual(
      ['EDUC', 'HEAL', 'SOCI'].map((code) => `http://publications.europa.eu/resource/authority/data-theme/${code}`),
    );
    expect(values(dataset, `${DCT}title`)).toHaveLength(2);
    expect(values(dataset, `${DCAT}keyword`).length).toBeGreaterThan(4);
    const [modified] = values(dataset, `${DCT}modified`);
    expect(Number.isNaN(Date.parse(modified!))).toBe(false);
  });

  it('names the licence and publisher the deployment states', async () => {
    const nodes = await expandedNodes((await catalog(stated)).body);
    const [dataset] = ofType(nodes, `${DCAT}Dataset`);
    const publisher = nodes.get(ids(dataset, `${DCT}publisher`)[0]!);
    expect(values(publisher, `${FOAF}name`)).toEqual([publication.publisher]);
    const license = nodes.get(ids(dataset, `${DCT}license`)[0]!);
    expect(values(license, `${DCT}identifier`)).toEqual([publication.license]);
    for (const id of ids(dataset, `${DCAT}distribution`)) expect(ids(nodes.get(id), `${DCT}license`), id).toHaveLength(1);
  });

  it('says plainly that no licence is stated when none is, and states no publisher', async () => {
    const { body } = await catalog(unstated);
    const nodes = await expandedNodes(body);
    const [dataset] = ofType(nodes, `${DCAT}Dataset`);
    expect(dataset![`${DCT}license`]).toBeUndefined();
    expect(dataset![`${DCT}publisher`]).toBeUndefined();
    for (const node of nodes.values()) expect(node[`${DCT}license`], node['@id']).toBeUndefined();
    const rights = values(nodes.get(ids(dataset, `${DCT}rights`)[0]!), `${RDFS}label`);
    expect(rights.join(' ')).toContain('No licence is stated for this dataset. The source report does not state its own terms of reuse either');
    expect(rights.join(' ')).toContain('本数据集未声明许可');
    // The report's licence field is empty in the data: that is why the record says so.
    expect(truth.source.licence).toBeNull();
    // Without PUBLIC_BASE_URL, links are made from the request's host.
    expect(dataset!['@id']).toBe(`${unstated.url}/v1/catalog#dataset`);
  });

  it('is the same graph as Turtle', async () => {
    const ttl = await catalog(stated, 'text/turtle');
    expect(ttl.response.status).toBe(200);
    expect(ttl.response.headers.get('content-type')).toBe('text/turtle; charset=utf-8');
    const turtleQuads = new Parser({ format: 'text/turtle' }).parse(ttl.body);
    const fromJsonLd = new Parser({ format: 'application/n-quads' }).parse(
      (await jsonld.toRDF(JSON.parse((await catalog(stated)).body), { format: 'application/n-quads' })) as unknown as string,
    );
    expect(turtleQuads.length).toBe(fromJsonLd.length);
    // Blank nodes are named anew by each parse: compare what does not hang on a blank node name.
    const named = (quads: typeof turtleQuads) =>
      quads
        .map(
          (quad) =>
            `${quad.subject.termType === 'BlankNode' ? '_' : quad.subject.value} ${quad.predicate.value} ${quad.object.termType === 'BlankNode' ? '_' : quad.object.value}`,
        )
        .sort();
    expect(named(turtleQuads)).toEqual(named(fromJsonLd));
    expect(ttl.body).toContain('@prefix dcat: <http://www.w3.org/ns/dcat#>.');
  });

  it('negotiates: q-values decide, wildcards count, anything else is a 406 naming both types', async () => {
    expect((await catalog(stated, 'text/turtle;q=0.9, application/ld+json;q=0.5')).response.headers.get('content-type')).toBe('text/turtle; charset=utf-8');
    expect((await catalog(stated, 'text/*')).response.headers.get('content-type')).toBe('text/turtle; charset=utf-8');
    expect((await catalog(stated, 'text/html, */*;q=0.8')).response.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
    const refused = await catalog(stated, 'text/html, application/json');
    expect(refused.response.status).toBe(406);
    expect(refused.response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const { error } = JSON.parse(refused.body) as { error: string };
    expect(error).toContain('application/ld+json');
    expect(error).toContain('text/turtle');
    expect((await catalog(stated, 'application/ld+json;q=0')).response.status).toBe(406);
  });

  it('has an ETag that follows the data version and the representation', async () => {
    const first = await catalog(stated);
    const etag = first.response.headers.get('etag')!;
    expect(etag).toMatch(/^"catalog-v\d+-jsonld-/);
    expect(first.response.headers.get('vary')).toContain('accept');
    const again = await fetch(`${stated.url}/v1/catalog`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const turtle = await catalog(stated, 'text/turtle');
    expect(turtle.response.headers.get('etag')).not.toBe(etag);
  });

  it('refuses a Host that is not a host name when no public URL is configured', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(unstated.url);
      const request = httpRequest({ host: url.hostname, port: url.port, path: '/v1/catalog', headers: { host: 'evil.example/<x>' } }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      });
      request.on('error', reject);
      request.end();
    });
    expect(status).toBe(400);
  });
});

describe('the explorer page', () => {
  it('holds a schema.org Dataset block that dataset search engines can read, and keeps its Content-Security-Policy', async () => {
    const response = await fetch(`${stated.url}/`);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy')!;
    expect(policy).toContain("script-src 'self'");
    const html = await response.text();
    const blocks = [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)];
    expect(blocks).toHaveLength(1);
    const dataset = JSON.parse(blocks[0]![1]!) as Record<string, any>;
    expect(dataset['@context']).toBe('https://schema.org/');
    expect(dataset['@type']).toBe('Dataset');
    expect(dataset.description.length).toBeGreaterThan(50);
    expect(dataset.license).toBe(publication.license);
    expect(dataset.publisher).toEqual({ '@type': 'Organization', name: publication.publisher });
    expect(dataset.temporalCoverage).toBe(`${truth.periodStart}/${truth.periodEnd}`);
    expect(dataset.spatialCoverage.name).toContain(truth.district.nameEn);
    expect(dataset.distribution.map((download: { contentUrl: string }) => download.contentUrl).sort()).toEqual(
      downloadPaths.map((path) => `${BASE}${path}`).sort(),
    );
    expect(dataset.distribution.find((download: { contentUrl: string }) => download.contentUrl.endsWith('.csv')).encodingFormat).toBe('text/csv');
    expect(dataset.isBasedOn).toEqual([expect.objectContaining({ '@type': 'CreativeWork', name: truth.source.titleZh, alternateName: truth.source.titleEn })]);
  });

  it('states no licence in the block when none is stated', async () => {
    const html = await (await fetch(`${unstated.url}/`)).text();
    const dataset = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]!) as Record<string, unknown>;
    expect(dataset.license).toBeUndefined();
    expect(dataset.publisher).toBeUndefined();
    expect(dataset.url).toBe(`${unstated.url}/`);
  });
});

describe('attributionOf', () => {
  it('names the publisher, the licence and the source report', () => {
    const source = { titleZh: truth.source.titleZh, titleEn: truth.source.titleEn, publisherZh: null, publisherEn: null };
    const given = attributionOf(publication, 7, [source]);
    expect(given.dataVersion).toBe(7);
    expect(given.license).toBe('CC-BY-4.0');
    expect(given.attribution).toBe(
      `Published by ${publication.publisher}; licence CC-BY-4.0. Figures taken from the report 《${truth.source.titleZh}》 (${truth.source.titleEn}; its publisher is not stated in it).`,
    );
    expect(given.attribution).not.toContain('\n');
  });

  it('says what is not stated, and counts reports beyond the third', () => {
    const source = { titleZh: truth.source.titleZh, titleEn: truth.source.titleEn, publisherZh: '某单位', publisherEn: 'Some Office' };
    const none = attributionOf({ license: undefined, publisher: undefined, baseUrl: undefined }, undefined, [source]);
    expect(none).toEqual({
      dataVersion: null,
      license: null,
      attribution: `Publisher of this dataset not stated; licence not stated. Figures taken from the report 《${truth.source.titleZh}》 (${truth.source.titleEn}; published by Some Office).`,
    });
    const many = attributionOf(publication, 1, [source, source, source, source, source]);
    expect(many.attribution).toMatch(/Figures taken from the reports .* and 2 more\.$/);
    expect(attributionOf(publication, 1, []).attribution).toContain('No source report is loaded.');
  });
});
