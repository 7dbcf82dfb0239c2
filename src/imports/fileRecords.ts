import type { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import type { AnySeedKind } from '../db/seed/kind.js';
import { cellValue, fieldType, setAt, type FieldType } from './cells.js';

export type FileFormat = 'csv' | 'json';

/** One problem of a file: the physical line its record starts on, the column (CSV header or JSON field path), what is wrong. */
export interface FileProblem {
  line: number;
  column: string | null;
  message: string;
}

/** A record as read from the file, before it is checked: where it starts, its fields, a source's text, and what is already wrong. */
export interface FileRecord {
  line: number;
  input: Record<string, unknown>;
  /** A source's document (the `text` column or field): the quotes citing it are checked against it. */
  text?: string;
  problems: FileProblem[];
  /** The column of the file that holds a field of the record (for problems found later). */
  columnOf(field: readonly string[]): string | null;
}

/** A file that cannot be read on (bad quoting, not JSON, a bad header): every problem found so far. */
export class FileUnreadable extends Error {
  constructor(readonly problems: FileProblem[]) {
    super(problems.map((p) => `line ${p.line}: ${p.message}`).join('; '));
  }
}

/** The column holding a source's text, beside its record's fields. */
export const TEXT_COLUMN = 'text';
// One record's cells (a source's whole text may be one): past this a row is refused rather than buffered.
const MAX_RECORD_BYTES = 8 * 1024 * 1024;

/** The records of a file of one kind, in file order, read as a stream (CSV) or whole (JSON, bounded by the caller). */
export function fileRecords(kind: AnySeedKind, format: FileFormat, input: Readable): AsyncGenerator<FileRecord> {
  return format === 'csv' ? csvRecords(kind, input) : jsonRecords(kind, input);
}

async function* csvRecords(kind: AnySeedKind, input: Readable): AsyncGenerator<FileRecord> {
  const parser = input.pipe(parse({ bom: true, info: true, raw: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES }));
  input.once('error', (error) => parser.destroy(error));
  let header: { name: string; path: string[]; type: FieldType | 'text' }[] | undefined;
  let headerNames: string[] = [];
  try {
    for await (const { record: cells, raw, info } of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
      const line = info.lines - newlinesWithin(raw);
      if (!header) {
        header = readHeader(kind, cells, line);
        headerNames = header.map((column) => column.name);
        continue;
      }
      const problems: FileProblem[] = [];
      if (cells.length !== header.length) {
        problems.push({ line, column: null, message: `has ${cells.length} cells, but the header names ${header.length} columns` });
      }
      const record: Record<string, unknown> = {};
      let text: string | undefined;
      header.forEach((column, i) => {
        const cell = cells[i];
        if (cell === undefined || cell === '') return;
        if (column.type === 'text') return void (text = cell);
        const value = cellValue(column.type, cell);
        if ('problem' in value) problems.push({ line, column: column.name, message: value.problem });
        else setAt(record, column.path, value.value);
      });
      yield { line, input: record, text, problems, columnOf: (field) => csvColumnOf(headerNames, field) };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const at = (error as CsvError & { lines?: number }).lines ?? 0;
      throw new FileUnreadable([{ line: at, column: null, message: `not valid CSV (RFC 4180): ${error.message}` }]);
    }
    throw error;
  }
  if (!header) throw new FileUnreadable([{ line: 1, column: null, message: 'the file is empty: the first line must name the columns' }]);
}

/** A record's raw text without the empty lines skipped before it and its record delimiter: the lines it spans beyond its first. */
function newlinesWithin(raw: string): number {
  const body = raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '');
  let count = 0;
  for (let i = body.indexOf('\n'); i !== -1; i = body.indexOf('\n', i + 1)) count++;
  return count;
}

function readHeader(kind: AnySeedKind, names: string[], line: number) {
  const problems: FileProblem[] = [];
  const seen = new Set<string>();
  const columns = names.map((raw) => {
    const name = raw.trim();
    const path = name.split('.');
    if (seen.has(name)) problems.push({ line, column: name, message: `the column "${name}" is named twice` });
    seen.add(name);
    if (kind.textFile && name === TEXT_COLUMN) return { name, path, type: 'text' as const };
    const type = fieldType(kind, path);
    if (!type) problems.push({ line, column: name, message: `a ${kind.noun} has no field "${name}" (${fieldsOf(kind)})` });
    return { name, path, type: type ?? 'string' };
  });
  if (!seen.has(kind.key)) problems.push({ line, column: null, message: `no column "${kind.key}": every ${kind.noun} is named by its ${kind.key}` });
  if (problems.length) throw new FileUnreadable(problems);
  return columns;
}

function fieldsOf(kind: AnySeedKind): string {
  const shape = (kind.record as unknown as { shape?: Record<string, unknown> }).shape;
  const fields = shape ? Object.keys(shape) : [];
  return `its fields are ${[...fields, ...(kind.textFile ? [TEXT_COLUMN] : [])].join(', ')}; nested ones as "period.end" or "citations.0.quote"`;
}

/** The header that holds a field: the field's own path, or the longest header it lies under (a JSON cell). */
function csvColumnOf(header: string[], field: readonly string[]): string | null {
  for (let length = field.length; length > 0; length--) {
    const name = field.slice(0, length).join('.');
    if (header.includes(name)) return name;
  }
  return field.length ? field.join('.') : null;
}

async function* jsonRecords(kind: AnySeedKind, input: Readable): AsyncGenerator<FileRecord> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  let records: unknown;
  try {
    records = JSON.parse(text);
  } catch (error) {
    throw new FileUnreadable([{ line: 1, column: null, message: `not valid JSON: ${(error as Error).message}` }]);
  }
  if (!Array.isArray(records)) throw new FileUnreadable([{ line: 1, column: null, message: `must hold a JSON array of ${kind.noun} records` }]);
  const lines = elementLines(text);
  for (const [index, element] of records.entries()) {
    const line = lines[index] ?? 1;
    const columnOf = (field: readonly string[]) => (field.length ? field.join('.') : null);
    if (element === null || typeof element !== 'object' || Array.isArray(element)) {
      yield { line, input: {}, problems: [{ line, column: null, message: `record ${index + 1} is not an object` }], columnOf };
      continue;
    }
    const { [TEXT_COLUMN]: sourceText, ...record } = element as Record<string, unknown>;
    const problems: FileProblem[] = [];
    if (sourceText !== undefined && (!kind.textFile || typeof sourceText !== 'string')) {
      problems.push({ line, column: TEXT_COLUMN, message: kind.textFile ? 'must be the text of the source, a string' : `a ${kind.noun} has no text` });
    }
    yield { line, input: record, text: typeof sourceText === 'string' ? sourceText : undefined, problems, columnOf };
  }
}

/** The line each element of a JSON array starts on (JSON.parse keeps no positions). */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectElement && c !== undefined && !/[\s,\]]/.test(c)) {
      lines.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectElement = true;
  }
  return lines;
}
