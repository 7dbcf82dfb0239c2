import { sql } from 'drizzle-orm';
import { divisions, facilities, indicators, observations, organizations, programs } from '../db/tables/index.js';
import type { Context } from './context.js';
import { badUserInput } from './errors.js';

/**
 * The codes, slugs and keys a filter names, its list's own ones included (`facilities(filter: { slug })`).
 * A filter on a name that does not exist matches nothing, which looks like "no data" to a client who
 * mistyped it: when a list comes back empty, the names are checked (one statement, and only then) and an
 * unknown one is reported as the mistake it is, with the root field that lists the valid ones.
 */
const kinds = {
  division: { table: divisions, key: divisions.code, what: 'division code', rootField: 'divisions' },
  organization: { table: organizations, key: organizations.slug, what: 'organization slug', rootField: 'organizations' },
  facility: { table: facilities, key: facilities.slug, what: 'facility slug', rootField: 'facilities' },
  program: { table: programs, key: programs.slug, what: 'program slug', rootField: 'programs' },
  indicator: { table: indicators, key: indicators.code, what: 'indicator code', rootField: 'indicators' },
  observation: { table: observations, key: observations.key, what: 'observation key', rootField: 'observations' },
} as const;
export type ReferenceKind = keyof typeof kinds;
const kindOrder = Object.keys(kinds) as ReferenceKind[];

// Past this many unknown names the message says how many more: it is read by a person.
const MAX_NAMED = 10;

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
    // Per kind, in a fixed order, the names as one array parameter: the text depends on which kinds are
    // named, never on how many names.
    const checks = kindOrder
      .filter((kind) => this.named.get(kind)?.size)
      .map((kind) => {
        const { table, key } = kinds[kind];
        return sql`select ${sql.raw(`'${kind}'`)} as "kind", ${sql.raw(String(kindOrder.indexOf(kind)))} as "kindOrder", "named"."value", "named"."position"
        from unnest(${sql.param([...this.named.get(kind)!])}::text[]) with ordinality as "named"("value", "position")
        where not exists (select 1 from ${table} where ${key} = "named"."value" and "retired_at" is null)`;
      });
    if (checks.length === 0) return;
    const missing = await context.db.rows<{ kind: ReferenceKind; value: string }>(sql`${sql.join(checks, sql` union all `)} order by "kindOrder", "position"`);
    if (missing.length) throw badUserInput(unknownNamesMessage(missing), { argument: 'filter' });
  }
}

function unknownNamesMessage(missing: { kind: ReferenceKind; value: string }[]): string {
  const named = missing.slice(0, MAX_NAMED).map((m) => `${kinds[m.kind].what} ${JSON.stringify(m.value)}`);
  if (missing.length > MAX_NAMED) named.push(`${missing.length - MAX_NAMED} more`);
  const rootFields = [...new Set(missing.map((m) => `\`${kinds[m.kind].rootField}\``))];
  return (
    `The filter names ${inWords(named)}, which ${missing.length === 1 ? 'does' : 'do'} not exist. ` +
    `Check the spelling, or list the valid ones with ${inWords(rootFields)}.`
  );
}

const inWords = (items: string[]) => (items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
