import { GraphQLDateTime, GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { KindsByName } from '../db/records/lookups.js';
import { graphqlEnum } from '../graphql/enums.js';
import type { ProblemCode } from '../db/records/check.js';
import type { DraftOperation, DraftStatus } from './draftStore.js';

/** The kinds of record the API writes, named by their nouns (FACILITY), valued by their seed kinds' names. */
export const RecordKindEnum: Record<string, string> = {};

/** Fills RecordKind from the seed kinds, once, before the schema is built. */
export function registerRecordKinds(kinds: KindsByName): void {
  if (Object.keys(RecordKindEnum).length > 0) return;
  for (const kind of kinds.values()) RecordKindEnum[kind.noun.toUpperCase()] = kind.name;
  registerEnumType(RecordKindEnum, {
    name: 'RecordKind',
    description: 'A kind of record, with the shape of its seed file (docs/writing.md).',
    valuesConfig: Object.fromEntries(
      [...kinds.values()].map((kind) => [kind.noun.toUpperCase(), { description: `A ${kind.noun}, as in seeds/${kind.file}.` }]),
    ),
  });
}

export const DraftOperationEnum = graphqlEnum('DraftOperation', 'What a draft does to its record.', {
  create: 'Adds a new record.',
  update: 'Changes some fields of a record.',
  retire: 'Retires a record: it leaves every list; its ID is never reused.',
} satisfies Record<DraftOperation, string>);

export const DraftStatusEnum = graphqlEnum('DraftStatus', 'Where a draft is in review.', {
  pending: 'Waiting for a publisher; the public does not see it.',
  published: 'Published: the record is as the draft made it.',
  rejected: 'Rejected by a publisher, with a reason; nothing was written to the record.',
} satisfies Record<DraftStatus, string>);

export const UserErrorCodeEnum = graphqlEnum('UserErrorCode', 'Why a change was not made.', {
  invalid: 'A field is missing, malformed or outside its vocabulary.',
  unknown_reference: 'A field names a record that is not published (or is retired).',
  quote_not_in_source: 'A quote does not occur verbatim in the text of the source it cites.',
  contradicts_quote: "A figure's value, hedge or unit disagrees with its own quote.",
  parent_loop: 'The chain of parents would loop.',
  already_exists: 'A record with this key exists (retired records keep their keys).',
  still_named: 'Live records still name the record to retire (by a reference, a parent or a citation): change those first.',
  not_found: 'No such live record, or no such draft.',
  conflict: 'The record changed since the revision named, or another change to it is pending review.',
  forbidden: 'You do not act for this record.',
} satisfies Record<Lowercase<ProblemCode>, string>);

@ObjectType({ description: 'Why a change was not made, and which field to change. Nothing was written.', simpleResolvers: true })
export class UserError {
  @Field(() => [String], { description: 'The path of the field in the input record ("citations", "0", "quote"); empty for the record as a whole.' })
  field!: string[];

  @Field(() => UserErrorCodeEnum, { description: 'What kind of problem it is.' })
  code!: string;

  @Field(() => String, { description: 'What is wrong and what to change.' })
  message!: string;
}

@ObjectType({
  description: 'A proposed change to one record, visible to its organizations and publishers until it is published or rejected.',
  simpleResolvers: true,
})
export class Draft {
  @Field(() => ID, { description: "The draft's number: pass it to publishDraft, rejectDraft or draft(id:)." })
  id!: string;

  @Field(() => RecordKindEnum, { description: 'The kind of record.' })
  kind!: string;

  @Field(() => String, { description: "The record's natural key (slug, code or key)." })
  key!: string;

  @Field(() => DraftOperationEnum, { description: 'What it does to the record.' })
  operation!: DraftOperation;

  @Field(() => DraftStatusEnum, { description: 'Where it is in review.' })
  status!: DraftStatus;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'The whole record as it would be published, in the shape of its seed file; null for a retirement.',
  })
  record!: object | null;

  @Field(() => String, { nullable: true, description: 'Why the record is to be retired.' })
  reason!: string | null;

  @Field(() => Int, { nullable: true, description: "The record's revision the change was made from; null for a new record." })
  baseRevision!: number | null;

  @Field(() => String, { description: 'Who proposed it.' })
  author!: string;

  @Field(() => GraphQLDateTime, { description: 'When it was proposed.' })
  createdAt!: Date;

  @Field(() => String, { nullable: true, description: 'Who published or rejected it.' })
  decidedBy!: string | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When it was published or rejected.' })
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why it was rejected.' })
  decisionReason!: string | null;

  @Field(() => Int, { nullable: true, description: "The record's revision once published." })
  publishedRevision!: number | null;
}

