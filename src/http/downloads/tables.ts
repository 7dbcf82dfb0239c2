import { sql, type SQL } from 'drizzle-orm';
import { divisions, indicatorKinds, indicators, organizations, programs, facilities, sources } from '../../db/tables/index.js';
import {
  divisionLevels,
  domains,
  facilityCategories,
  facilityStatuses,
  measures,
  observationStatuses,
  organizationKinds,
  programKinds,
  programStatuses,
  units,
  valueQualifiers,
} from '../../db/vocabulary.js';
import { facilityList } from '../../domains/facilities/queries.js';
import { divisionList, organizationList } from '../../domains/places/queries.js';
import { programList } from '../../domains/programs/queries.js';
import { indicatorList, observationList } from '../../domains/statistics/queries.js';
import type { Projection } from '../../graphql/projection.js';
import type { ListQuery } from '../../graphql/relay/keyset.js';
import { inLanguage, Language } from '../../graphql/language.js';

/**
 * Every downloadable table, defined once: its columns (name, Table Schema type, description, fixed unit,
 * how to read the value from a row), its keys, and the domain's own list query that yields its rows. CSV,
 * JSON, NDJSON, GeoJSON and the data package (src/http/catalog/dataPackage.ts) are all built from this.
 */

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date';
export type Cell = string | number | boolean | null;
type Row = Record<string, unknown>;

export interface Column {
  name: string;
  type: FieldType;
  description: string;
  /** The unit every value of the column is in, where it is fixed (observations carry theirs in `unit`). */
  unit?: string;
  /** Never empty. */
  required?: boolean;
  /** The only values it takes (a vocabulary of src/db/vocabulary.ts). */
  values?: readonly string[];
  read: Reader;
}

/**
 * How a column's value is read from a list's row: in JavaScript (`read`, for JSON, GeoJSON and CSV on
 * PGlite), or as SQL over the list's columns (`inSql`, for CSV written by PostgreSQL), the same text either
 * way. `reads` names the row properties it needs: the lists select only those (see projectionOf).
 */
export interface Reader {
  (row: Row, language: Language): Cell;
  reads: string[];
  inSql(language: Language, property: (name: string) => SQL): SQL;
}

/**
 * Only the table's columns that some download column reads (and the ids the joins need): a figure row has
 * more columns than the file shows, and every one selected is one more value to fetch and parse. The joins
 * read the ids from the table itself, not from the selection.
 */
function projectionOf(columns: Column[]): Projection {
  const properties = [...new Set(columns.flatMap((column) => column.read.reads))];
  return { key: `download:${properties.join(',')}`, properties, cursors: true };
}

export interface ForeignKey {
  fields: string;
  reference: { resource: DownloadName; fields: string };
}

export type DownloadName = 'observations' | 'facilities' | 'programs' | 'indicators' | 'organizations' | 'divisions';

export interface DownloadTable {
  name: DownloadName;
  title: string;
  description: string;
  /** The GraphQL input type `?filter=` is read as. */
  filterType: string;
  columns: Column[];
  primaryKey: string;
  foreignKeys: ForeignKey[];
  /** The domain's list of live rows for a filter, with the natural keys of the rows it refers to joined in. */
  list(filter: unknown): ListQuery;
}

const reader = (reads: string[], read: (row: Row, language: Language) => Cell, inSql: Reader['inSql']): Reader => Object.assign(read, { reads, inSql });
const text = (property: string) =>
  reader(
    [property],
    (row) => (row[property] as string | null | undefined) ?? null,
    (_, column) => column(property),
  );
const number = (property: string) =>
  reader(
    [property],
    (row) => (row[property] as number | null | undefined) ?? null,
    (_, column) => column(property),
  );
const flag = (property: string) =>
  reader(
    [property],
    (row) => (row[property] as boolean | null | undefined) ?? null,
    // PostgreSQL's CSV writes t and f; Table Schema's booleans (and JSON's) are true and false.
    (_, column) => sql`case when ${column(property)} then 'true' when not ${column(property)} then 'false' end`,
  );
