import type { GraphQLClient } from './client.js';
import { kindNamed, nodeFields, recordKinds, type RecordKind, type RecordRead } from './records.js';

/** The most the API gives at once: a list page, a page of the feed, IDs to `nodes(ids:)`. */
export const LIST_PAGE = 100;
export const FEED_PAGE = 500;
export const NODES_BATCH = 100;

export interface Change {
  id: string;
  kind: RecordKind['name'];
  operation: 'CREATE' | 'UPDATE' | 'RETIRE' | 'RESTORE';
  dataVersion: number;
  cursor: string;
}

export interface FeedPage {
  changes: Change[];
  /** Where the next page starts: the cursor given when there was nothing new. */
  endCursor: string | null;
  hasNextPage: boolean;
}

/** A list's pages as it was at `version`: every page of one snapshot, whatever is written meanwhile. */
export async function* listPagesAt(client: GraphQLClient, kind: RecordKind, version: number): AsyncGenerator<RecordRead[]> {
  const query = `query ($after: String, $version: Int!) @asOf(version: $version) {
    list: ${kind.list}(first: ${LIST_PAGE}, after: $after) { nodes { __typename ${kind.fields} } pageInfo { hasNextPage endCursor } }
  }`;
  let after: string | null = null;
  for (;;) {
    type Page = { list: { nodes: RecordRead[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const { data }: { data: Page } = await client.request<Page>(query, { after, version });
    yield data.list.nodes;
    if (!data.list.pageInfo.hasNextPage) return;
    after = data.list.pageInfo.endCursor;
  }
}

const CHANGE_FIELDS = 'changes { id kind operation dataVersion cursor } endCursor hasNextPage';

/** The page of the feed after `after`; read at `version` when given, so that it stops at that version. */
export async function feedPage(client: GraphQLClient, after: string | null, version?: number): Promise<FeedPage> {
  const query =
    version === undefined
      ? `query ($after: String) { feed: changes(after: $after, first: ${FEED_PAGE}) { ${CHANGE_FIELDS} } }`
      : `query ($after: String, $version: Int!) @asOf(version: $version) { feed: changes(after: $after, first: ${FEED_PAGE}) { ${CHANGE_FIELDS} } }`;
  return (await client.request<{ feed: FeedPage }>(query, { after, version })).data.feed;
}

/** The records these changes name, each once, as they were at `version`: batches of one kind; retired ones as tombstones. */
export async function recordsAt(client: GraphQLClient, changes: readonly Pick<Change, 'id' | 'kind'>[], version: number): Promise<RecordRead[]> {
  const found: RecordRead[] = [];
  for (const kind of recordKinds) {
    const ids = [...new Set(changes.filter((change) => kindNamed.get(change.kind) === kind).map((change) => change.id))];
    found.push(...(await recordsOfKindAt(client, kind, ids, version)));
  }
  return found;
}

async function recordsOfKindAt(client: GraphQLClient, kind: RecordKind, ids: readonly string[], version: number): Promise<RecordRead[]> {
  const query = `query ($ids: [ID!]!, $version: Int!) @asOf(version: $version) { nodes(ids: $ids) { ${nodeFields(kind)} } }`;
  const found: RecordRead[] = [];
  for (let start = 0; start < ids.length; start += NODES_BATCH) {
    const batch = ids.slice(start, start + NODES_BATCH);
    const { data } = await client.request<{ nodes: (RecordRead | null)[] }>(query, { ids: batch, version });
    data.nodes.forEach((node, index) => {
      // The feed named it at or before `version`: the API must answer it, if only as a tombstone.
      if (node?.__typename !== kind.typename)
        throw new Error(`nodes(ids:) at data version ${version} does not answer ${batch[index]} as a ${kind.typename}, as the change feed named it`);
      found.push(node);
    });
  }
  return found;
}
