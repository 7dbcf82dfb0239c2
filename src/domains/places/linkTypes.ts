import { Ctx, Field, ObjectType } from 'type-graphql';
import { organizationLinkRoles, type OrganizationLinkRole } from '../../db/tables/organizationLinks.js';
import type { Context } from '../../graphql/context.js';
import { graphqlEnum } from '../../graphql/enums.js';
import { facilityById } from '../facilities/queries.js';
import { Facility } from '../facilities/types.js';
import { programById } from '../programs/queries.js';
import { Program } from '../programs/types.js';
import { sourceById } from '../sources/queries.js';
import { Source } from '../sources/types.js';
import { organizationById } from './queries.js';
import { Organization } from './types.js';

/** The most links one organization, facility or program has: a handful in the source report. */
export const MAX_ORGANIZATION_LINKS = 20;

export const OrganizationLinkRoleEnum = graphqlEnum(
  'OrganizationLinkRole',
  'The part an organization plays in a facility or program, beyond operating or leading it, as a source states it.',
  organizationLinkRoles,
);

/** What every link holds, whichever end it is seen from: the role and the sentence that states it. */
@ObjectType({ description: 'What every organization link holds (never exposed as a type of its own).' })
abstract class StatedLink {
  organizationId!: number;
  facilityId!: number | null;
  programId!: number | null;
  sourceId!: number;

  @Field(() => OrganizationLinkRoleEnum, { description: 'The part the organization plays.' })
  role!: OrganizationLinkRole;

  @Field(() => String, { description: 'The shortest complete clause of the source that states the link, verbatim.' })
  quote!: string;

  @Field(() => Source, { description: 'The document the quote is from.' })
  document(@Ctx() context: Context) {
    return sourceById(context).load(this.sourceId);
  }
}

/** One row of organization_links; the linked records are methods, so each is loaded (batched) only when asked for. */
@ObjectType({
  description: "An organization's part in one facility or one program, with the sentence that states it. Exactly one of `facility` and `program` is set.",
})
export class OrganizationLink extends StatedLink {
  @Field(() => Facility, { nullable: true, description: 'The facility it is linked to; null when the link is to a program.' })
  facility(@Ctx() context: Context) {
    return this.facilityId == null ? null : facilityById(context).load(this.facilityId);
  }

  @Field(() => Program, { nullable: true, description: 'The program it is linked to; null when the link is to a facility.' })
  program(@Ctx() context: Context) {
    return this.programId == null ? null : programById(context).load(this.programId);
  }
}

/** The same row seen from the facility or program: the organization is the linked record. */
@ObjectType({ description: 'An organization linked to a facility or program, in a part other than operator or lead, with the sentence that states it.' })
export class LinkedOrganization extends StatedLink {
  @Field(() => Organization, { description: 'The organization.' })
  organization(@Ctx() context: Context) {
    return organizationById(context).load(this.organizationId);
  }
}
