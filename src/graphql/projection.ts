import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import type { Projection } from '../db/sqlParts.js';

/**
 * Column projection: a list fetches only the columns the query's fields read, so a page of names does not
 * carry twenty columns of text through the driver (parsing rows was the largest cost of a list request).
 *
 * A field named like a row property and without a resolver reads that property. A field with a resolver
 * says what it reads beside its resolver, in whatever module declares it:
 *
 *   @Reads<FacilityRow>('nameZh', 'nameEn')   // these properties
 *   @Reads()                                   // none (a nested list hangs on the row's id, always fetched)
 *   @ReadsWholeRow()                           // every column (it hands the row on whole)
 *
 * A resolver that says nothing fails the first use of its type's projection, naming the field: a wrong
 * guess would answer wrong, and reading every column would hide the omission.
 */

/** A resolver class, as type-graphql's metadata names it. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's metadata types classes as Function
type AnyClass = Function;

const WHOLE_ROW = Symbol('the whole row');
type Declared = readonly string[] | typeof WHOLE_ROW;

/** Resolver class → method → what it reads. */
const declaredReads = new Map<AnyClass, Map<string, Declared>>();

function declare(prototype: object, method: string | symbol, reads: Declared): void {
  const resolver = prototype.constructor;
  let methods = declaredReads.get(resolver);
  if (!methods) declaredReads.set(resolver, (methods = new Map()));
  if (methods.has(String(method))) throw new Error(`${resolver.name}.${String(method)} declares what it reads twice.`);
  methods.set(String(method), reads);
}

/**
 * On a `@FieldResolver` method: the properties of the parent's row that it reads, named with the row type
 * (`@Reads<FacilityRow>('divisionId')`); `@Reads()` when it reads none.
 */
export function Reads<Row = unknown>(...properties: (keyof Row & string)[]) {
  return (prototype: object, method: string | symbol): void => declare(prototype, method, properties);
}

/** On a `@FieldResolver` method that reads the whole row (a list selecting it fetches every column). */
export function ReadsWholeRow() {
  return (prototype: object, method: string | symbol): void => declare(prototype, method, WHOLE_ROW);
}

/** GraphQL field name → the row properties it reads; undefined: the whole row. */
export type FieldReads = ReadonlyMap<string, readonly string[] | undefined>;

/**
 * What a list fetches: `properties` undefined is every column; `cursors` false leaves out the sort keys
 * that cursors are made of (no cursor asked for). `key` tells two projections apart.
 */
export type { Projection };

function projection(properties: readonly string[] | undefined, cursors: boolean): Projection {
  return { key: `${properties?.join(',') ?? '*'}${cursors ? '' : '-'}`, properties, cursors };
}

export const ALL_COLUMNS: Projection = projection(undefined, true);

const rowProjections: RowProjection[] = [];

/** Works out every row projection's field reads now: throws, naming the field, if a resolver declares none. */
export function checkDeclaredReads(): void {
  for (const rowProjection of rowProjections) rowProjection.fieldReads();
}

export class RowProjection {
  private reads: FieldReads | undefined;
  // Per field of a parsed document (documents are cached, so are their nodes): a list nested under 50
  // parents, or the same query sent again, works its projection out once.
  private readonly ofConnection = new WeakMap<FieldNode, Projection>();
  private readonly ofObject = new WeakMap<FieldNode, Projection>();

  /**
   * `objectType`: the GraphQL object type whose rows these are (a thunk: read when first used, once every
   * resolver module has declared its fields); `properties`: the row's properties; `always`: read by the
   * list itself (the id nested lists hang on).
   */
  constructor(
    private readonly objectType: () => AnyClass,
    private readonly properties: readonly string[],
    private readonly always: readonly string[] = ['id'],
  ) {
    rowProjections.push(this);
  }

  /** What each field of the object type reads, worked out from the type-graphql metadata on first use. */
  fieldReads(): FieldReads {
    return (this.reads ??= readsOfFields(this.objectType(), this.properties));
  }

  /** The projection for the nodes of the connection this resolver returns (`nodes { … }`, `edges { node { … } }`). */
  forConnection(info: GraphQLResolveInfo): Projection {
    return this.remembered(this.ofConnection, info, () => {
      const connection = selectedFields(
        info,
        info.fieldNodes.map((node) => node.selectionSet),
      );
      return this.forFields(nodeFieldsOf(info, connection), asksForCursors(info, connection));
    });
  }

  /** The projection for the object this resolver returns. */
  forObject(info: GraphQLResolveInfo): Projection {
    return this.remembered(this.ofObject, info, () =>
      this.forFields(
        fieldsOf(
          info,
          info.fieldNodes.map((node) => node.selectionSet),
        ),
        false,
      ),
    );
  }

