import {
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from '../graphql/relay/pageArgs.js';
import { fragmentsByName } from '../graphql/fragments.js';
import { listBoundOf } from '../graphql/listBound.js';
import { isUnindexedSearch } from '../graphql/searchText.js';

/**
 * Items an introspection list is assumed to hold. Introspection lists (types, fields) cycle
 * (`types { fields { type { fields … } } }`): 10, so a deep introspection query is priced as it runs.
 * The API's own lists outside connections each declare their bound (listBound.ts).
 */
export const INTROSPECTION_LIST_SIZE_ESTIMATE = 10;

/** A `first`/`last` argument as the client sent it, for the page size check. */
export interface PageSizeUse {
  argument: 'first' | 'last';
  value: number;
}

/**
 * What an operation would make the server do, measured on the document and variables alone, before
 * anything runs. Fragments are expanded (each spread counts), so reusing a fragment cannot hide work.
 */
export interface OperationShape {
  /** Deepest field nesting; a root field is at depth 1. */
  depth: number;
  aliases: number;
  rootFields: number;
  /**
   * Estimated cost, GitHub-style: 1 per object a field returns, multiplied through lists by the page size
   * of the connection they belong to (`first`/`last`, default 20), the length of `ids`, or an estimate.
   */
  cost: number;
  pageSizes: PageSizeUse[];
  /** The longest list given in an argument (literal or variable), and where. */
  longestInputList: InputListUse | undefined;
}

/** A list a client passed in an argument, at any depth of an input object. */
export interface InputListUse {
  argument: string;
  length: number;
}

interface Measure {
  depth: number;
  aliases: number;
  fields: number;
  cost: number;
  pageSizes: PageSizeUse[];
}

const empty = (): Measure => ({ depth: 0, aliases: 0, fields: 0, cost: 0, pageSizes: [] });

export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): OperationShape {
  const fragments = fragmentsByName(document);
  // The operation's own variables, read as own properties only: a `__proto__` key in the JSON is a plain
  // key to graphql-js, and must not become a prototype here (the estimate would read values the run does not).
  const values: Record<string, unknown> = Object.create(null);
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (Object.hasOwn(variables, name)) values[name] = variables[name];
    else if (definition.defaultValue) values[name] = valueFromASTUntyped(definition.defaultValue);
  }
  let longestInputList: InputListUse | undefined;

  // A fragment's measure depends only on where it is spread (its type and the enclosing page size): measured once.
  const memo = new Map<string, Measure>();
  const inProgress = new Set<string>();

  const argument = (field: FieldNode, name: string): unknown => {
    const node = field.arguments?.find((arg) => arg.name.value === name)?.value;
    return node ? valueFromASTUntyped(node, values) : undefined;
  };

  function fieldDefinition(parent: GraphQLCompositeType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
    if (!parent) return undefined;
    if (name === '__schema' && parent === schema.getQueryType()) return SchemaMetaFieldDef;
    if (name === '__type' && parent === schema.getQueryType()) return TypeMetaFieldDef;
    return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  }

  /**
   * What the field's arguments cost: each value in a list 1 (every value is a parameter to match), a
   * search the index cannot serve UNINDEXED_SEARCH_COST; notes the longest list.
   */
  function inputListItems(field: FieldNode): number {
    let items = 0;
    for (const node of field.arguments ?? []) {
      const walk = (value: unknown, path: string): void => {
        if (typeof value === 'string' && (path.endsWith('.search') || path === 'search(query)') && isUnindexedSearch(value)) items += UNINDEXED_SEARCH_COST;
        if (Array.isArray(value)) {
          items += value.length;
          if (!longestInputList || value.length > longestInputList.length) longestInputList = { argument: path, length: value.length };
          value.forEach((item, index) => index < MAX_WALKED_ITEMS && walk(item, path));
        } else if (typeof value === 'object' && value !== null) {
          for (const key of Object.keys(value)) walk((value as Record<string, unknown>)[key], `${path}.${key}`);
        }
      };
      walk(valueFromASTUntyped(node.value, values), `${field.name.value}(${node.name.value})`);
    }
    return items;
  }

  function measureField(field: FieldNode, parent: GraphQLCompositeType | undefined, pageSize: number): Measure {
    const definition = fieldDefinition(parent, field.name.value);
    const aliases = field.alias ? 1 : 0;
    const namedType = definition ? getNamedType(definition.type) : undefined;
    const argumentCost = field.arguments?.length ? inputListItems(field) : 0;
    if (!field.selectionSet) return { depth: 1, aliases, fields: 1, cost: argumentCost, pageSizes: [] };
    const pageSizes: PageSizeUse[] = [];
    let childPageSize = DEFAULT_PAGE_SIZE;
    if (namedType && isConnection(namedType)) {
      for (const name of ['first', 'last'] as const) {
        const value = argument(field, name);
        if (typeof value === 'number' && Number.isFinite(value)) {
          pageSizes.push({ argument: name, value });
          if (value >= 0) childPageSize = value;
        }
      }
    }
    let multiplier = 1;
    if (definition && isListType(getNullableType(definition.type))) {
      const ids = argument(field, 'ids');
      if (parent && isConnection(parent) && (field.name.value === 'edges' || field.name.value === 'nodes')) multiplier = pageSize;
      else if (Array.isArray(ids)) multiplier = ids.length;
      else multiplier = namedType?.name.startsWith('__') ? INTROSPECTION_LIST_SIZE_ESTIMATE : listBoundOf(definition);
    }
    const inner = measureSelections(field.selectionSet, namedType && isCompositeType(namedType) ? namedType : undefined, childPageSize);
    return {
      depth: 1 + inner.depth,
      aliases: aliases + inner.aliases,
      fields: 1,
      cost: multiplier * (1 + inner.cost) + argumentCost, // each object the field returns costs 1, plus what is asked of it
      pageSizes: [...pageSizes, ...inner.pageSizes],
    };
  }

  function measureSelections(selectionSet: SelectionSetNode, parent: GraphQLCompositeType | undefined, pageSize: number): Measure {
    const total = empty();
    for (const selection of selectionSet.selections) {
      let part: Measure;
      if (selection.kind === Kind.FIELD) part = measureField(selection, parent, pageSize);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        part = measureSelections(selection.selectionSet, typeOf(selection.typeCondition?.name.value) ?? parent, pageSize);
      } else part = measureSpread(selection.name.value, pageSize);
      total.depth = Math.max(total.depth, part.depth);
      total.aliases += part.aliases;
      total.fields += part.fields;
      total.cost += part.cost;
      if (total.pageSizes.length < 100) total.pageSizes.push(...part.pageSizes.slice(0, 100));
    }
    return total;
  }

  function measureSpread(name: string, pageSize: number): Measure {
    const fragment = fragments.get(name);
    const key = `${name}:${pageSize}`;
    if (!fragment || inProgress.has(name)) return empty(); // unknown fragments and cycles fail validation later
    let measure = memo.get(key);
    if (!measure) {
      inProgress.add(name);
      measure = measureSelections(fragment.selectionSet, typeOf(fragment.typeCondition.name.value), pageSize);
      inProgress.delete(name);
      memo.set(key, measure);
    }
    return measure;
  }

  function typeOf(name: string | undefined): GraphQLCompositeType | undefined {
    const type = name ? schema.getType(name) : undefined;
    return type && isCompositeType(type) ? type : undefined;
  }

  const measure = measureSelections(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined, DEFAULT_PAGE_SIZE);
  return {
    depth: measure.depth,
    aliases: measure.aliases,
    rootFields: measure.fields,
    // A write checks a whole record against the database and holds locks: priced well above a read of one object.
    cost: Math.max(1, measure.cost) + (operation.operation === 'mutation' ? MUTATION_COST * measure.fields : 0),
    pageSizes: measure.pageSizes,
    longestInputList,
  };
}

/** What each root field of a mutation costs besides what it selects. */
export const MUTATION_COST = 20;

/** A search of one-character terms reads every row it may match (no index serves it): priced like a large page tree. */
export const UNINDEXED_SEARCH_COST = 1_000;

/** Past this many items a list's items are not looked into (its length is still counted). */
const MAX_WALKED_ITEMS = 10_000;

/** Relay connections: the types whose `edges`/`nodes` hold one page. */
function isConnection(type: unknown): boolean {
  return isObjectType(type) && type.name.endsWith('Connection') && 'pageInfo' in type.getFields();
}
