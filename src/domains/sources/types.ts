import { GraphQLURL } from 'graphql-scalars';
import { GraphQLDate } from '../../graphql/dateScalar.js';
import { Field, Int, ObjectType } from 'type-graphql';
import type { sources } from '../../db/tables/index.js';
import { Node } from '../../graphql/node.js';

export type SourceRow = typeof sources.$inferSelect;

@ObjectType({ implements: Node, description: 'A document that facts come from: a report, a statistical bulletin.', simpleResolvers: true })
export class Source extends Node {
  @Field(() => String, { description: 'Stable, readable key of the document.' })
  slug!: string;

  @Field(() => GraphQLDate, { nullable: true, description: 'When the document was published, where the document says so.' })
  publishedOn!: string | null;

  @Field(() => GraphQLURL, { nullable: true, description: 'Where the document can be read.' })
  url!: string | null;

  @Field(() => String, { nullable: true, description: 'The licence the document is published under, where known.' })
  licence!: string | null;

  @Field(() => Int, {
    description:
      'How many times this record has been written: 1 when created, one more with every published change. An update names the revision it was made from (expectedRevision); a different one is a CONFLICT.',
  })
  revision!: number;
}

/** A citation's data as resolvers hand it on: the source's id and the verbatim quote. */
export interface CitationData {
  sourceId: number;
  quote: string;
}

@ObjectType({ description: 'Where a fact comes from: the document and the verbatim sentence it states the fact in.', simpleResolvers: true })
export class SourceCitation {
  @Field(() => String, { description: 'The shortest complete clause of the document that states the fact, verbatim.' })
  quote!: string;

  sourceId!: number;
}
