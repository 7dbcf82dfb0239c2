import { SQL } from 'drizzle-orm';

/**
 * How PostgreSQL plans a statement. Statements are prepared once per connection and, as PostgreSQL does
 * by default, soon run on a generic plan: planning a statement afresh cost as much as running it (a
 * nested page: 0.23 ms planning, 0.21 ms execution). A few conditions make the best plan depend on the
 * values themselves: a search term matching 3 rows wants the bigram index, one matching 15 % of the
 * table wants the sort index, and a generic plan cannot tell them apart (the 1M-row search took 1,177 ms
 * on a generic plan, 1.4 ms on its own). A statement holding such a condition is sent with its values
 * written into the text, unprepared: PostgreSQL then plans it for exactly those values, in one round
 * trip, and no per-value statement piles up in the connection's cache.
 */

/** Put into a statement (anywhere, as a fragment): that statement is planned for its own values. */
export const PLANNED_FOR_ITS_VALUES = new SQL([]);

/**
 * A parameter as a PostgreSQL literal with the meaning postgres.js gives the same value as a parameter:
 * strings and numbers untyped (the column or cast decides, as for `$1`), arrays as untyped array text.
 * Undefined for anything else (dates, booleans, bytes, NUL characters): the statement stays prepared.
 * Quoting doubles single quotes, which is exact only under standard_conforming_strings (set on every
 * connection, connection.ts), where backslashes are ordinary characters.
 */
export function literalOf(value: unknown): string | undefined {
  if (value === null) return 'NULL';
  const text = Array.isArray(value) ? arrayText(value) : plainText(value);
  return text === undefined || text.includes('\u0000') ? undefined : `'${text.replace(/'/g, "''")}'`;
}

function plainText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** PostgreSQL's array text, as postgres.js writes it: every element quoted, `\` and `"` escaped. */
function arrayText(values: unknown[]): string | undefined {
  const elements: string[] = [];
  for (const value of values) {
    if (value === null) {
      elements.push('NULL');
      continue;
    }
    const text = plainText(value);
    if (text === undefined) return undefined;
    elements.push(`"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  }
  return `{${elements.join(',')}}`;
}
