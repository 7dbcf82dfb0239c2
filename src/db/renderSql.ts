import { Column, Name, Param, SQL, StringChunk, Table } from 'drizzle-orm';

export interface RenderedSql {
  sql: string;
  params: unknown[];
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
  const text: string[] = [];
  const params: unknown[] = [];
  return append(query, text, params) ? { sql: text.join(''), params } : undefined;
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

function append(query: SQL, text: string[], params: unknown[]): boolean {
  if ((query as unknown as { shouldInlineParams: boolean }).shouldInlineParams) return false;
  for (const chunk of query.queryChunks) {
    if (chunk instanceof StringChunk) {
      for (const part of chunk.value) text.push(part);
    } else if (chunk instanceof SQL) {
      if (!append(chunk, text, params)) return false;
    } else if (chunk instanceof Param) {
      const value = chunk.value === null ? null : chunk.encoder.mapToDriverValue(chunk.value);
      if (value instanceof SQL || (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date))) return false;
      params.push(value);
      text.push(`$${params.length}`);
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
    } else if (typeof chunk === 'string' || typeof chunk === 'number' || typeof chunk === 'boolean' || typeof chunk === 'bigint' || chunk === null) {
      params.push(chunk);
      text.push(`$${params.length}`);
    } else {
      return false;
    }
  }
  return true;
}
