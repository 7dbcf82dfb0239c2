import { GraphQLError } from 'graphql';
import { Arg, Ctx, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { KindsByName } from '../db/records/lookups.js';
import type { RecordProblem } from '../db/records/check.js';
import { AboutTheCaller } from '../graphql/aboutTheCaller.js';
import type { Context } from '../graphql/context.js';
import { badUserInput } from '../graphql/errors.js';
import { actorOf, type Actor } from './actor.js';
import { listDrafts, visibleDraft, visibleDraftsAmong, type DraftOperation, type DraftRow, type DraftStatus } from './draftStore.js';
import { EditRefused, Edits, type Change, type EditResult } from './edits.js';
import {
  CreateRecordInput,
  Draft,
  DraftPage,
  DraftPayload,
  DraftStatusEnum,
  PublishDraftInput,
  RecordKindEnum,
  RejectDraftInput,
  RetireRecordInput,
  UpdateRecordInput,
  type UserError,
} from './types.js';

export const MAX_DRAFTS_PER_PAGE = 100;

const draftOf = (row: DraftRow): Draft => ({
  ...row,
  id: String(row.id),
  operation: row.operation as DraftOperation,
  status: row.status as DraftStatus,
  record: (row.record as object | null) ?? null,
});

const userErrorOf = (problem: RecordProblem): UserError => ({ field: problem.field, code: problem.code.toLowerCase(), message: problem.message });

function payloadOf(result: EditResult, clientMutationId: string | null | undefined): DraftPayload {
  return {
    clientMutationId: clientMutationId ?? null,
    draft: result.draft ? draftOf(result.draft) : null,
    revision: result.revision ?? null,
    userErrors: result.problems?.map(userErrorOf) ?? [],
  };
}

/** A refusal as a GraphQL error with its HTTP status: 401 without credentials, 403 outside one's role or scope. */
function refusalError(error: EditRefused): GraphQLError {
  return new GraphQLError(error.message, { extensions: { code: error.code, http: { status: error.status } } });
}

/** Drafts are never the public's: an anonymous caller is told to send a key or token. */
const anonymousRefusedDrafts = () =>
  refusalError(new EditRefused('UNAUTHENTICATED', 'Drafts are seen only by the keys and tokens of their organizations; send one.'));

function draftIdOf(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id <= 0) throw badUserInput(`"${text}" is not a draft id: drafts are numbered 1, 2, …`);
  return id;
}

/** Runs an edit for the caller and answers it as a mutation's payload (refusals as 401/403 errors). */
export async function runEdit(
  context: Context,
  kinds: KindsByName,
  work: (edits: Edits, actor: Actor) => Promise<EditResult>,
  clientMutationId: string | null | undefined,
): Promise<DraftPayload> {
  try {
    return payloadOf(await work(new Edits(context.db, kinds), actorOf(context.identity, context.requestId)), clientMutationId);
  } catch (error) {
    throw error instanceof EditRefused ? refusalError(error) : error;
  }
}

