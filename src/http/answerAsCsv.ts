import { qualityList } from './qualityList.js';
import { stringify } from 'csv-stringify/sync';

/**
 * Any list query as a table: a GraphQL answer that holds exactly one list of records, as RFC 4180 CSV.
 *
 * The table is the one list found below the root fields: a connection (`edges: [{ node }]` or `nodes: [...]`)
 * or a plain list of objects (`observationAggregate`, `nodes(ids:)`, a facility's `sources`). The search stops
 * at the first list on each branch, so lists inside the records are columns, not tables. Anything else in the
 * answer (`totalCount`, `pageInfo`, `rateLimit`) has no place in one table and is left out.
 *
 * Each record is one row; its fields are flattened to dotted column paths (`division.name`, `location.latitude`).
 * Over edges, the edge's own fields (`cursor`, `role`) sit beside its node's. Inside a record:
 *   - a list of scalars is one field, its items joined with `; `;
 *   - a list of records each reduced to one field (`programs { nodes { slug } }`) is joined the same way,
 *     under that field's path (`programs.nodes.slug`): the common "which ones" column;
 *   - a list of records with several fields is refused, naming its path: it is a table of its own.
 * Columns come in the order the answer first shows them (the selection's order: GraphQL keeps it), columns
 * first met on a later record placed beside their siblings. A null where an object was asked gives empty
 * fields under that object's columns; if no record has the object, the answer cannot show its fields, so it
 * is one empty column under the object's own path. Scalars print as JSON prints them (no locale), null as ''.
 */

/** `table` is the list's path in the answer (`facilities.nodes`); `fileName` is named after its root field. */
export type CsvAnswer = { csv: string; rows: number; table: string; fileName: string } | { error: string; code: CsvRefusal };

/** RFC 4180's media type; `header=present` tells the reader the first record names the columns (RFC 4180 §3). */
export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8; header=present';

/** Why no CSV was made: the query failed (its own errors say why), or its answer is not one table. */
export type CsvRefusal = 'GRAPHQL_ERRORS' | 'NOT_ONE_TABLE' | 'NESTED_TABLE';

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark, which older Excel needs to read Chinese text as UTF-8. */
  bom?: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const LIST_SEPARATOR = '; ';

export function answerAsCsv(result: { data?: unknown; errors?: readonly { message: string }[] }, options: CsvOptions = {}): CsvAnswer {
  if (result.errors?.length) {
    const messages = result.errors.map((error) => error.message).join(' | ');
    return { code: 'GRAPHQL_ERRORS', error: `The query has errors, so no CSV was made (a CSV cannot carry them): ${messages}` };
  }
  const tables = findTables(result.data);
  if (tables.length !== 1) {
    const found = tables.length === 0 ? 'no list' : `${tables.length} lists (${tables.map((table) => table.path).join(', ')})`;
    return {
      code: 'NOT_ONE_TABLE',
      error: `A CSV answer holds one table, and this answer has ${found}. Ask for exactly one list of records (a connection's nodes or edges, or a list field) in the query.`,
    };
  }
  const [table] = tables as [Table];
  try {
    const columns = new Columns();
    const rows = table.records.map((record, index) => flattenRecord(record, table.viaEdges, `${table.path}[${index}]`, columns));
    const paths = columns.paths();
    const body = stringify(
      rows.map((row) => paths.map((path) => row.get(path) ?? '')),
      // RFC 4180: CRLF between records; a field holding a bare CR or LF is quoted too (csv-stringify quotes only
      // fields holding the whole record delimiter).
      { header: paths.length > 0, columns: paths, record_delimiter: 'windows', quoted_match: /[\r\n]/, bom: options.bom ?? false },
    );
    return { csv: body, rows: rows.length, table: table.path, fileName: `${table.path.split('.')[0]!.replace(/[^\w-]/g, '_')}.csv` };
  } catch (error) {
    if (error instanceof NestedTable) return { code: 'NESTED_TABLE', error: error.message };
    throw error;
  }
}

