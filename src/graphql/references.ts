import { sql } from 'drizzle-orm';
import { divisions, facilities, indicators, organizations, programs } from '../db/tables/index.js';
import type { Context } from './context.js';
import { badUserInput } from './errors.js';

/**
 * The codes and slugs a filter names. A filter on a code that does not exist matches nothing, which
 * looks like "no data" to a client who mistyped it: when a list comes back empty, the names are checked
 * (one statement, and only then) and an unknown one is reported as the mistake it is.
 */
const kinds = {
  division: { table: divisions, key: divisions.code, what: 'division code' },
  organization: { table: organizations, key: organizations.slug, what: 'organization slug' },
  facility: { table: facilities, key: facilities.slug, what: 'facility slug' },
  program: { table: programs, key: programs.slug, what: 'program slug' },
  indicator: { table: indicators, key: indicators.code, what: 'indicator code' },
} as const;
export type ReferenceKind = keyof typeof kinds;

export class References {
  private readonly named = new Map<ReferenceKind, Set<string>>();

  add(kind: ReferenceKind, values: string | readonly string[] | null | undefined): void {
    if (values == null) return;
    let set = this.named.get(kind);
    if (!set) this.named.set(kind, (set = new Set()));
    for (const value of typeof values === 'string' ? [values] : values) set.add(value);
  }

  get isEmpty(): boolean {
    return this.named.size === 0;
  }

  /** Throws BAD_USER_INPUT naming every code or slug that does not exist. */
  async assertExist(context: Context): Promise<void> {
    if (this.isEmpty) return;
    const checks = [...this.named].map(([kind, values]) => {
      const { table, key } = kinds[kind];
      const list = sql.join([...values].map((v) => sql`(${v})`), sql`, `);
      return sql`select ${kind} as "kind", "named"."value" from (values ${list}) as "named"("value")
        where not exists (select 1 from ${table} where ${key} = "named"."value")`;
    });
    const missing = await context.db.rows<{ kind: ReferenceKind; value: string }>(sql.join(checks, sql` union all `));
    if (missing.length) {
      const names = missing.map((m) => `${kinds[m.kind].what} "${m.value}"`).join(', ');
      throw badUserInput(`The filter names ${names}, which does not exist. Check the spelling, or list the valid ones with the matching root field (divisions, organizations, facilities, programs, indicators).`, { argument: 'filter' });
    }
  }
}
