import type { GraphQLResolveInfo } from 'graphql';
import { ALL_COLUMNS, type Projection, type RowProjection } from './projection.js';
import type { BelongsTo, ListQuery } from './relay/keyset.js';
import type { Context } from './context.js';
import { toConnection } from './relay/connection.js';
import { loadNestedPage, type NestedPage } from './relay/load.js';
import { toPageRequest, type ForwardPageArgs } from './relay/pageArgs.js';

/** A nested list field (`Facility.programs`): what it lists for its parents, declared once beside its resolver. */
export interface NestedListDefinition<Args extends object> {
  /** The object type the field is on, and the field, as in the schema. */
  parentType: string;
  field: string;
  /** The columns the listed type's fields read; without it, every column. */
  projection?: RowProjection;
  /** The list for these arguments (all but the page) and columns. */
  list: (args: Args, projection: Projection) => ListQuery;
  /** Which rows of the list belong to one parent. */
  belongsTo: BelongsTo;
}

/** A nested list's page as its field's resolver loads it, from the field's arguments and resolve info. */
export type NestedListOf = (args: Record<string, unknown>, info: GraphQLResolveInfo) => NestedPage;

const listsByParentType = new Map<string, Map<string, NestedListOf>>();

/**
 * Declares a nested list and returns how a page of it is asked for. Its loader key is derived here from
 * the field and its arguments (two selections of one list with the same arguments share a statement),
 * and the list becomes known to look-ahead (a lookup of its parent may load it in the same statement).
 */
export function nestedList<Args extends object>(
  definition: NestedListDefinition<Args>,
): (args: Args & ForwardPageArgs, info: GraphQLResolveInfo) => NestedPage {
  const { parentType, field, projection, list, belongsTo } = definition;
  const pageOf = (args: Args & ForwardPageArgs, info: GraphQLResolveInfo): NestedPage => {
    const { first, after, ...listArgs } = args;
    return {
      shape: `${parentType}.${field}:${argumentsKey(listArgs)}`,
      projection: projection ? projection.forConnection(info) : ALL_COLUMNS,
      list: (columns) => list(listArgs as Args, columns),
      belongsTo,
      request: toPageRequest({ first, after }),
    };
  };
  let ofType = listsByParentType.get(parentType);
  if (!ofType) listsByParentType.set(parentType, (ofType = new Map()));
  if (ofType.has(field)) throw new Error(`The nested list ${parentType}.${field} is declared twice.`);
  ofType.set(field, pageOf as NestedListOf);
  return pageOf;
}

/** The nested lists of an object type, by field name (for look-ahead). */
export function nestedListsOf(parentType: string): ReadonlyMap<string, NestedListOf> {
  return listsByParentType.get(parentType) ?? new Map();
}

/** The arguments as a key: by name (a look-ahead and the resolver may list them in different orders), absent ones left out. */
function argumentsKey(args: Record<string, unknown>): string {
  const named = Object.keys(args)
    .filter((name) => args[name] !== undefined)
    .sort()
    .map((name) => [name, args[name]]);
  return JSON.stringify(named);
}

/** The page a nested list field answers for one parent, as a connection (batched over the parents of a level). */
export async function nestedConnection<Args extends object>(
  context: Context,
  info: GraphQLResolveInfo,
  list: (args: Args & ForwardPageArgs, info: GraphQLResolveInfo) => NestedPage,
  args: Args & ForwardPageArgs,
  parentId: number,
) {
  const { page, countTotal } = await loadNestedPage<object>(context, info, () => list(args, info), parentId);
  return toConnection(page, countTotal);
}
