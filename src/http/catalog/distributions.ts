/** What the API offers as files and as a service: the catalog's distributions and the page's DataDownloads. */

/** The record types of the bulk downloads (src/http/downloads). */
export const DOWNLOAD_TABLES = ['observations', 'facilities', 'programs', 'indicators', 'organizations', 'divisions'] as const;

export interface FileFormat {
  extension: string;
  mediaType: string;
  /** Its IANA registration; NDJSON has none. */
  ianaMediaType: string | undefined;
  /** Its term in the EU file-type vocabulary, where there is one. */
  euFileType: string | undefined;
  label: string;
}

const IANA = 'https://www.iana.org/assignments/media-types/';
const EU_FILE_TYPE = 'http://publications.europa.eu/resource/authority/file-type/';

export const FORMATS: Record<'csv' | 'json' | 'ndjson' | 'geojson', FileFormat> = {
  csv: { extension: 'csv', mediaType: 'text/csv', ianaMediaType: `${IANA}text/csv`, euFileType: `${EU_FILE_TYPE}CSV`, label: 'CSV' },
  json: { extension: 'json', mediaType: 'application/json', ianaMediaType: `${IANA}application/json`, euFileType: `${EU_FILE_TYPE}JSON`, label: 'JSON' },
  ndjson: { extension: 'ndjson', mediaType: 'application/x-ndjson', ianaMediaType: undefined, euFileType: undefined, label: 'NDJSON' },
  geojson: {
    extension: 'geojson',
    mediaType: 'application/geo+json',
    ianaMediaType: `${IANA}application/geo+json`,
    euFileType: `${EU_FILE_TYPE}GEOJSON`,
    label: 'GeoJSON',
  },
};

export interface Download {
  /** Stable local name, e.g. observations-csv. */
  name: string;
  path: string;
  format: FileFormat;
  titleEn: string;
  titleZh: string;
}

const TABLE_NAMES_ZH: Record<(typeof DOWNLOAD_TABLES)[number], string> = {
  observations: '统计数字',
  facilities: '设施',
  programs: '项目与活动',
  indicators: '指标',
  organizations: '机构',
  divisions: '行政区划',
};

/** Every file a client can download, the data package included. */
export function downloads(): Download[] {
  const tables = DOWNLOAD_TABLES.flatMap((table) =>
    (['csv', 'json', 'ndjson'] as const).map((format) => ({
      name: `${table}-${format}`,
      path: `/v1/data/${table}.${format}`,
      format: FORMATS[format],
      titleEn: `All ${table} (${FORMATS[format].label})`,
      titleZh: `全部${TABLE_NAMES_ZH[table]}（${FORMATS[format].label}）`,
    })),
  );
  return [
    ...tables,
    {
      name: 'facilities-geojson',
      path: '/v1/data/facilities.geojson',
      format: FORMATS.geojson,
      titleEn: 'Facilities with a location (GeoJSON)',
      titleZh: '有位置的设施（GeoJSON）',
    },
    {
      name: 'datapackage',
      path: '/v1/datapackage.json',
      format: FORMATS.json,
      titleEn: 'Data package: every table with its schema (Frictionless Data Package descriptor)',
      titleZh: '数据包：全部数据表及其结构（Frictionless Data Package 描述文件）',
    },
  ];
}

export const GRAPHQL_PATH = '/graphql';
/** The schema in GraphQL SDL, served beside the catalog (routes.ts). */
export const SCHEMA_SDL_PATH = '/v1/schema.graphql';