// As inLanguage: English falls back to the Chinese.
const translated = (zh: string, en: string) =>
  reader(
    [zh, en],
    (row, language) => inLanguage(language, row[zh] as string | null, row[en] as string | null),
    (language, column) => (language === Language.EN ? sql`coalesce(${column(en)}, ${column(zh)})` : column(zh)),
  );
const keysOf = (vocabulary: Record<string, string>) => Object.keys(vocabulary);
const inLanguageNote = 'In the language `lang` asks for (zh by default; en falls back to the Chinese where there is no translation).';

/**
 * The list with the natural keys of referenced rows added as columns. The domains' lists alias their table
 * (f, o, p, i, d, org in their queries.ts); the joined tables get aliases of their own that none uses.
 */
function withReferences(list: ListQuery, joins: { alias: string; table: SQL; on: SQL; select: SQL }[]): ListQuery {
  if (joins.length === 0) return list;
  return {
    ...list,
    columns: sql`${list.columns}, ${sql.join(
      joins.map((join) => join.select),
      sql`, `,
    )}`,
    from: sql`${list.from} ${sql.join(
      joins.map((join) => sql`left join ${join.table} as ${sql.raw(`"${join.alias}"`)} on ${join.on}`),
      sql` `,
    )}`,
    cursors: true,
  };
}

const ref = (alias: string, column: string) => sql.raw(`"${alias}"."${column}"`);
const lookup = (alias: string, table: SQL, from: string, fromColumn: string, key: string, as: string) => ({
  alias,
  table,
  // A retired record is not there any more: its key is left empty, as GraphQL answers null for it.
  on: sql`${ref(alias, 'id')} = ${ref(from, fromColumn)} and ${ref(alias, 'retired_at')} is null`,
  select: sql`${ref(alias, key)} as ${sql.raw(`"${as}"`)}`,
});

