import type { Domain } from '../../graphql/domain.js';
import { FacilityProgramsResolver, ProgramFacilitiesResolver } from './resolver.js';

/** Which facilities take part in which programs (program_facilities): the link, owned by neither side. */
export const participationDomain: Domain = {
  name: 'participation',
  resolvers: [FacilityProgramsResolver, ProgramFacilitiesResolver],
};
