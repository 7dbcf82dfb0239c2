import type { PublicationSettings } from '../../config.js';
import type { CatalogFacts, CatalogSource } from './catalogFacts.js';
import { datasetText } from './datasetText.js';
import { downloads, GRAPHQL_PATH, SCHEMA_SDL_PATH } from './distributions.js';

/**
 * The catalog record: a DCAT-AP 3 catalog holding the dataset, its distributions and the GraphQL data
 * service, as JSON-LD with its context inline (nothing to fetch to read it). Every statement is read from
 * the data or the deployment's settings; what neither states is left out or said to be not stated.
 */

/** The vocabularies the record uses, by prefix (its JSON-LD context; the Turtle is written with the same prefixes). */
export const CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  prov: 'http://www.w3.org/ns/prov#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  gsp: 'http://www.opengis.net/ont/geosparql#',
};

/** The EU data themes the data truly falls under: society (elderly care, minors), education and culture, health. */
const THEMES = ['SOCI', 'EDUC', 'HEAL'].map((code) => `http://publications.europa.eu/resource/authority/data-theme/${code}`);
const LANGUAGES = ['ZHO', 'ENG'].map((code) => `http://publications.europa.eu/resource/authority/language/${code}`);

type Node = Record<string, unknown>;
const id = (iri: string) => ({ '@id': iri });
const text = (zh: string, en: string) => [
  { '@value': zh, '@language': 'zh' },
  { '@value': en, '@language': 'en' },
];
const typed = (value: string, type: string) => ({ '@value': value, '@type': type });

export interface CatalogRecordIds {
  catalog: string;
  dataset: string;
  service: string;
}

export function catalogRecordIds(baseUrl: string): CatalogRecordIds {
  return { catalog: `${baseUrl}/v1/catalog`, dataset: `${baseUrl}/v1/catalog#dataset`, service: `${baseUrl}/v1/catalog#graphql` };
}

export function dcatRecord(facts: CatalogFacts, publication: PublicationSettings, baseUrl: string): Node {
  const ids = catalogRecordIds(baseUrl);
  const words = datasetText(facts, publication);
  // Nodes named once and pointed at from everywhere they apply: fragments of the catalog record, which describes them.
  const publisher = publication.publisher ? { '@id': `${ids.catalog}#publisher`, '@type': 'foaf:Agent', 'foaf:name': publication.publisher } : undefined;
  const license = publication.license ? licenseNode(publication.license, ids.catalog) : undefined;
  const rights = { '@id': `${ids.catalog}#rights`, '@type': 'dct:RightsStatement', 'rdfs:label': text(words.rightsZh, words.rightsEn) };
  const ndjson = { '@id': `${ids.catalog}#format-ndjson`, '@type': 'dct:MediaTypeOrExtent', 'rdfs:label': 'application/x-ndjson' };
  const terms = license ? { 'dct:license': id(license['@id'] as string) } : { 'dct:rights': id(rights['@id']) };
  const sources = facts.sources.map((source) => sourceNode(source, ids.catalog));

  const files = downloads().map((file) => ({
    '@id': `${ids.dataset}-${file.name}`,
    '@type': 'dcat:Distribution',
    'dct:title': text(file.titleZh, file.titleEn),
    'dcat:accessURL': id(`${baseUrl}${file.path}`),
    'dcat:downloadURL': id(`${baseUrl}${file.path}`),
    ...(file.format.ianaMediaType ? { 'dcat:mediaType': id(file.format.ianaMediaType) } : {}),
    'dct:format': id(file.format.euFileType ?? ndjson['@id']),
    ...terms,
  }));
  const api = {
    '@id': `${ids.dataset}-graphql`,
    '@type': 'dcat:Distribution',
    'dct:title': text('GraphQL 接口', 'GraphQL API'),
    'dct:description': text('按需查询全部数据，每个数字附其出处。', 'Query all of the data as needed; every figure carries its source.'),
    'dcat:accessURL': id(`${baseUrl}${GRAPHQL_PATH}`),
    'dcat:accessService': id(ids.service),
    ...terms,
  };

  const dataset: Node = {
    '@id': ids.dataset,
    '@type': 'dcat:Dataset',
    'dct:title': text(words.titleZh, words.titleEn),
    'dct:description': text(words.descriptionZh, words.descriptionEn),
    'dcat:keyword': [
      ...words.keywordsZh.map((word) => ({ '@value': word, '@language': 'zh' })),
      ...words.keywordsEn.map((word) => ({ '@value': word, '@language': 'en' })),
    ],
    'dcat:theme': THEMES.map(id),
    'dct:language': LANGUAGES.map(id),
    'dcat:landingPage': id(`${baseUrl}/`),
    'dct:modified': typed(facts.modified, 'xsd:dateTime'),
    'dcat:version': String(facts.dataVersion),
    ...(publisher ? { 'dct:publisher': id(publisher['@id']) } : {}),
    ...(license ? { 'dct:license': id(license['@id'] as string) } : {}),
    'dct:rights': id(rights['@id']),
    'dct:provenance': { '@type': 'dct:ProvenanceStatement', 'rdfs:label': text(words.provenanceZh, words.provenanceEn) },
    ...(facts.temporal
      ? {
          'dct:temporal': {
            '@type': 'dct:PeriodOfTime',
            'dcat:startDate': typed(facts.temporal.start, 'xsd:date'),
            'dcat:endDate': typed(facts.temporal.end, 'xsd:date'),
          },
        }
      : {}),
    ...(facts.area ? { 'dct:spatial': locationNode(facts) } : {}),
    'dct:source': sources.map((source) => id(source['@id'] as string)),
    'prov:wasDerivedFrom': sources.map((source) => id(source['@id'] as string)),
    'dcat:distribution': [...files.map((file) => id(file['@id'])), id(api['@id'])],
  };
  const service: Node = {
    '@id': ids.service,
    '@type': 'dcat:DataService',
    'dct:title': text('民生 GraphQL 接口', 'Minsheng GraphQL API'),
    'dcat:endpointURL': id(`${baseUrl}${GRAPHQL_PATH}`),
    'dcat:endpointDescription': id(`${baseUrl}${SCHEMA_SDL_PATH}`),
    'dct:conformsTo': id('https://spec.graphql.org/'),
    'dcat:servesDataset': id(ids.dataset),
    'dcat:landingPage': id(`${baseUrl}/`),
    ...(publisher ? { 'dct:publisher': id(publisher['@id']) } : {}),
    ...terms,
  };
  const catalog: Node = {
    '@id': ids.catalog,
    '@type': 'dcat:Catalog',
    'dct:title': text(`${words.titleZh}：数据目录`, `${words.titleEn}: catalog`),
    'dct:description': text(words.descriptionZh, words.descriptionEn),
    'foaf:homepage': id(`${baseUrl}/`),
    'dct:modified': typed(facts.modified, 'xsd:dateTime'),
    ...(publisher ? { 'dct:publisher': id(publisher['@id']) } : {}),
    ...terms,
    'dcat:dataset': id(ids.dataset),
    'dcat:service': id(ids.service),
  };
  const shared = [publisher, license, rights, ...(files.some((file) => file['dct:format']['@id'] === ndjson['@id']) ? [ndjson] : [])];
  return { '@context': CONTEXT, '@graph': [catalog, dataset, ...files, api, service, ...sources, ...shared.filter((node) => node !== undefined)] };
}

