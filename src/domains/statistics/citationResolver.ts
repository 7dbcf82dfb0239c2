import { Resolver } from 'type-graphql';
import { Observation } from './types.js';

/** How to cite a figure: Observation.citation and Observation.permalink. */
@Resolver(() => Observation)
export class ObservationCitationResolver {}
