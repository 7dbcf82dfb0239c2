import type { SQL } from 'drizzle-orm';
import { getArgumentValues, getNamedType, isObjectType, Kind, type GraphQLResolveInfo } from 'graphql';
import type { Context } from './context.js';
import { nestedListsOf } from './nestedList.js';
import { loadWithNestedPage, type NestedPage } from './relay/load.js';

export interface SelectedChild {
  args: Record<string, unknown>;
  /** The child field's own resolve info, as its resolver will get it (what projections read). */
  info: GraphQLResolveInfo;
}

/**
 * The field `name` selected under the field being resolved, with its arguments: for a resolver that
 * fetches the child's data together with its own. Undefined unless it is selected exactly once, as a
 * plain field among plain fields (no fragments, no directives) with valid arguments; the child then
 * resolves on its own as always, and reports its own errors.
 */
export function selectedChild(info: GraphQLResolveInfo, name: string): SelectedChild | undefined {
  if (info.fieldNodes.length !== 1) return undefined;
  let node;
  for (const selection of info.fieldNodes[0]!.selectionSet?.selections ?? []) {
    if (selection.kind !== Kind.FIELD) return undefined;
    if (selection.name.value !== name) continue;
    if (node || selection.directives?.length) return undefined;
    node = selection;
  }
  const type = getNamedType(info.returnType);
  const field = node && isObjectType(type) ? type.getFields()[name] : undefined;
  if (!node || !field || !isObjectType(type)) return undefined;
  try {
    const args = getArgumentValues(field, node, info.variableValues);
    const path = { prev: info.path, key: node.alias?.value ?? name, typename: type.name };
    return { args, info: { ...info, fieldName: name, fieldNodes: [node], returnType: field.type, parentType: type, path } };
  } catch {
    return undefined;
  }
}

/**
 * A root lookup (`facility(slug)`) and the first nested list (nestedList.ts) selected under it, in one
 * statement (loadWithNestedPage); `alone` when none is, or when the list's arguments are refused (the
 * list's own resolver then reports them).
 */
export function lookUpWithList<Row extends { id: number }>(
  context: Context,
  info: GraphQLResolveInfo,
  lookup: SQL,
  alone: () => Promise<Row | null>,
): Promise<Row | null> {
  const type = getNamedType(info.returnType);
  const lists = nestedListsOf(type.name);
  for (const [name, listOf] of lists) {
    const child = selectedChild(info, name);
    if (!child) continue;
    let nested: NestedPage;
    try {
      nested = listOf(child.args, child.info);
    } catch {
      return alone();
    }
    return loadWithNestedPage(context, lookup, nested, alone);
  }
  return alone();
}
