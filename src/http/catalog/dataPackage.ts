import type { PublicationSettings } from '../../config.js';
import { downloadTables, type Column, type DownloadTable } from '../downloads/tables.js';

/**
 * The Frictionless Data Package (v1, profile tabular-data-package) of the downloads: one CSV resource per
 * table of src/http/downloads/tables.ts, with a Table Schema built from the same column definitions the
 * CSV is written from, so frictionless, pandas or R can load and check the files.
 */

export interface DataPackageOptions {
  /** Where the downloads are: absolute (`https://host`) or '' for paths relative to /v1/datapackage.json. */
  baseUrl: string | undefined;
  publication: PublicationSettings;
  /** The language of the name and description columns the resources' paths ask for. */
  lang?: 'zh' | 'en';
}

export const DATA_PACKAGE_PATH = '/v1/datapackage.json';

/** The path of a table's CSV download. */
export const csvPathOf = (name: string) => `/v1/data/${name}.csv`;

export function dataPackage({ baseUrl, publication, lang }: DataPackageOptions) {
  const query = lang === 'en' ? '?lang=en' : '';
  return {
    profile: 'tabular-data-package',
    name: 'minsheng-dadukou-2023',
    title: 'Minsheng: public services of Dadukou District, Chongqing, 2023',
    description:
      'Figures, facilities, programs, indicators, organizations and divisions of Dadukou District (Chongqing) for 2023, each figure with its source. ' +
      'Values are in base units; `qualifier` carries how the source hedged a figure (约, 近, 余), and figures that disagree share a `conflict_group`.',
    ...(publication.license ? { licenses: [licenseOf(publication.license)] } : {}),
    ...(publication.publisher ? { contributors: [{ title: publication.publisher, role: 'publisher' }] } : {}),
    resources: downloadTables.map((table) => resourceOf(table, baseUrl ? `${baseUrl}${csvPathOf(table.name)}${query}` : `data/${table.name}.csv${query}`)),
  };
}

function resourceOf(table: DownloadTable, path: string) {
  return {
    profile: 'tabular-data-resource',
    name: table.name,
    title: table.title,
    description: table.description,
    path,
    format: 'csv',
    mediatype: 'text/csv',
    encoding: 'utf-8',
    dialect: { delimiter: ',', lineTerminator: '\r\n', quoteChar: '"', doubleQuote: true, header: true },
    schema: {
      fields: table.columns.map((column) => fieldOf(column, column.name === table.primaryKey)),
      missingValues: [''],
      primaryKey: [table.primaryKey],
      // A key to the table itself names the resource "" (Table Schema v1); a table without keys to others has no list (it may not be empty).
      ...(table.foreignKeys.length
        ? {
            foreignKeys: table.foreignKeys.map(({ fields, reference }) => ({
              fields: [fields],
              reference: { resource: reference.resource === table.name ? '' : reference.resource, fields: [reference.fields] },
            })),
          }
        : {}),
    },
  };
}

function fieldOf(column: Column, primaryKey: boolean) {
  const constraints = {
    ...(column.required || primaryKey ? { required: true } : {}),
    ...(primaryKey ? { unique: true } : {}),
    ...(column.values ? { enum: [...column.values] } : {}),
  };
  return {
    name: column.name,
    type: column.type,
    format: 'default',
    description: column.unit ? `${column.description} Unit: ${column.unit}.` : column.description,
    ...(column.unit ? { unit: column.unit } : {}),
    ...(Object.keys(constraints).length ? { constraints } : {}),
  };
}

/** A licence as Data Package v1 names one: a URL is its path, anything else an identifier (lowercased, as the spec's pattern wants) with the original as title. */
function licenseOf(license: string) {
  if (/^https?:\/\//.test(license)) return { path: license, title: license };
  return { name: license.toLowerCase().replace(/[^-a-z0-9._/]+/g, '-'), title: license };
}