/** A URL licence is named by its URL; anything else (an SPDX id) by its text: no licence URI is made up. */
function licenseNode(license: string, catalogId: string): Node {
  return /^https?:\/\//.test(license)
    ? { '@id': license, '@type': 'dct:LicenseDocument' }
    : { '@id': `${catalogId}#license`, '@type': 'dct:LicenseDocument', 'dct:identifier': license, 'rdfs:label': license };
}

/** The district by name and code, with the bounds of the facilities located in it (not the district's boundary). */
function locationNode(facts: CatalogFacts): Node {
  const area = facts.area!;
  const box = facts.bbox;
  return {
    '@type': 'dct:Location',
    'skos:prefLabel': text(`重庆市${area.nameZh}`, `${area.nameEn}, Chongqing`),
    'dct:identifier': area.code,
    ...(box
      ? {
          'dcat:bbox': typed(
            `POLYGON((${box.west} ${box.south}, ${box.east} ${box.south}, ${box.east} ${box.north}, ${box.west} ${box.north}, ${box.west} ${box.south}))`,
            'gsp:wktLiteral',
          ),
          'rdfs:comment': text(
            'dct:identifier 为 GB/T 2260 行政区划代码；bbox 为数据中设施位置的外包矩形，而非区界。',
            'dct:identifier is the GB/T 2260 division code; the bbox bounds the locations of the facilities in the data, not the district boundary.',
          ),
        }
      : {}),
  };
}

/** The report: by its URL where it has one, else by a fragment of the catalog record, which describes it. */
function sourceNode(source: CatalogSource, catalogId: string): Node {
  return {
    '@id': source.url ?? `${catalogId}#source-${encodeURIComponent(source.slug)}`,
    '@type': ['dct:BibliographicResource', 'prov:Entity'],
    'dct:title': text(source.titleZh, source.titleEn),
    ...(source.publisherZh || source.publisherEn
      ? { 'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': text(source.publisherZh ?? source.publisherEn!, source.publisherEn ?? source.publisherZh!) } }
      : {}),
    ...(source.publishedOn ? { 'dct:issued': typed(source.publishedOn, 'xsd:date') } : {}),
    'dct:rights': {
      '@type': 'dct:RightsStatement',
      'rdfs:label': source.licence ?? text('来源报告未说明其再利用条款。', 'The report does not state its terms of reuse.'),
    },
  };
}