interface Table {
  path: string;
  records: (JsonObject | null)[];
  viaEdges: boolean;
}

/** Every list of records below the root fields, without looking inside one. */
function findTables(data: unknown): Table[] {
  const tables: Table[] = [];
  const visit = (value: Json, path: string) => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      // A list of scalars outside any table is not a table; an empty list is one (the selection made it a list).
      if (value.every((item) => item === null || (typeof item === 'object' && !Array.isArray(item)))) {
        tables.push({ path, records: value as (JsonObject | null)[], viaEdges: false });
      }
      return;
    }
    const { edges, nodes } = value;
    if (Array.isArray(edges) || Array.isArray(nodes)) {
      if (Array.isArray(edges) && Array.isArray(nodes)) {
        tables.push({ path: `${path}.edges`, records: edges as (JsonObject | null)[], viaEdges: true });
        tables.push({ path: `${path}.nodes`, records: nodes as (JsonObject | null)[], viaEdges: false });
      } else if (Array.isArray(edges)) tables.push({ path: `${path}.edges`, records: edges as (JsonObject | null)[], viaEdges: true });
      else tables.push({ path: `${path}.nodes`, records: nodes as (JsonObject | null)[], viaEdges: false });
      return;
    }
    for (const [key, child] of Object.entries(value)) visit(child, path ? `${path}.${key}` : key);
  };
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    for (const [key, child] of Object.entries(data as JsonObject)) visit(child, key);
  }
  return tables;
}

class NestedTable extends Error {}

/** One record as column path → field text; over edges, the node's fields sit beside the edge's. */
function flattenRecord(record: JsonObject | null, viaEdges: boolean, where: string, columns: Columns): Map<string, string> {
  const row = new Map<string, string>();
  const put = (path: string, text: string, known: boolean) => {
    if (row.has(path)) {
      throw new NestedTable(`Two fields of ${where} both make the column "${path}" (one on the edge, one on its node): rename one with an alias.`);
    }
    row.set(path, text);
    columns.add(path, known);
  };
  const flatten = (value: Json, path: string) => {
    if (value === null) return put(path, '', false); // an object or a scalar: its columns show once a record has it
    if (Array.isArray(value)) {
      const list = joinList(value, path, where);
      return put(list.column, list.text, list.known);
    }
    if (typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) flatten(child, path ? `${path}.${key}` : key);
      return;
    }
    put(path, scalarText(value), true);
  };
  if (record === null) return row;
  for (const [key, value] of Object.entries(record)) {
    if (viaEdges && key === 'node') {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) flatten(value, '');
    } else flatten(value, key);
  }
  return row;
}

/**
 * A list inside a record as one field: scalars joined with `; ` under the list's path, or records reduced to one
 * field joined under that field's path. An empty list (or one of nulls) does not show which: its column is unknown.
 */
function joinList(items: Json[], path: string, where: string): { column: string; text: string; known: boolean } {
  const texts: string[] = [];
  let onlyField: string | undefined;
  let records = false;
  let scalars = false;
  for (const item of items) {
    if (item === null) {
      texts.push('');
    } else if (Array.isArray(item)) {
      throw new NestedTable(`${where}.${path} is a list of lists, which has no place in one CSV field: query it as a table of its own.`);
    } else if (typeof item !== 'object') {
      scalars = true;
      texts.push(scalarText(item));
    } else {
      const fields = leafFields(item, '', `${where}.${path}`);
      if (fields.length === 1 && fields[0]![2]) {
        texts.push(''); // its one field is null: no different from a null item, whichever object that null stands for
        continue;
      }
      records = true;
      if (fields.length !== 1 || (onlyField !== undefined && fields[0]![0] !== onlyField)) {
        const which =
          fields.length === 1 ? 'records of differing fields' : `records with ${fields.length} fields (${fields.map(([field]) => field).join(', ')})`;
        throw new NestedTable(
          `${where}.${path} is a list of ${which}, which has no place in one CSV field. ` +
            `Query it as the table itself, or select just one field of its records to have them joined with "${LIST_SEPARATOR}".`,
        );
      }
      onlyField = fields[0]![0];
      texts.push(fields[0]![1]);
    }
  }
  if (records && scalars) throw new NestedTable(`${where}.${path} mixes records and scalars, which has no place in one CSV field.`);
  return { column: onlyField === undefined ? path : `${path}.${onlyField}`, text: texts.join(LIST_SEPARATOR), known: records || scalars };
}

