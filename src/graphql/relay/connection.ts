import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Page, PageRow } from './keyset.js';

@ObjectType({ description: 'Where a page sits in its list (Relay cursor connections).', simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean, { description: 'Are there more items after this page?' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Are there more items before this page?' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the first item; pass it as `before` for the previous page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'The cursor of the last item; pass it as `after` for the next page.' })
  endCursor!: string | null;
}

/** What list resolvers return; the connection types below read it. */
export interface ConnectionData<Row, Edge = { cursor: string; node: Row }> {
  edges: Edge[];
  nodes: Row[];
  pageInfo: PageInfo;
  /** Counted only when a client asks for totalCount. */
  countTotal: () => Promise<number>;
}

export function toConnection<Row>(page: Page<Row>, countTotal: () => Promise<number>): ConnectionData<Row> {
  return toConnectionWith(page, countTotal, (row) => ({ node: row }));
}

/** Like toConnection, for edges that carry more than the node (a role, a distance). */
export function toConnectionWith<Row, Node, Extra>(
  page: Page<Row>,
  countTotal: () => Promise<number>,
  edgeOf: (row: Row) => Extra & { node: Node },
): ConnectionData<Node, Extra & { node: Node; cursor: string }> {
  const edges = page.rows.map((pageRow) => Object.assign(new LazyCursorEdge(pageRow), edgeOf(pageRow.row)) as Extra & { node: Node; cursor: string });
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: new LazyPageInfo(page),
    countTotal,
  };
}

/** An edge whose cursor is encoded only if a client reads it. */
class LazyCursorEdge {
  constructor(private readonly pageRow: PageRow<unknown>) {}

  get cursor(): string {
    return this.pageRow.cursor;
  }
}

/** Page info whose cursors are encoded only if a client reads them. */
class LazyPageInfo implements PageInfo {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;

  constructor(private readonly page: Page<unknown>) {
    this.hasNextPage = page.hasNextPage;
    this.hasPreviousPage = page.hasPreviousPage;
  }

  get startCursor(): string | null {
    return this.page.rows[0]?.cursor ?? null;
  }

  get endCursor(): string | null {
    return this.page.rows.at(-1)?.cursor ?? null;
  }
}

/** Builds `<Name>Edge` and `<Name>Connection` for a node type. */
export function connectionTypes<Node extends object>(nodeType: ClassType<Node>, name: string, itemsDescription: string) {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a page, with its cursor.`, simpleResolvers: true })
  class Edge {
    @Field(() => String, { description: 'Opaque cursor of this item: pass it as `after` or `before`.' })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${name}.` })
    node!: Node;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${itemsDescription}.` })
  class Connection {
    @Field(() => [Edge], { description: 'The items of this page with their cursors.' })
    edges!: Edge[];

    @Field(() => [nodeType], { description: 'The items of this page, without cursors.' })
    nodes!: Node[];

    @Field(() => PageInfo, { description: 'Cursors and whether more pages exist.' })
    pageInfo!: PageInfo;

    countTotal!: () => Promise<number>;

    @Field(() => Int, { description: 'How many items the whole list holds (with its filter), over all pages.' })
    totalCount(): Promise<number> {
      return this.countTotal();
    }
  }
  return { Edge, Connection };
}