const observationsTable: DownloadTable = {
  name: 'observations',
  title: 'Observations',
  description: 'Every figure: indicator × area × period → value, in base units, with how the source hedged it and the sentence it was taken from.',
  filterType: 'ObservationFilter',
  primaryKey: 'key',
  foreignKeys: [
    { fields: 'indicator_code', reference: { resource: 'indicators', fields: 'code' } },
    { fields: 'division_code', reference: { resource: 'divisions', fields: 'code' } },
    { fields: 'facility_slug', reference: { resource: 'facilities', fields: 'slug' } },
    { fields: 'program_slug', reference: { resource: 'programs', fields: 'slug' } },
  ],
  columns: [
    { name: 'key', type: 'string', required: true, description: 'Stable key of the figure; the GraphQL Observation.key.', read: text('key') },
    { name: 'indicator_code', type: 'string', required: true, description: 'What is measured: the code of a row of indicators.', read: text('indicatorCode') },
    {
      name: 'value',
      type: 'number',
      required: true,
      description: 'The figure in base units (46亿元 is 4600000000 with unit cny; 92% is 92).',
      read: number('value'),
    },
    { name: 'unit', type: 'string', required: true, values: keysOf(units), description: 'The unit of `value`.', read: text('unit') },
    {
      name: 'qualifier',
      type: 'string',
      required: true,
      values: keysOf(valueQualifiers),
      description: 'How exact the value is, as the source hedged it: exact; approximate (约); nearly (近); at_least (余, 多, 以上: a lower bound); at_most.',
      read: text('qualifier'),
    },
    {
      name: 'measure',
      type: 'string',
      required: true,
      values: keysOf(measures),
      description: 'What kind of figure: level, count, cumulative, yoy_change or share.',
      read: text('measure'),
    },
    {
      name: 'status',
      type: 'string',
      required: true,
      values: keysOf(observationStatuses),
      description: 'actual (a reported outcome) or planned (a target).',
      read: text('status'),
    },
    { name: 'period_start', type: 'date', description: 'First day of the period the figure covers; empty for a level at a date.', read: text('periodStart') },
    { name: 'period_end', type: 'date', required: true, description: 'Last day of the period, or the date of a level.', read: text('periodEnd') },
    {
      name: 'period_label',
      type: 'string',
      description: `The period as the source names it. ${inLanguageNote}`,
      read: translated('periodLabelZh', 'periodLabelEn'),
    },
    {
      name: 'label',
      type: 'string',
      description: `What exactly the figure counts, where the indicator alone does not say. ${inLanguageNote}`,
      read: translated('labelZh', 'labelEn'),
    },
    { name: 'division_code', type: 'string', description: 'The area it is about: the code of a row of divisions.', read: text('divisionCode') },
    { name: 'facility_slug', type: 'string', description: 'The facility it is about: the slug of a row of facilities.', read: text('facilitySlug') },
    { name: 'program_slug', type: 'string', description: 'The program it is about: the slug of a row of programs.', read: text('programSlug') },
    { name: 'source', type: 'string', required: true, description: 'The source document (its slug in the GraphQL `sources` list).', read: text('sourceSlug') },
    { name: 'source_url', type: 'string', description: 'Where the source document is published.', read: text('sourceUrl') },
    {
      name: 'quote',
      type: 'string',
      required: true,
      description: 'The sentence of the source the figure was taken from, verbatim (Chinese).',
      read: text('quote'),
    },
    {
      name: 'conflict_group',
      type: 'string',
      description: 'Figures sharing a conflict group state different values for the same thing; none of them is dropped.',
      read: text('conflictGroup'),
    },
    {
      name: 'reported_in_domain',
      type: 'string',
      values: keysOf(domains),
      description: "The domain of the source section the figure is stated in, where that is not its indicator's.",
      read: text('reportedInDomain'),
    },
  ],
  list: (filter) =>
    withReferences(observationList(filter as Parameters<typeof observationList>[0], undefined, projectionOf(observationsTable.columns)), [
      lookup('dl_i', sql`${indicators}`, 'o', 'indicator_id', 'code', 'indicatorCode'),
      lookup('dl_d', sql`${divisions}`, 'o', 'division_id', 'code', 'divisionCode'),
      lookup('dl_f', sql`${facilities}`, 'o', 'facility_id', 'slug', 'facilitySlug'),
      lookup('dl_p', sql`${programs}`, 'o', 'program_id', 'slug', 'programSlug'),
      { ...lookup('dl_s', sql`${sources}`, 'o', 'source_id', 'slug', 'sourceSlug'), select: sql`"dl_s"."slug" as "sourceSlug", "dl_s"."url" as "sourceUrl"` },
    ]),
};

const facilitiesTable: DownloadTable = {
  name: 'facilities',
  title: 'Facilities',
  description: 'Schools, care homes, canteens, clinics, museums, venues: where they are and who runs them.',
  filterType: 'FacilityFilter',
  primaryKey: 'slug',
  foreignKeys: [
    { fields: 'division_code', reference: { resource: 'divisions', fields: 'code' } },
    { fields: 'operator_slug', reference: { resource: 'organizations', fields: 'slug' } },
  ],
  columns: [
    { name: 'slug', type: 'string', required: true, description: 'Stable, readable key, e.g. "yuxin-primary-school".', read: text('slug') },
    { name: 'name', type: 'string', required: true, description: `Name. ${inLanguageNote}`, read: translated('nameZh', 'nameEn') },
    { name: 'description', type: 'string', description: `Description. ${inLanguageNote}`, read: translated('descriptionZh', 'descriptionEn') },
    { name: 'category', type: 'string', required: true, values: keysOf(facilityCategories), description: 'What kind of place it is.', read: text('category') },
    { name: 'domain', type: 'string', required: true, values: keysOf(domains), description: 'The public-service domain it serves.', read: text('domain') },
    {
      name: 'status',
      type: 'string',
      required: true,
      values: keysOf(facilityStatuses),
      description: 'In service, being built or planned.',
      read: text('status'),
    },
    { name: 'division_code', type: 'string', description: 'The division it is in: the code of a row of divisions.', read: text('divisionCode') },
    { name: 'operator_slug', type: 'string', description: 'Who runs it: the slug of a row of organizations.', read: text('operatorSlug') },
    { name: 'address', type: 'string', description: `Street address. ${inLanguageNote}`, read: translated('addressZh', 'addressEn') },
    {
      name: 'longitude',
      type: 'number',
      unit: 'degree (WGS 84)',
      description: 'Longitude, WGS 84 degrees; empty when the location is not known.',
      read: number('longitude'),
    },
    {
      name: 'latitude',
      type: 'number',
      unit: 'degree (WGS 84)',
      description: 'Latitude, WGS 84 degrees; empty when the location is not known.',
      read: number('latitude'),
    },
    { name: 'location_precision', type: 'string', description: 'How precise the location is (e.g. "building", "street").', read: text('locationPrecision') },
  ],
  list: (filter) =>
    withReferences(facilityList(filter as Parameters<typeof facilityList>[0], undefined, projectionOf(facilitiesTable.columns)), [
      lookup('dl_d', sql`${divisions}`, 'f', 'division_id', 'code', 'divisionCode'),
      lookup('dl_org', sql`${organizations}`, 'f', 'operator_id', 'slug', 'operatorSlug'),
    ]),
};

