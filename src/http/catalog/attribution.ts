import type { PublicationSettings } from '../../config.js';

/** A report figures of the dataset come from, as attribution names it (a row of the sources table). */
export interface AttributedSource {
  titleZh: string;
  titleEn: string;
  /** Who published the report, where the report says so. */
  publisherZh: string | null;
  publisherEn: string | null;
}

export interface Attribution {
  dataVersion: number | null;
  /** The data's licence as the deployment states it; null: not stated. */
  license: string | null;
  /** One line: who publishes the data, under which licence, and which report it comes from. */
  attribution: string;
}

/** Reports named in full before the rest are only counted: the line stays one line. */
const NAMED_SOURCES = 3;

/**
 * What every answer says about where its data comes from. Nothing is guessed: a licence or publisher the
 * deployment does not state is said to be not stated, and so is a report's publisher the report does not name.
 */
export function attributionOf(publication: PublicationSettings, dataVersion: number | undefined, sources: readonly AttributedSource[]): Attribution {
  const publisher = publication.publisher ? `Published by ${publication.publisher}` : 'Publisher of this dataset not stated';
  const license = publication.license ?? null;
  const terms = license ? `licence ${license}` : 'licence not stated';
  const named = sources.slice(0, NAMED_SOURCES).map(reportOf);
  const more = sources.length - named.length;
  const from =
    sources.length === 0
      ? 'No source report is loaded.'
      : `Figures taken from ${sources.length === 1 ? 'the report' : 'the reports'} ${named.join('; ')}${more > 0 ? ` and ${more} more` : ''}.`;
  return { dataVersion: dataVersion ?? null, license, attribution: `${publisher}; ${terms}. ${from}` };
}

function reportOf(source: AttributedSource): string {
  const publisher = source.publisherEn ?? source.publisherZh;
  return `《${source.titleZh}》 (${source.titleEn}; ${publisher ? `published by ${publisher}` : 'its publisher is not stated in it'})`;
}
