import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { AnySeedKind } from '../db/seed/kind.js';
import { Facility } from '../domains/facilities/types.js';
import { Division, Organization } from '../domains/places/types.js';
import { Program } from '../domains/programs/types.js';
import { Source } from '../domains/sources/types.js';
import { Indicator, Observation } from '../domains/statistics/types.js';
import type { Context } from '../graphql/context.js';
import type { ClassType } from '../graphql/domain.js';
import { badUserInput } from '../graphql/errors.js';
import { toGlobalId } from '../graphql/globalId.js';
import { Reads } from '../graphql/projection.js';
import { after as afterVersion, changesAfter, positionOf, type ChangeEntry, type Position } from '../history/changeFeed.js';
import { liveChanges } from '../history/liveChanges.js';
import { revisionsOf, type RevisionEntry } from '../history/recordHistory.js';
import { Change, ChangePage, DEFAULT_CHANGES_PAGE, DEFAULT_REVISIONS_PAGE, MAX_CHANGES_PAGE, MAX_REVISIONS_PAGE, RevisionPage } from '../history/types.js';
import { RecordKindEnum } from '../writes/types.js';
import { seedKinds, seedKindsByName } from './seeds.js';
import { fromOpaque, toOpaque } from '../graphql/opaqueText.js';
import { checkedPageSize, type PageLimit } from '../graphql/relay/pageSize.js';
import { readDataVersion } from '../db/dataVersion.js';

/** The object type each kind of record is read as: where its `history` field goes. */
const objectTypes: Record<string, ClassType> = {
  facilities: Facility,
  programs: Program,
  divisions: Division,
  organizations: Organization,
  indicators: Indicator,
  observations: Observation,
  sources: Source,
};

const typenameOf = (kind: AnySeedKind) => kind.noun.charAt(0).toUpperCase() + kind.noun.slice(1);

const REVISION_PAGES: PageLimit = {
  fallback: DEFAULT_REVISIONS_PAGE,
  most: MAX_REVISIONS_PAGE,
  named: "a history's page size limit",
  readOn: 'pass `endCursor` as `after`',
};
const CHANGE_PAGES: PageLimit = {
  fallback: DEFAULT_CHANGES_PAGE,
  most: MAX_CHANGES_PAGE,
  named: "the change feed's page size limit",
  readOn: 'pass `endCursor` as `after`',
};

/** A revisions cursor is the data version of the last revision on the page: older ones follow. */
function revisionsBefore(after: string | null | undefined): number | null {
  if (after === null || after === undefined) return null;
  const match = /^revisions:(\d{1,15})$/.exec(fromOpaque(after));
  if (!match) throw badUserInput(`"${after.slice(0, 40)}" is not a cursor of this list: pass an \`endCursor\` it returned.`, { argument: 'after' });
  return Number(match[1]);
}

const revisionsCursor = (revision: RevisionEntry) => toOpaque(`revisions:${revision.dataVersion}`);

/** `history(first, after)` on one record type: its revisions, loaded for every record of a list in one statement. */
function historyResolver(kind: AnySeedKind, objectType: ClassType): ClassType {
  @Resolver(() => objectType)
  class HistoryResolver {
    @FieldResolver(() => RevisionPage, {
      description: `The ${kind.noun}'s published revisions, newest first (as of the version read at, with \`@asOf\`).`,
    })
    @Reads()
    async history(
      @Root() row: { id: number },
      @Arg('first', () => Int, { nullable: true, description: `How many: 0 to ${MAX_REVISIONS_PAGE}, default ${DEFAULT_REVISIONS_PAGE}.` })
      first: number | null,
      @Arg('after', () => String, { nullable: true, description: 'Revisions older than this cursor (an `endCursor`).' }) after: string | null,
      @Ctx() context: Context,
    ): Promise<RevisionPage> {
      const size = checkedPageSize('first', first, REVISION_PAGES);
      const before = revisionsBefore(after);
      const loader = context.loaders.get(
        `history:${kind.name}:${size}:${before}`,
        () =>
          new DataLoader<number, RevisionEntry[]>(async (ids) => {
            const found = await revisionsOf(context.db, kind, ids, { first: size, before });
            return ids.map((id) => found.get(id) ?? []);
          }),
      );
      const revisions = await loader.load(Number(row.id));
      const page = revisions.slice(0, size);
      const last = page.at(-1);
      return { revisions: page, endCursor: last ? revisionsCursor(last) : null, hasNextPage: revisions.length > size };
    }
  }
  Object.defineProperty(HistoryResolver, 'name', { value: `${typenameOf(kind)}HistoryResolver` });
  return HistoryResolver;
}

