import { GraphQLError } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { Arg, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { AboutTheCaller } from '../graphql/aboutTheCaller.js';
import type { Context } from '../graphql/context.js';
import { graphqlEnum } from '../graphql/enums.js';
import { actorOf } from '../writes/actor.js';
import type { FileProblem } from './fileRecords.js';
import { visibleJob, type ImportJobState } from './jobs.js';

export const ImportJobStateEnum = graphqlEnum('ImportJobState', 'Where a bulk import (POST /imports) is.', {
  validating: 'Reading the file and checking every record; nothing is written yet.',
  invalid: 'Some records have problems (see problems): nothing was written.',
  applying: 'Every record passed; the new and changed ones are being written, in one transaction.',
  done: 'Written (or, for a dry run, checked without a problem); see created, updated and unchanged.',
  failed: 'The import stopped on an error of the server: nothing was written.',
} satisfies Record<ImportJobState, string>);

@ObjectType({ description: 'A problem of an imported file: nothing of the file was written.', simpleResolvers: true })
export class ImportProblem {
  @Field(() => Int, { description: 'The line of the file where the record starts (1 is the CSV header; a JSON record is found by the line of its "{").' })
  line!: number;

  @Field(() => String, { nullable: true, description: 'The CSV column, or the JSON field path ("citation.quote"); null for the record or file as a whole.' })
  column!: string | null;

  @Field(() => String, { description: 'What is wrong and what to change.' })
  message!: string;
}

@ObjectType({ description: 'A bulk import sent to POST /imports, seen by its sender and admins only.', simpleResolvers: true })
export class ImportJob {
  @Field(() => ID, { description: 'The id POST /imports answered.' })
  id!: string;

  @Field(() => String, { description: 'The kind of record the file holds ("observations").' })
  kind!: string;

  @Field(() => ImportJobStateEnum, { description: 'Where the import is.' })
  state!: string;

  @Field(() => Boolean, { description: 'Checked only: nothing is written.' })
  dryRun!: boolean;

  @Field(() => Boolean, { description: 'Published at once rather than left as drafts for review.' })
  publish!: boolean;

  @Field(() => Int, { description: 'Records checked (while validating) or written (while applying) so far.' })
  processed!: number;

  @Field(() => Int, { nullable: true, description: 'Records in the file, once it has been read whole.' })
  total!: number | null;

  @Field(() => [ImportProblem], { description: 'The first 100 problems, in file order.' })
  problems!: FileProblem[];

  @Field(() => Int, { description: 'How many problems there are in all.' })
  problemCount!: number;

  @Field(() => Int, { description: 'Problems beyond those listed: problemCount less the problems shown.' })
  moreProblems!: number;

  @Field(() => Int, { nullable: true, description: 'New records (as drafts, or published), once done.' })
  created!: number | null;

  @Field(() => Int, { nullable: true, description: 'Changed records, once done.' })
  updated!: number | null;

  @Field(() => Int, { nullable: true, description: 'Records the file gives as they already are: skipped, once done.' })
  unchanged!: number | null;

  @Field(() => GraphQLDateTime, { description: 'When it was sent.' })
  createdAt!: Date;

  @Field(() => GraphQLDateTime, { description: 'When it last moved on.' })
  updatedAt!: Date;
}

/** `importJob(id)`: any instance answers it, from the import_jobs table. */
@Resolver()
export class ImportJobResolver {
  @Query(() => ImportJob, { nullable: true, description: 'A bulk import you sent (admins: any), with its progress and problems; null if there is none.' })
  @AboutTheCaller()
  async importJob(@Arg('id', () => ID, { description: 'The id POST /imports answered.' }) id: string, @Ctx() context: Context): Promise<ImportJob | null> {
    const actor = actorOf(context.identity, context.requestId);
    if (actor.anonymous)
      throw new GraphQLError('Import jobs are seen only by the key or token that sent them; send it.', {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    const row = await visibleJob(context.db, actor, id);
    if (!row) return null;
    const problems = row.problems as FileProblem[];
    const outcome = row.outcome as { created: number; updated: number; unchanged: number } | null;
    return {
      ...row,
      problems,
      moreProblems: row.problemCount - problems.length,
      created: outcome?.created ?? null,
      updated: outcome?.updated ?? null,
      unchanged: outcome?.unchanged ?? null,
    };
  }
}
