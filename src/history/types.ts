import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { graphqlEnum } from '../graphql/enums.js';
import { MaxItems } from '../graphql/listBound.js';
import { RecordKindEnum } from '../writes/types.js';
import type { ChangeOperation } from './recordHistory.js';

/** A record's revisions per page: at most, and when `first` is not given. */
export const MAX_REVISIONS_PAGE = 50;
export const DEFAULT_REVISIONS_PAGE = 10;
/** Changes per page of the feed. */
export const MAX_CHANGES_PAGE = 500;
export const DEFAULT_CHANGES_PAGE = 100;

export const ChangeOperationEnum = graphqlEnum('ChangeOperation', 'What a published change did to its record.', {
  create: 'The record was created.',
  update: 'Some of its fields changed.',
  retire: 'It was retired: it left every list; `node(id:)` answers it as a tombstone.',
  restore: 'A retired record was put back.',
} satisfies Record<ChangeOperation, string>);

@ObjectType({ description: 'One published revision of a record: when, at which data version, what changed and for whom.', simpleResolvers: true })
export class Revision {
  @Field(() => Int, { description: "The record's revision number: 1 when created, one more with every published change." })
  revision!: number;

  @Field(() => Int, { description: 'The data version this revision was published in: read the record as it was then with `query @asOf(version: …)`.' })
  dataVersion!: number;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When it was published.' })
  at!: Date | null;

  @Field(() => ChangeOperationEnum, { description: 'What the change did.' })
  operation!: ChangeOperation;

  @Field(() => [String], {
    description: "The record's fields it changed, as the write API and the seed files name them (empty for a creation, a retirement with no other change).",
  })
  @MaxItems(100)
  changedFields!: string[];

  @Field(() => [String], {
    description: 'The organizations (slugs) the publisher acted for; empty for a revision loaded from the seed files. Never a personal name.',
  })
  @MaxItems(100)
  publishedFor!: string[];
}

@ObjectType({ description: "A page of a record's revisions, newest first.", simpleResolvers: true })
export class RevisionPage {
  @Field(() => [Revision], { description: 'The revisions, newest first.' })
  @MaxItems(MAX_REVISIONS_PAGE)
  revisions!: Revision[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for older revisions; null when the page is empty.' })
  endCursor!: string | null;

  @Field(() => Boolean, { description: 'Whether older revisions follow.' })
  hasNextPage!: boolean;
}

@ObjectType({ description: 'One published change of one record, in the change feed.', simpleResolvers: true })
export class Change {
  @Field(() => ID, { description: "The record's global ID: `node(id:)` answers it as it is now (a tombstone once retired)." })
  id!: string;

  @Field(() => RecordKindEnum, { description: 'The kind of record.' })
  kind!: string;

  @Field(() => String, { description: "The record's natural key (slug, code or key)." })
  key!: string;

  @Field(() => Int, { description: "The record's revision after the change." })
  revision!: number;

  @Field(() => ChangeOperationEnum, { description: 'What the change did.' })
  operation!: ChangeOperation;

  @Field(() => Int, { description: 'The data version it was published in.' })
  dataVersion!: number;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When it was published.' })
  at!: Date | null;

  @Field(() => String, { description: 'Pass as `after` to resume the feed after this change.' })
  cursor!: string;
}

@ObjectType({ description: 'A page of the change feed, oldest change first.', simpleResolvers: true })
export class ChangePage {
  @Field(() => [Change], { description: 'The changes, in data-version order.' })
  @MaxItems(MAX_CHANGES_PAGE)
  changes!: Change[];

  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` for the next page. When there are no changes yet, the cursor you gave (null at the start): keep it and ask again later.',
  })
  endCursor!: string | null;

  @Field(() => Boolean, { description: 'Whether more changes follow now (ask again at once); false when the feed is caught up.' })
  hasNextPage!: boolean;
}