@Resolver()
class ChangeFeedResolver {
  @Query(() => ChangePage, {
    description:
      'Every published create, update, retirement and restoration, oldest first, in data-version order: a mirror syncs the lists once, ' +
      'then follows this feed from the data version it synced at (docs/sync.md).',
  })
  async changes(
    @Arg('after', () => String, { nullable: true, description: 'Changes after this cursor (a change’s `cursor` or an `endCursor`); from the start when null.' })
    after: string | null,
    @Arg('first', () => Int, { nullable: true, description: `How many: 0 to ${MAX_CHANGES_PAGE}, default ${DEFAULT_CHANGES_PAGE}.` }) first: number | null,
    @Arg('types', () => [RecordKindEnum], { nullable: true, description: 'Only these kinds of record (all when null).' }) types: string[] | null,
    @Ctx() context: Context,
  ): Promise<ChangePage> {
    const size = checkedPageSize('first', first, CHANGE_PAGES);
    const { changes, hasNextPage } = await changesAfter(context.db, seedKinds, ofTypes(types), feedPosition(after), size);
    return { changes: changes.map(changeOf), endCursor: changes.at(-1)?.cursor ?? after, hasNextPage };
  }

  @Subscription(() => Change, {
    name: 'changes',
    description:
      'Each published change as it happens, over Server-Sent Events at /graphql/stream (graphql-sse): a publish on any instance ' +
      'reaches every stream at once. Authenticated like queries. From `after` when given (the changes since are sent first), else from now.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { after?: string | null; types?: string[] | null }, Context>) =>
      changeStream(context, args.after ?? null, args.types ?? null),
  })
  liveChanges(
    @Root() change: Change,
    @Arg('after', () => String, { nullable: true, description: 'Resume after this cursor (a change’s `cursor`); from now when null.' }) _after: string | null,
    @Arg('types', () => [RecordKindEnum], { nullable: true, description: 'Only these kinds of record (all when null).' }) _types: string[] | null,
  ): Change {
    return change;
  }
}

const changeOf = (change: ChangeEntry): Change => ({
  id: toGlobalId(typenameOf(change.kind), change.key),
  kind: change.kind.name,
  key: change.key,
  revision: change.revision,
  operation: change.operation,
  dataVersion: change.dataVersion,
  at: change.at,
  cursor: change.cursor,
});

function ofTypes(types: string[] | null): (kind: AnySeedKind) => boolean {
  const wanted = types ? new Set(types) : undefined;
  return (kind) => !wanted || wanted.has(kind.name);
}

function feedPosition(after: string | null): Position {
  const position = positionOf(after);
  if (!position) {
    throw badUserInput(`"${(after ?? '').slice(0, 40)}" is not a cursor of the change feed: pass a \`cursor\` or \`endCursor\` it returned.`, {
      argument: 'after',
    });
  }
  return position;
}

/** The changes a subscription streams: after its cursor, else from the version current when it starts. */
async function* changeStream(context: Context, after: string | null, types: string[] | null): AsyncGenerator<Change> {
  const live = context.live;
  if (!live) throw new GraphQLError('Subscriptions are served over Server-Sent Events at /graphql/stream.', { extensions: { code: 'BAD_REQUEST' } });
  const from = after === null ? afterVersion(await readDataVersion(context.db)) : feedPosition(after);
  for await (const change of liveChanges(context.db, seedKinds, ofTypes(types), from, live.nextChange, live.signal)) yield changeOf(change);
}

/** The resolvers of history: each record type's `history`, and the change feed, paged and live. */
export function historyResolvers(): ClassType[] {
  return [...seedKindsByName.values()]
    .filter((kind) => objectTypes[kind.name])
    .map((kind) => historyResolver(kind, objectTypes[kind.name]!))
    .concat(ChangeFeedResolver);
}
