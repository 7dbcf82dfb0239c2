import type { PublicationSettings } from '../../config.js';
import type { CatalogFacts } from './catalogFacts.js';
import { datasetText } from './datasetText.js';
import { downloads } from './distributions.js';

/**
 * The dataset as schema.org describes it, for the explorer page: what dataset search engines read
 * (https://schema.org/Dataset). The same facts as the DCAT record, in their vocabulary.
 */
export function schemaOrgDataset(facts: CatalogFacts, publication: PublicationSettings, baseUrl: string): Record<string, unknown> {
  const words = datasetText(facts, publication);
  const publisher = publication.publisher ? { '@type': 'Organization', name: publication.publisher } : undefined;
  const box = facts.bbox;
  return {
    '@context': 'https://schema.org/',
    '@type': 'Dataset',
    '@id': `${baseUrl}/v1/catalog#dataset`,
    name: words.titleEn,
    alternateName: words.titleZh,
    description: `${words.descriptionEn} ${words.descriptionZh}`,
    url: `${baseUrl}/`,
    sameAs: `${baseUrl}/v1/catalog`,
    keywords: [...words.keywordsEn, ...words.keywordsZh],
    inLanguage: ['zh', 'en'],
    version: String(facts.dataVersion),
    dateModified: facts.modified,
    isAccessibleForFree: true,
    ...(publication.license ? { license: publication.license } : {}),
    ...(publisher ? { publisher, creator: publisher } : {}),
    ...(facts.temporal ? { temporalCoverage: `${facts.temporal.start}/${facts.temporal.end}` } : {}),
    ...(facts.area
      ? {
          spatialCoverage: {
            '@type': 'Place',
            name: `${facts.area.nameEn}, Chongqing (${facts.area.nameZh})`,
            // schema.org's box: the lower corner, then the upper one, each "latitude longitude".
            ...(box ? { geo: { '@type': 'GeoShape', box: `${box.south} ${box.west} ${box.north} ${box.east}` } } : {}),
          },
        }
      : {}),
    distribution: downloads().map((file) => ({
      '@type': 'DataDownload',
      name: file.titleEn,
      encodingFormat: file.format.mediaType,
      contentUrl: `${baseUrl}${file.path}`,
    })),
    isBasedOn: facts.sources.map((source) => ({
      '@type': 'CreativeWork',
      name: source.titleZh,
      alternateName: source.titleEn,
      ...(source.url ? { url: source.url } : {}),
      ...(source.publishedOn ? { datePublished: source.publishedOn } : {}),
      ...(source.publisherZh || source.publisherEn ? { publisher: { '@type': 'Organization', name: source.publisherZh ?? source.publisherEn } } : {}),
    })),
  };
}
