import { Column, Name, Param, SQL, StringChunk, Table } from 'drizzle-orm';
import { literalOf, PLANNED_FOR_ITS_VALUES } from './planning.js';

export interface RenderedSql {
  sql: string;
  params: unknown[];
  /**
   * For a statement marked PLANNED_FOR_ITS_VALUES (planning.ts): the same statement with its values
   * written in as literals, no parameters. Undefined when unmarked or when a value has no literal form.
   */
  withValues?: string;
}

// Drizzle keeps a table's name and schema under these registered symbols (drizzle-orm/table.js).
const SCHEMA = Symbol.for('drizzle:Schema');
const NAME = Symbol.for('drizzle:Name');
type TableSymbols = Record<symbol, string | undefined>;

/**
 * Renders the SQL this code builds (template text, nested fragments, values, tables and columns) in one
 * pass into one string. Drizzle's own renderer handles every kind of chunk, builds a text-and-params
 * object per chunk and merges them level by level: a tenth of a small request's CPU time. Anything else
 * (placeholders, subquery objects, views, inlined params, schema-qualified tables) answers undefined, and
 * the caller lets Drizzle render it; the statements are the same either way (tests run on both paths).
 */
export function renderSql(query: SQL): RenderedSql | undefined {
  const out: Output = { text: [], params: [], slots: [], planForValues: false };
  if (!append(query, out)) return undefined;
  return { sql: out.text.join(''), params: out.params, withValues: out.planForValues ? withValues(out) : undefined };
}

interface Output {
  text: string[];
  params: unknown[];
  /** Where in `text` each parameter's placeholder stands. */
  slots: number[];
  planForValues: boolean;
}

function pushParam(out: Output, value: unknown): void {
  out.params.push(value);
  out.slots.push(out.text.length);
  out.text.push(`$${out.params.length}`);
}

/**
 * The statement with every value written in as a literal (planning.ts, literalOf), for statements that take
 * no parameters (COPY); undefined when a value has no literal form or the statement is not one renderSql renders.
 */
export function renderWithValues(query: SQL): string | undefined {
  const out: Output = { text: [], params: [], slots: [], planForValues: false };
  return append(query, out) ? withValues(out) : undefined;
}

function withValues(out: Output): string | undefined {
  const text = [...out.text];
  for (let i = 0; i < out.params.length; i++) {
    const literal = literalOf(out.params[i]);
    if (literal === undefined) return undefined;
    text[out.slots[i]!] = literal;
  }
  return text.join('');
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

function append(query: SQL, out: Output): boolean {
  if ((query as unknown as { shouldInlineParams: boolean }).shouldInlineParams) return false;
  for (const chunk of query.queryChunks) if (!appendChunk(chunk, out)) return false;
  return true;
}

function appendChunk(chunk: unknown, out: Output): boolean {
  const { text } = out;
  if (chunk instanceof StringChunk) {
    for (const part of chunk.value) text.push(part);
  } else if (chunk === PLANNED_FOR_ITS_VALUES) {
    out.planForValues = true;
  } else if (chunk instanceof SQL) {
    return append(chunk, out);
  } else if (chunk instanceof Param) {
    const value = chunk.value === null ? null : chunk.encoder.mapToDriverValue(chunk.value);
    if (value instanceof SQL || (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date))) return false;
    pushParam(out, value);
  } else if (chunk instanceof Name) {
    text.push(quoted(chunk.value));
  } else if (chunk instanceof Table) {
    const table = chunk as unknown as TableSymbols;
    if (table[SCHEMA] !== undefined) return false;
    text.push(quoted(table[NAME]!));
  } else if (chunk instanceof Column) {
    const table = chunk.table as unknown as TableSymbols;
    if (table[SCHEMA] !== undefined) return false;
    text.push(`${quoted(table[NAME]!)}.${quoted(chunk.name)}`);
  } else if (chunk === undefined) {
    // an empty fragment
  } else if (Array.isArray(chunk)) {
    // A list in parentheses, as Drizzle writes an insert's columns and each row of its values.
    text.push('(');
    for (let i = 0; i < chunk.length; i++) {
      if (i > 0) text.push(', ');
      if (!appendChunk(chunk[i], out)) return false;
    }
    text.push(')');
  } else if (typeof chunk === 'string' || typeof chunk === 'number' || typeof chunk === 'boolean' || typeof chunk === 'bigint' || chunk === null) {
    pushParam(out, chunk);
  } else {
    return false;
  }
  return true;
}
