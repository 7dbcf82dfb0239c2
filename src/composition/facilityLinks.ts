import { Arg, Ctx, Field, InputType, Int, Mutation, Resolver } from 'type-graphql';
import { publishedRecord } from '../db/records/published.js';
import type { ProgramFacilityRole } from '../db/vocabulary.js';
import { programsSeed, type ProgramRecord } from '../domains/programs/seed.js';
import type { Context } from '../graphql/context.js';
import { ProgramFacilityRoleEnum } from '../graphql/enums.js';
import { runEdit } from '../writes/editResolver.js';
import { DraftPayload } from '../writes/types.js';
import { seedKindsByName } from './seeds.js';

@InputType({ description: 'A facility and the part it plays in a program.' })
class LinkFacilityInput {
  @Field(() => String, { nullable: true, description: 'Any string: returned as it is in the payload, to match answers to requests.' })
  clientMutationId?: string | null;

  @Field(() => String, { description: "The program's slug." })
  program!: string;

  @Field(() => String, { description: "The facility's slug." })
  facility!: string;

  @Field(() => ProgramFacilityRoleEnum, { nullable: true, description: 'Its part (linking); not needed to unlink.' })
  role?: ProgramFacilityRole | null;

  @Field(() => Int, { description: "The program's revision you read." })
  expectedRevision!: number;
}

/**
 * Linking a facility to a program, here where the write API meets the programs' seed records: a link is a
 * facility in a program record's `facilities`, so linking and unlinking are proposed updates of the program,
 * drafts like any other, checked and published the same way.
 */
@Resolver()
export class FacilityLinksResolver {
  @Mutation(() => DraftPayload, {
    description: "Proposes linking a facility to a program with its part (or changing its part): an update of the program's draft.",
  })
  linkFacilityToProgram(
    @Arg('input', () => LinkFacilityInput, { description: 'The program, the facility, and the revision of the program you read.' }) input: LinkFacilityInput,
    @Ctx() context: Context,
  ): Promise<DraftPayload> {
    return this.changeLinks(context, input, (links) => [
      ...links.filter((link) => link.slug !== input.facility),
      { slug: input.facility, role: input.role ?? 'member' },
    ]);
  }

  @Mutation(() => DraftPayload, { description: 'Proposes unlinking a facility from a program: an update of the program, as a draft.' })
  unlinkFacilityFromProgram(
    @Arg('input', () => LinkFacilityInput, { description: 'The program, the facility, and the revision of the program you read.' }) input: LinkFacilityInput,
    @Ctx() context: Context,
  ): Promise<DraftPayload> {
    return this.changeLinks(context, input, (links) => links.filter((link) => link.slug !== input.facility));
  }

  private changeLinks(context: Context, input: LinkFacilityInput, change: (links: ProgramRecord['facilities']) => ProgramRecord['facilities']) {
    return runEdit(
      context,
      seedKindsByName,
      async (edits, actor) => {
        // Read outside the edit's transaction: if the program moves on meanwhile, expectedRevision no longer matches (CONFLICT).
        const current = await publishedRecord(context.db.drizzle, programsSeed.name, input.program);
        const links = (current?.record as ProgramRecord | undefined)?.facilities ?? [];
        return edits.propose(actor, {
          operation: 'update',
          kind: programsSeed.name,
          key: input.program,
          changes: { facilities: change(links) },
          expectedRevision: input.expectedRevision,
        });
      },
      input.clientMutationId,
    );
  }
}
