import { Field, InputType, registerEnumType } from 'type-graphql';
import { col } from '../db/sqlParts.js';
import { OrderDirection } from './enums.js';
import { badUserInput } from './errors.js';
import type { SortKey } from './relay/keyset.js';

/**
 * A field a list can be sorted by: a non-null column of the list's main table, or a key computed from
 * the filter (RELEVANCE from `filter.search`, DISTANCE from `filter.near`).
 */
export type OrderField = { column: string; type: SortKey['type']; description: string } | { special: Special; description: string };

type Special = 'relevance' | 'distance';
const needs: Record<Special, string> = { relevance: '`filter.search`', distance: '`filter.near`' };

export interface OrderInput<F extends string> {
  field: F;
  direction: OrderDirection;
}

/** Sort keys the filter makes available: where there is a search, its relevance; where a point, distance. */
export type SpecialKeys = Partial<Record<Special, SortKey>>;

/**
 * Builds the `<Name>OrderField` enum and `<Name>Order` input of a list, and turns a client's `orderBy`
 * into keyset sort keys: the keys asked for, then the id, so the order is total.
 */
export function orderingFor<F extends string>(name: string, fields: Record<F, OrderField>, defaultOrder: OrderInput<NoInfer<F>>[]) {
  const fieldEnum = Object.fromEntries(Object.keys(fields).map((key) => [key, key])) as Record<F, F>;
  registerEnumType(fieldEnum, {
    name: `${name}OrderField`,
    description: `What ${name.toLowerCase()} lists can be sorted by.`,
    valuesConfig: Object.fromEntries(Object.entries(fields).map(([key, spec]) => [key, { description: (spec as OrderField).description }])) as never,
  });

  @InputType(`${name}Order`, { description: `One sort key for a ${name.toLowerCase()} list; list several for ties.` })
  class Order {
    @Field(() => fieldEnum, { description: 'What to sort by.' })
    field!: F;

    @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'Which way.' })
    direction!: OrderDirection;
  }

  // Which enum value stands for each filter-made key this list offers (DISTANCE, RELEVANCE).
  const specialField = new Map<Special, F>();
  for (const [field, spec] of Object.entries(fields) as [F, OrderField][]) if ('special' in spec) specialField.set(spec.special, field);

  function sortKeys(orderBy: OrderInput<F>[] | null | undefined, alias: string, specials: SpecialKeys = {}): SortKey[] {
    // Without orderBy, a point orders by distance, else a search by relevance, then the list's default.
    const preferred = (['distance', 'relevance'] as const).find((special) => specials[special] && specialField.has(special));
    const byDefault = preferred ? [{ field: specialField.get(preferred)!, direction: OrderDirection.ASC }, ...defaultOrder] : defaultOrder;
    const wanted = orderBy?.length ? orderBy : byDefault;
    const seen = new Set<F>();
    const keys = wanted.map(({ field, direction }): SortKey => {
      if (seen.has(field)) throw badUserInput(`orderBy names ${field} twice; name each field once.`, { argument: 'orderBy' });
      seen.add(field);
      const spec = fields[field] as OrderField;
      if ('special' in spec) {
        const key = specials[spec.special];
        if (!key) throw badUserInput(`orderBy ${field} needs ${needs[spec.special]}; give it, or order by another field.`, { argument: 'orderBy' });
        return { ...key, direction, name: field };
      }
      return { expression: col(alias, spec.column), type: spec.type, direction, name: field };
    });
    return [...keys, { expression: col(alias, 'id'), type: 'integer', direction: keys.at(-1)?.direction ?? 'asc', name: 'ID' }];
  }

  return { Order, sortKeys };
}
