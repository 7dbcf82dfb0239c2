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

/**
 * Which statements planned for their values are worth preparing after all: one whose text (values
 * included) comes back — a popular search — is prepared on its `after`-th time, so its plan, made for its
 * values, is reused instead of planned again (planning was a third of a search's time in PostgreSQL).
 * At most `capacity` texts are prepared, so a stream of distinct searches cannot fill the connections
 * with statements; the list starts afresh every `renewMs`, as often as connections are renewed (their
 * prepared statements go with them).
 */
export class PopularStatements {
  private readonly seen = new Map<string, number>();
  private readonly prepared = new Set<string>();
  private renewedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly after: number,
    private readonly renewMs: number,
    private readonly now = Date.now,
  ) {
    this.renewedAt = now();
  }

  /** Whether to prepare this statement text now. */
  admit(text: string): boolean {
    if (this.now() - this.renewedAt >= this.renewMs) {
      this.seen.clear();
      this.prepared.clear();
      this.renewedAt = this.now();
    }
    if (this.prepared.has(text)) return true;
    if (this.prepared.size >= this.capacity) return false;
    const times = (this.seen.get(text) ?? 0) + 1;
    if (times >= this.after) {
      this.seen.delete(text);
      this.prepared.add(text);
      return true;
    }
    if (this.seen.size >= this.capacity * 10) this.seen.clear(); // counting stays bounded too
    this.seen.set(text, times);
    return false;
  }
}
