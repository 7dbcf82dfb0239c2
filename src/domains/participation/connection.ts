import { Field, Int, ObjectType } from 'type-graphql';
import type { ProgramFacilityRole } from '../../db/vocabulary.js';
import { ProgramFacilityRoleEnum } from '../../graphql/enums.js';
import { PageInfo } from '../../graphql/relay/connection.js';
import { Facility } from '../facilities/types.js';

@ObjectType({ description: 'A facility taking part in a program, and the part it plays.', simpleResolvers: true })
export class ProgramFacilityEdge {
  @Field(() => String, { description: 'Opaque cursor of this item: pass it as `after`.' })
  cursor!: string;

  @Field(() => Facility, { description: 'The facility.' })
  node!: Facility;

  @Field(() => ProgramFacilityRoleEnum, { description: 'Its part in the program: lead, member, venue, provider, beneficiary.' })
  role!: ProgramFacilityRole;
}

@ObjectType({ description: "A page of the facilities taking part in a program; edges carry each facility's role." })
export class ProgramFacilityConnection {
  @Field(() => [ProgramFacilityEdge], { description: 'The facilities of this page with their roles and cursors.' })
  edges!: ProgramFacilityEdge[];

  @Field(() => [Facility], { description: 'The facilities of this page (a facility with two roles appears twice).' })
  nodes!: Facility[];

  @Field(() => PageInfo, { description: 'Cursors and whether more pages exist.' })
  pageInfo!: PageInfo;

  countTotal!: () => Promise<number>;

  @Field(() => Int, { description: 'How many facility–role pairs the program has (with the role filter).' })
  totalCount(): Promise<number> {
    return this.countTotal();
  }
}