/** The mutations of the write API and the drafts query; the work is in Edits (src/writes/edits.ts). */
export function editResolver(kinds: KindsByName) {
  const run = (context: Context, work: (edits: Edits, actor: Actor) => Promise<EditResult>, clientMutationId: string | null | undefined) =>
    runEdit(context, kinds, work, clientMutationId);
  const change = (change: Change, publish: boolean) => (edits: Edits, actor: Actor) =>
    publish ? edits.proposeAndPublish(actor, change) : edits.propose(actor, change);

  @Resolver()
  class EditResolver {
    @Mutation(() => DraftPayload, { description: 'Proposes a new record: a draft until a publisher of its organization or domain publishes it.' })
    createRecord(
      @Arg('input', () => CreateRecordInput, { description: 'What to do, and the clientMutationId to answer with.' }) input: CreateRecordInput,
      @Ctx() context: Context,
    ): Promise<DraftPayload> {
      return run(context, change({ operation: 'create', kind: input.kind, record: input.record, text: input.text }, input.publish), input.clientMutationId);
    }

    @Mutation(() => DraftPayload, { description: 'Proposes a change to some fields of a record, made from the revision you read (expectedRevision).' })
    updateRecord(
      @Arg('input', () => UpdateRecordInput, { description: 'What to do, and the clientMutationId to answer with.' }) input: UpdateRecordInput,
      @Ctx() context: Context,
    ): Promise<DraftPayload> {
      const { kind, key, changes, expectedRevision, text } = input;
      return run(context, change({ operation: 'update', kind, key, changes, expectedRevision, text }, input.publish), input.clientMutationId);
    }

    @Mutation(() => DraftPayload, { description: 'Proposes retiring a record, with a reason. Records are never deleted.' })
    retireRecord(
      @Arg('input', () => RetireRecordInput, { description: 'What to do, and the clientMutationId to answer with.' }) input: RetireRecordInput,
      @Ctx() context: Context,
    ): Promise<DraftPayload> {
      const { kind, key, reason, expectedRevision } = input;
      if (!reason.trim()) throw badUserInput('reason must say why the record is retired');
      return run(context, change({ operation: 'retire', kind, key, reason, expectedRevision }, input.publish), input.clientMutationId);
    }

    @Mutation(() => DraftPayload, { description: 'Publishes a pending draft (publishers and admins acting for its record): the public sees it at once.' })
    publishDraft(
      @Arg('input', () => PublishDraftInput, { description: 'What to do, and the clientMutationId to answer with.' }) input: PublishDraftInput,
      @Ctx() context: Context,
    ): Promise<DraftPayload> {
      const id = draftIdOf(input.draft);
      return run(context, (edits, actor) => edits.publish(actor, id, input.expectedRevision ?? undefined), input.clientMutationId);
    }

    @Mutation(() => DraftPayload, { description: 'Rejects a pending draft with a reason: nothing is written to the record.' })
    rejectDraft(
      @Arg('input', () => RejectDraftInput, { description: 'What to do, and the clientMutationId to answer with.' }) input: RejectDraftInput,
      @Ctx() context: Context,
    ): Promise<DraftPayload> {
      const id = draftIdOf(input.draft);
      if (!input.reason.trim()) throw badUserInput('reason must say why the draft is rejected');
      return run(context, (edits, actor) => edits.reject(actor, id, input.reason), input.clientMutationId);
    }

    @Query(() => DraftPage, { description: 'The drafts you may see (yours, and those of the organizations and domains you act for), newest first.' })
    @AboutTheCaller()
    async drafts(
      @Ctx() context: Context,
      @Arg('status', () => DraftStatusEnum, { nullable: true, description: 'Only drafts in this state.' }) status?: DraftStatus,
      @Arg('kind', () => RecordKindEnum, { nullable: true, description: 'Only drafts of this kind of record.' }) kind?: string,
      @Arg('first', () => Int, { defaultValue: 20, description: `How many (1 to ${MAX_DRAFTS_PER_PAGE}).` }) first = 20,
      @Arg('after', () => String, { nullable: true, description: 'The endCursor of the page before.' }) after?: string,
    ): Promise<DraftPage> {
      const actor = actorOf(context.identity, context.requestId);
      if (actor.anonymous) throw anonymousRefusedDrafts();
      if (!Number.isInteger(first) || first < 1 || first > MAX_DRAFTS_PER_PAGE) throw badUserInput(`first must be 1 to ${MAX_DRAFTS_PER_PAGE}`);
      const before = after === undefined || after === null ? undefined : draftIdOf(after);
      const page = await listDrafts(context.db, actor, { status, kind, before }, first);
      const nodes = page.rows.map(draftOf);
      return { nodes, endCursor: nodes.at(-1)?.id ?? null, hasNextPage: page.hasNextPage };
    }

    @Subscription(() => Draft, {
      name: 'draftChanges',
      description:
        'Each draft you may see (yours, and those of the organizations and domains you act for), as it is proposed, published or ' +
        'rejected on any instance, from now on, over Server-Sent Events at /graphql/stream. Each comes as it is when it is read: ' +
        'a draft published at once comes once, published. For editors, publishers and admins.',
      subscribe: ({ args, context }: SubscribeResolverData<unknown, { types?: string[] | null }, Context>) => draftStream(context, args.types ?? null),
    })
    draftChanges(
      @Root() draft: Draft,
      @Arg('types', () => [RecordKindEnum], { nullable: true, description: 'Only drafts of these kinds of record (all when null).' }) _types: string[] | null,
    ): Draft {
      return draft;
    }

    @Query(() => Draft, { nullable: true, description: 'One draft, if you may see it.' })
    @AboutTheCaller()
    async draft(@Arg('id', () => String, { description: "The draft's id." }) id: string, @Ctx() context: Context): Promise<Draft | null> {
      const actor = actorOf(context.identity, context.requestId);
      if (actor.anonymous) throw anonymousRefusedDrafts();
      const row = await visibleDraft(context.db, actor, draftIdOf(id));
      return row ? draftOf(row) : null;
    }
  }
  return EditResolver;
}

/**
 * The drafts a live stream sends: following the announcements starts here, before the stream's response begins
 * (graphql-sse answers once this resolves), so nothing committed after the client sees the stream open is missed.
 */
async function draftStream(context: Context, types: string[] | null): Promise<AsyncIterable<Draft>> {
  const actor = actorOf(context.identity, context.requestId);
  if (actor.anonymous) throw anonymousRefusedDrafts();
  if (actor.role === 'reader')
    throw refusalError(new EditRefused('FORBIDDEN', 'Your role is reader; drafts are seen by the editor, publisher and admin roles, which review them.'));
  const live = context.live;
  if (!live) throw new GraphQLError('Subscriptions are served over Server-Sent Events at /graphql/stream.', { extensions: { code: 'BAD_REQUEST' } });
  if (!live.drafts)
    throw new GraphQLError('Live drafts need a database session that can LISTEN, which this server does not have (a pooler in transaction mode).', {
      extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
    });
  const announced = live.drafts(live.signal);
  return (async function* () {
    for await (const ids of announced) for (const row of await visibleDraftsAmong(context.db, actor, ids, types)) yield draftOf(row);
  })();
}