/** The scalar fields of a record inside a list, as (dotted path, text); a list in it would be joined twice, so it is refused. */
function leafFields(record: JsonObject, prefix: string, where: string): [path: string, text: string, isNull: boolean][] {
  const fields: [string, string, boolean][] = [];
  for (const [key, value] of Object.entries(record)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value))
      throw new NestedTable(`${where}[].${path} is a list inside a list, which has no place in one CSV field: query it as a table of its own.`);
    if (value !== null && typeof value === 'object') fields.push(...leafFields(value, path, where));
    else fields.push([path, value === null ? '' : scalarText(value), value === null]);
  }
  return fields;
}

function scalarText(value: string | number | boolean): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value); // numbers as JSON prints them, booleans as true/false
}

/**
 * The columns in the order first met. A column first met on a later record goes after its closest relative
 * (the column sharing the longest leading path), so `division.name` lands where `division` was null before.
 * A column only ever null or empty that turns out to be an object (`division` beside `division.name`) is dropped.
 */
class Columns {
  private readonly order: string[] = [];
  private readonly seen = new Set<string>();
  private readonly known = new Set<string>();

  add(path: string, known: boolean) {
    if (known) this.known.add(path);
    if (this.seen.has(path)) return;
    this.seen.add(path);
    const segments = path.split('.');
    let best = -1;
    let bestShared = 0;
    this.order.forEach((column, index) => {
      const other = column.split('.');
      let shared = 0;
      while (shared < other.length && shared < segments.length - 1 && other[shared] === segments[shared]) shared++;
      if (shared > 0 && shared >= bestShared) {
        best = index;
        bestShared = shared;
      }
    });
    if (best === -1) this.order.push(path);
    else this.order.splice(best + 1, 0, path);
  }

  paths(): string[] {
    return this.order.filter((path) => this.known.has(path) || !this.order.some((other) => other.startsWith(`${path}.`)));
  }
}

/**
 * Whether a request asks for its answer as CSV, and with a byte order mark: `?format=csv` (for links and
 * spreadsheets' "from web"), or an Accept header that ranks text/csv above JSON. `?bom=1` adds the mark.
 * A format or bom this endpoint does not know is an error to show the client.
 */
export function csvRequested(search: URLSearchParams, accept: string | undefined): { csv: false } | { csv: true; bom: boolean } | { error: string } {
  const format = search.get('format');
  const bom = search.get('bom');
  if (format !== null && format !== 'csv' && format !== 'json') return { error: `format=${format.slice(0, 40)} is not known: use format=csv or format=json.` };
  if (bom !== null && !['0', '1', 'true', 'false'].includes(bom)) return { error: `bom=${bom.slice(0, 40)} is not known: use bom=1 or bom=0.` };
  const csv = format === 'csv' || (format === null && acceptRanksCsvFirst(accept));
  return csv ? { csv, bom: bom === '1' || bom === 'true' } : { csv };
}

function acceptRanksCsvFirst(accept: string | undefined): boolean {
  // Only text/csv or text/* can rank CSV first: most requests name neither, and skip parsing the list.
  if (!accept || !/text\//i.test(accept)) return false;
  let csv = 0;
  let json = 0;
  for (const { value: range, q } of qualityList(accept)) {
    if (range === 'text/csv' || range === 'text/*') csv = Math.max(csv, q);
    if (range === 'application/json' || range === 'application/graphql-response+json' || range === 'application/*' || range === '*/*') json = Math.max(json, q);
  }
  return csv > json;
}