@ObjectType({ description: 'A page of drafts, newest first.', simpleResolvers: true })
export class DraftPage {
  @Field(() => [Draft], { description: 'The drafts of this page.' })
  nodes!: Draft[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' })
  endCursor!: string | null;

  @Field(() => Boolean, { description: 'Whether more drafts follow.' })
  hasNextPage!: boolean;
}

@ObjectType({ description: 'What a proposal, publication or rejection came to: the draft, or why nothing was written.', simpleResolvers: true })
export class DraftPayload {
  @Field(() => String, { nullable: true, description: 'The clientMutationId the input carried.' })
  clientMutationId!: string | null;

  @Field(() => Draft, { nullable: true, description: 'Null when userErrors says why nothing was written.' })
  draft!: Draft | null;

  @Field(() => Int, { nullable: true, description: "The record's revision after publishing." })
  revision!: number | null;

  @Field(() => [UserError], { description: 'Why nothing was written; empty when the change was made.' })
  userErrors!: UserError[];
}

/** What every mutation's input carries: Relay's clientMutationId. */
// Named in no field, so not in the schema: type-graphql gives its fields to each input that extends it.
@InputType()
abstract class MutationInput {
  @Field(() => String, { nullable: true, description: 'Any string: returned as it is in the payload, to match answers to requests.' })
  clientMutationId?: string | null;
}

/** What every change to a record names: its kind, and whether to publish it at once. */
@InputType()
abstract class RecordChangeInput extends MutationInput {
  @Field(() => RecordKindEnum, { description: 'The kind of record.' })
  kind!: string;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Publish at once (publishers and admins acting for the record): the draft is made and published in one step, both audited.',
  })
  publish!: boolean;
}

@InputType({ description: 'A new record, in the shape of its seed file (docs/writing.md).' })
export class CreateRecordInput extends RecordChangeInput {
  @Field(() => GraphQLJSONObject, { description: 'The whole record: every required field, its citations with their quotes.' })
  record!: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: "A source's text (required for a source): the quotes citing it are checked against it." })
  text?: string | null;
}

@InputType({ description: 'A change to some fields of a record.' })
export class UpdateRecordInput extends RecordChangeInput {
  @Field(() => String, { description: "The record's natural key." })
  key!: string;

  @Field(() => GraphQLJSONObject, {
    description: 'Only the fields to change, in the shape of the seed file; null clears an optional field. The result is checked whole.',
  })
  changes!: Record<string, unknown>;

  @Field(() => Int, { description: 'The revision you read and changed: if the record is at another one, nothing is written (CONFLICT).' })
  expectedRevision!: number;

  @Field(() => String, { nullable: true, description: "A source's new text." })
  text?: string | null;
}

@InputType({ description: 'Retires a record: it leaves every list and search; its ID is never given to another record.' })
export class RetireRecordInput extends RecordChangeInput {
  @Field(() => String, { description: "The record's natural key." })
  key!: string;

  @Field(() => String, { description: 'Why: kept with the record and in the audit log.' })
  reason!: string;

  @Field(() => Int, { description: 'The revision you read: if the record is at another one, nothing is written (CONFLICT).' })
  expectedRevision!: number;
}

@InputType({ description: 'Publishes a pending draft.' })
export class PublishDraftInput extends MutationInput {
  @Field(() => ID, { description: 'The draft, by the id its proposal answered.' })
  draft!: string;

  @Field(() => Int, { nullable: true, description: "The record's revision you reviewed the draft against; a different one is a CONFLICT." })
  expectedRevision?: number | null;
}

@InputType({ description: 'Rejects a pending draft.' })
export class RejectDraftInput extends MutationInput {
  @Field(() => ID, { description: 'The draft, by the id its proposal answered.' })
  draft!: string;

  @Field(() => String, { description: 'Why, for its author.' })
  reason!: string;
}
