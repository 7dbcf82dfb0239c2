import { Field, ID, InterfaceType } from 'type-graphql';

/** The Relay Node interface: anything with a global ID can be fetched again with `node(id:)`. */
@InterfaceType({
  description: 'An object with a global ID, which `node(id:)` and `nodes(ids:)` fetch again.',
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global ID, stable across releases of the data.' })
  id!: string;
}