  private remembered(cache: WeakMap<FieldNode, Projection>, info: GraphQLResolveInfo, work: () => Projection): Projection {
    // A field selected twice (merged from fragments) has several nodes: rare, so simply not remembered.
    const node = info.fieldNodes.length === 1 ? info.fieldNodes[0]! : undefined;
    let projection = node && cache.get(node);
    if (!projection) {
      projection = work();
      if (node) cache.set(node, projection);
    }
    return projection;
  }

  private forFields(fields: ReadonlySet<string>, cursors: boolean): Projection {
    const readsOf = this.fieldReads();
    const wanted = new Set(this.always);
    for (const field of fields) {
      if (field === '__typename') continue;
      const reads = readsOf.get(field);
      if (!reads) return projection(undefined, cursors);
      for (const property of reads) wanted.add(property);
    }
    return projection([...wanted].sort(), cursors);
  }
}

/**
 * The reads of every field of `objectType`: a field resolver's as declared (by whichever resolver class
 * adds it), a plain field's its own property. Throws on a resolver without a declaration, a declaration
 * on no resolver, and a plain field that is no property of the row.
 */
function readsOfFields(objectType: AnyClass, properties: readonly string[]): FieldReads {
  const storage = getMetadataStorage();
  const typeName = storage.objectTypes.find((type) => type.target === objectType)?.name ?? objectType.name;
  const resolverClasses = new Set(storage.resolverClasses.filter((resolver) => objectTypeOf(resolver) === objectType).map((resolver) => resolver.target));
  const reads = new Map<string, readonly string[] | undefined>();
  const fail = (problem: string) => {
    throw new Error(`Column projection of ${typeName}: ${problem} (src/graphql/projection.ts).`);
  };

  for (const resolver of storage.fieldResolvers) {
    if (!resolverClasses.has(resolver.target)) continue;
    const declared = declaredReads.get(resolver.target)?.get(resolver.methodName);
    if (!declared) {
      fail(
        `${typeName}.${resolver.schemaName} (${resolver.target.name}.${resolver.methodName}) does not say what it reads of the row; ` +
          "put @Reads<Row>('property', …) on it, @Reads() if it reads none, @ReadsWholeRow() if it needs every column",
      );
    }
    reads.set(resolver.schemaName, declared === WHOLE_ROW ? undefined : declared);
  }
  for (const resolver of resolverClasses) {
    for (const method of declaredReads.get(resolver)?.keys() ?? []) {
      if (!storage.fieldResolvers.some((field) => field.target === resolver && field.methodName === method)) {
        fail(`${resolver.name}.${method} declares what it reads but is no @FieldResolver`);
      }
    }
  }

  const columns = new Set(properties);
  const lineage = new Set<AnyClass>();
  for (let type = objectType; type !== Function.prototype; type = Object.getPrototypeOf(type) as AnyClass) lineage.add(type);
  for (const field of storage.fields) {
    if (!lineage.has(field.target) || reads.has(field.schemaName)) continue;
    if (!columns.has(field.name)) fail(`${typeName}.${field.schemaName} is no property of the row and has no field resolver`);
    reads.set(field.schemaName, [field.name]);
  }
  return reads;
}

/** The object type a resolver class resolves fields of; undefined for `@Resolver()` (root fields only), whose thunk throws. */
function objectTypeOf(resolver: { getObjectType?: () => unknown }): unknown {
  try {
    return resolver.getObjectType?.();
  } catch {
    return undefined;
  }
}

type SelectedFields = Map<string, (SelectionSetNode | undefined)[]>;

/** Does the connection's selection read a cursor (an edge's, or pageInfo's start or end)? */
function asksForCursors(info: GraphQLResolveInfo, connection: SelectedFields): boolean {
  const pageInfo = selectedFields(info, connection.get('pageInfo') ?? []);
  return selectedFields(info, connection.get('edges') ?? []).has('cursor') || pageInfo.has('startCursor') || pageInfo.has('endCursor');
}

/** Names of the fields selected on a connection's nodes, through `nodes` and `edges.node`, fragments included. */
function nodeFieldsOf(info: GraphQLResolveInfo, connection: SelectedFields): Set<string> {
  const nodeSets = [...(connection.get('nodes') ?? [])];
  for (const edges of selectedFields(info, connection.get('edges') ?? []).get('node') ?? []) nodeSets.push(edges);
  return fieldsOf(info, nodeSets);
}

function fieldsOf(info: GraphQLResolveInfo, sets: (SelectionSetNode | undefined)[]): Set<string> {
  return new Set(selectedFields(info, sets).keys());
}

/**
 * Field name → the selection sets under it, over several selection sets, through fragment spreads and
 * inline fragments. @skip/@include are ignored: fetching a column a skipped field would read is harmless.
 */
function selectedFields(info: GraphQLResolveInfo, sets: (SelectionSetNode | undefined)[]): SelectedFields {
  const fields: SelectedFields = new Map();
  const visit = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const under = fields.get(name);
        if (under) under.push(selection.selectionSet);
        else fields.set(name, [selection.selectionSet]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        visit(info.fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  for (const set of sets) visit(set);
  return fields;
}