const programsTable: DownloadTable = {
  name: 'programs',
  title: 'Programs',
  description: 'Projects, campaigns, services and events, with who leads them and when they run.',
  filterType: 'ProgramFilter',
  primaryKey: 'slug',
  foreignKeys: [
    { fields: 'lead_organization_slug', reference: { resource: 'organizations', fields: 'slug' } },
    { fields: 'division_code', reference: { resource: 'divisions', fields: 'code' } },
    { fields: 'parent_slug', reference: { resource: 'programs', fields: 'slug' } },
  ],
  columns: [
    { name: 'slug', type: 'string', required: true, description: 'Stable, readable key.', read: text('slug') },
    { name: 'name', type: 'string', required: true, description: `Name. ${inLanguageNote}`, read: translated('nameZh', 'nameEn') },
    { name: 'description', type: 'string', description: `Description. ${inLanguageNote}`, read: translated('descriptionZh', 'descriptionEn') },
    { name: 'domain', type: 'string', required: true, values: keysOf(domains), description: 'The public-service domain.', read: text('domain') },
    { name: 'kind', type: 'string', required: true, values: keysOf(programKinds), description: 'What kind of program.', read: text('kind') },
    { name: 'status', type: 'string', required: true, values: keysOf(programStatuses), description: 'Where it stands.', read: text('status') },
    { name: 'start_date', type: 'date', description: 'First day, where known.', read: text('startDate') },
    { name: 'end_date', type: 'date', description: 'Last day, where known.', read: text('endDate') },
    { name: 'lead_organization_slug', type: 'string', description: 'Who leads it: the slug of a row of organizations.', read: text('leadOrganizationSlug') },
    { name: 'division_code', type: 'string', description: 'Where it takes place, when a source ties it to one division.', read: text('divisionCode') },
    { name: 'parent_slug', type: 'string', description: 'The program it is part of: the slug of another row of programs.', read: text('parentSlug') },
  ],
  list: (filter) =>
    withReferences(programList(filter as Parameters<typeof programList>[0], undefined, projectionOf(programsTable.columns)), [
      lookup('dl_org', sql`${organizations}`, 'p', 'lead_organization_id', 'slug', 'leadOrganizationSlug'),
      lookup('dl_d', sql`${divisions}`, 'p', 'division_id', 'code', 'divisionCode'),
      lookup('dl_parent', sql`${programs}`, 'p', 'parent_id', 'slug', 'parentSlug'),
    ]),
};

