import { registerEnumType } from 'type-graphql';
import * as vocabulary from '../db/vocabulary.js';

/**
 * GraphQL enums built from the vocabularies in src/db/vocabulary.ts: `under_construction` in the database
 * is `UNDER_CONSTRUCTION` in GraphQL, with the vocabulary's description.
 */
export function graphqlEnum<T extends Record<string, string>>(name: string, description: string, values: T) {
  const enumObject = Object.fromEntries(Object.keys(values).map((value) => [value.toUpperCase(), value])) as {
    [K in keyof T & string as Uppercase<K>]: K;
  };
  registerEnumType(enumObject, {
    name,
    description,
    valuesConfig: Object.fromEntries(Object.entries(values).map(([value, text]) => [value.toUpperCase(), { description: text }])) as never,
  });
  return enumObject;
}

export const DomainEnum = graphqlEnum('Domain', 'The public-service domain a record belongs to.', vocabulary.domains);
export const FacilityCategoryEnum = graphqlEnum('FacilityCategory', 'What kind of place a facility is.', vocabulary.facilityCategories);
export const FacilityStatusEnum = graphqlEnum('FacilityStatus', 'Whether a facility is in service.', vocabulary.facilityStatuses);
export const ProgramKindEnum = graphqlEnum('ProgramKind', 'What kind of program a program is.', vocabulary.programKinds);
export const ProgramStatusEnum = graphqlEnum('ProgramStatus', 'Whether a program is running.', vocabulary.programStatuses);
export const ProgramFacilityRoleEnum = graphqlEnum('ProgramFacilityRole', 'The part a facility plays in a program.', vocabulary.programFacilityRoles);
export const OrganizationKindEnum = graphqlEnum('OrganizationKind', 'What kind of body an organization is.', vocabulary.organizationKinds);
export const DivisionLevelEnum = graphqlEnum('DivisionLevel', 'The administrative level of a division.', vocabulary.divisionLevels);
export const UnitEnum = graphqlEnum('Unit', 'The unit of a value; values are always in base units (46亿元 is 4600000000 CNY).', vocabulary.units);
export const MeasureEnum = graphqlEnum('Measure', "What an observation's value measures (SDMX-like).", vocabulary.measures);
export const ValueQualifierEnum = graphqlEnum('ValueQualifier', 'How exact a value is, as the source hedged it (约, 近, 余).', vocabulary.valueQualifiers);
export const ObservationStatusEnum = graphqlEnum('ObservationStatus', 'Whether a figure is an outcome or a plan.', vocabulary.observationStatuses);

export enum OrderDirection {
  ASC = 'asc',
  DESC = 'desc',
}
registerEnumType(OrderDirection, {
  name: 'OrderDirection',
  description: 'Sort direction. Ties are always broken by ID in the same direction, so the order is total.',
  valuesConfig: { ASC: { description: 'Smallest first.' }, DESC: { description: 'Largest first.' } },
});
