import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Column projection: a list fetches only the columns the query's fields read, so a page of names does not
 * carry twenty columns of text through the driver (parsing rows was the largest cost of a list request).
 *
 * A row type declares the fields whose names are not its own row properties and what they read; a field
 * named like a property reads that property. A field it does not know (a new one, or one that reads the
 * whole row) makes the list fetch every column: forgetting a declaration costs speed, never a wrong answer.
 */

/** GraphQL field name → the row properties its resolver reads, for fields not named after a property. */
export type FieldReads = Readonly<Record<string, readonly string[]>>;

/**
 * What a list fetches: `properties` undefined is every column; `cursors` false leaves out the sort keys
 * that cursors are made of (no cursor asked for). `key` tells two projections apart.
 */
export interface Projection {
  key: string;
  properties: readonly string[] | undefined;
  cursors: boolean;
}

function projection(properties: readonly string[] | undefined, cursors: boolean): Projection {
  return { key: `${properties?.join(',') ?? '*'}${cursors ? '' : '-'}`, properties, cursors };
}

export const ALL_COLUMNS: Projection = projection(undefined, true);

export class RowProjection {
  private readonly known: ReadonlySet<string>;
  // Per field of a parsed document (documents are cached, so are their nodes): a list nested under 50
  // parents, or the same query sent again, works its projection out once.
  private readonly ofConnection = new WeakMap<FieldNode, Projection>();
  private readonly ofObject = new WeakMap<FieldNode, Projection>();

  /** `properties`: the row's properties; `always`: read by the list itself (the id nested lists hang on). */
  constructor(
    properties: readonly string[],
    private readonly reads: FieldReads,
    private readonly always: readonly string[] = ['id'],
  ) {
    this.known = new Set(properties);
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
    const wanted = new Set(this.always);
    for (const field of fields) {
      if (field === '__typename') continue;
      const reads = this.reads[field] ?? (this.known.has(field) ? [field] : undefined);
      if (!reads) return projection(undefined, cursors);
      for (const property of reads) wanted.add(property);
    }
    return projection([...wanted].sort(), cursors);
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