const indicatorsTable: DownloadTable = {
  name: 'indicators',
  title: 'Indicators',
  description: 'What is measured, in which unit, and what kind of quantity it is (which decides what may be added up).',
  filterType: 'IndicatorFilter',
  primaryKey: 'code',
  foreignKeys: [],
  columns: [
    { name: 'code', type: 'string', required: true, description: 'Stable code of the indicator.', read: text('code') },
    { name: 'name', type: 'string', required: true, description: `Name. ${inLanguageNote}`, read: translated('nameZh', 'nameEn') },
    { name: 'description', type: 'string', description: `Description. ${inLanguageNote}`, read: translated('descriptionZh', 'descriptionEn') },
    { name: 'domain', type: 'string', required: true, values: keysOf(domains), description: 'The public-service domain.', read: text('domain') },
    { name: 'unit', type: 'string', required: true, values: keysOf(units), description: 'The unit of its figures.', read: text('unit') },
    {
      name: 'kind',
      type: 'string',
      required: true,
      values: keysOf(indicatorKinds),
      description:
        'stock, flow, ratio or change: what may be added up (a stock across places at one date, a flow over disjoint periods, never ratios or changes).',
      read: text('kind'),
    },
  ],
  list: (filter) => indicatorList(filter as Parameters<typeof indicatorList>[0]),
};

const organizationsTable: DownloadTable = {
  name: 'organizations',
  title: 'Organizations',
  description: 'Government bodies, companies and associations that run facilities and lead programs.',
  filterType: 'OrganizationFilter',
  primaryKey: 'slug',
  foreignKeys: [{ fields: 'division_code', reference: { resource: 'divisions', fields: 'code' } }],
  columns: [
    { name: 'slug', type: 'string', required: true, description: 'Stable, readable key.', read: text('slug') },
    { name: 'name', type: 'string', required: true, description: `Name. ${inLanguageNote}`, read: translated('nameZh', 'nameEn') },
    { name: 'kind', type: 'string', required: true, values: keysOf(organizationKinds), description: 'What kind of organization.', read: text('kind') },
    { name: 'division_code', type: 'string', description: 'The division it belongs to: the code of a row of divisions.', read: text('divisionCode') },
  ],
  list: (filter) =>
    withReferences(organizationList(filter as Parameters<typeof organizationList>[0]), [
      lookup('dl_d', sql`${divisions}`, 'org', 'division_id', 'code', 'divisionCode'),
    ]),
};

const divisionsTable: DownloadTable = {
  name: 'divisions',
  title: 'Divisions',
  description: 'The district and its subdistricts and communities, with their statistical codes.',
  filterType: 'DivisionFilter',
  primaryKey: 'code',
  foreignKeys: [{ fields: 'parent_code', reference: { resource: 'divisions', fields: 'code' } }],
  columns: [
    { name: 'code', type: 'string', required: true, description: 'Statistical division code (GB/T 2260, GB/T 10114), e.g. "500104001".', read: text('code') },
    { name: 'name', type: 'string', required: true, description: `Name. ${inLanguageNote}`, read: translated('nameZh', 'nameEn') },
    {
      name: 'level',
      type: 'string',
      required: true,
      values: keysOf(divisionLevels),
      description: 'Its level: district, subdistrict, community…',
      read: text('level'),
    },
    { name: 'parent_code', type: 'string', description: 'The division it is part of: the code of another row of divisions.', read: text('parentCode') },
    {
      name: 'verified',
      type: 'boolean',
      required: true,
      description: 'Whether the code is confirmed by a public standard.',
      read: flag('verified'),
    },
    { name: 'note', type: 'string', description: 'A note on the code or the name (Chinese or English as recorded).', read: text('note') },
  ],
  list: (filter) =>
    withReferences(divisionList(filter as Parameters<typeof divisionList>[0]), [
      lookup('dl_parent', sql`${divisions}`, 'd', 'parent_id', 'code', 'parentCode'),
    ]),
};

/** In the order a reader meets them: the figures first, then what they refer to. */
export const downloadTables: readonly DownloadTable[] = [
  observationsTable,
  facilitiesTable,
  programsTable,
  indicatorsTable,
  organizationsTable,
  divisionsTable,
];

export const downloadTable = (name: string): DownloadTable | undefined => downloadTables.find((table) => table.name === name);
