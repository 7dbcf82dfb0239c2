import { stringify } from 'csv-stringify/sync';
import type { Language } from '../../graphql/language.js';
import type { Cell, DownloadTable } from './tables.js';

type Row = Record<string, unknown>;

/** One download format: what comes before the rows, each batch of rows, and what comes after, as text. */
export interface Format {
  extension: 'csv' | 'json' | 'ndjson' | 'geojson';
  contentType: string;
  /** Sent as an attachment (a file to save) rather than shown. */
  attachment: boolean;
  start(): string;
  batch(rows: Row[], first: boolean): string;
  end(): string;
}

const BOM = '\uFEFF';

function cellsOf(table: DownloadTable, row: Row, language: Language): Cell[] {
  return table.columns.map((column) => column.read(row, language));
}

function recordOf(table: DownloadTable, row: Row, language: Language): Record<string, Cell> {
  const record: Record<string, Cell> = {};
  for (const column of table.columns) record[column.name] = column.read(row, language);
  return record;
}

// RFC 4180: CRLF between records, fields quoted when they hold a comma, quote or line break; empty is null.
const csvOptions = {
  record_delimiter: 'windows',
  cast: { boolean: (value: boolean) => (value ? 'true' : 'false') },
} as const;

export function formatOf(extension: string, table: DownloadTable, language: Language, bom: boolean): Format | undefined {
  switch (extension) {
    case 'csv':
      return {
        extension,
        contentType: 'text/csv; charset=utf-8; header=present',
        attachment: true,
        start: () => (bom ? BOM : '') + stringify([table.columns.map((column) => column.name)], csvOptions),
        batch: (rows) =>
          stringify(
            rows.map((row) => cellsOf(table, row, language)),
            csvOptions,
          ),
        end: () => '',
      };
    case 'json':
      return {
        extension,
        contentType: 'application/json; charset=utf-8',
        attachment: false,
        start: () => '[',
        batch: (rows, first) => (first ? '' : ',') + rows.map((row) => JSON.stringify(recordOf(table, row, language))).join(','),
        end: () => ']',
      };
    case 'ndjson':
      return {
        extension,
        contentType: 'application/x-ndjson; charset=utf-8',
        attachment: false,
        start: () => '',
        batch: (rows) => rows.map((row) => `${JSON.stringify(recordOf(table, row, language))}\n`).join(''),
        end: () => '',
      };
    case 'geojson':
      if (table.name !== 'facilities') return undefined;
      return {
        extension,
        contentType: 'application/geo+json',
        attachment: true,
        start: () => '{"type":"FeatureCollection","features":[',
        batch: (rows, first) => (first ? '' : ',') + rows.map((row) => JSON.stringify(featureOf(table, row, language))).join(','),
        end: () => ']}',
      };
    default:
      return undefined;
  }
}

/** RFC 7946: a Point of [longitude, latitude] in WGS 84, or a null geometry where the location is not known. */
function featureOf(table: DownloadTable, row: Row, language: Language) {
  const properties = recordOf(table, row, language);
  const { longitude, latitude } = properties;
  const geometry = typeof longitude === 'number' && typeof latitude === 'number' ? { type: 'Point', coordinates: [longitude, latitude] } : null;
  return { type: 'Feature', id: properties.slug, geometry, properties };
}
