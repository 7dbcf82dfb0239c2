import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { Domain } from '../db/vocabulary.js';
import { AboutTheCaller } from '../graphql/aboutTheCaller.js';
import type { Context } from '../graphql/context.js';
import { DomainEnum, graphqlEnum } from '../graphql/enums.js';
import type { Identity } from './identity.js';
import { roles, type Role } from './roles.js';

const principalKinds = {
  anonymous: 'No credential was sent: a reader, known by its address.',
  api_key: 'A Minsheng API key (`ms_…`).',
  jwt: "A token from the identity provider this server trusts (its `sub` is the viewer's name unless it carries `name`).",
} as const;
type PrincipalKind = keyof typeof principalKinds;

const PrincipalKindEnum = graphqlEnum('PrincipalKind', 'How the caller made itself known.', principalKinds);
const RoleEnum = graphqlEnum(
  'Role',
  'What a caller may do: readers read; editors propose changes, publishers publish them, for the organizations and domains they act for; admins act for all.',
  roles,
);

/**
 * The caller as the server knows it. Its `organizations` are resolved beside the places domain
 * (src/composition/viewerOrganizations.ts): access knows no domain.
 */
@ObjectType({ description: 'Who you are to this API: how you made yourself known, your role, and whom you act for.', simpleResolvers: true })
export class Viewer {
  @Field(() => PrincipalKindEnum, { description: 'Anonymous, an API key, or a token from the identity provider.' })
  kind!: PrincipalKind;

  @Field(() => RoleEnum, { description: 'What you may do; anonymous callers are readers.' })
  role!: Role;

  @Field(() => String, { nullable: true, description: "The API key's name, or the token's `name` (else its subject); null when anonymous." })
  name!: string | null;

  @Field(() => [DomainEnum], { description: 'The domains you act for.' })
  domains!: readonly Domain[];

  /** Resolved to organizations by the field resolver in src/composition. */
  organizationIds!: readonly number[];
}

const ANONYMOUS: Viewer = { kind: 'anonymous', role: 'reader', name: null, domains: [], organizationIds: [] };

export function viewerOf(identity: Identity): Viewer {
  if (identity.kind === 'anonymous') return ANONYMOUS;
  const { role, name, domains, organizationIds } = identity;
  return { kind: identity.kind === 'apiKey' ? 'api_key' : 'jwt', role, name, domains, organizationIds };
}

/** Reads the identity the endpoint resolved (src/http/graphqlEndpoint.ts): no work of its own. */
@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, { description: 'Who you are: anonymous, or the holder of an API key or token, with its role and scope.' })
  @AboutTheCaller()
  viewer(@Ctx() context: Context): Viewer {
    return viewerOf(context.identity);
  }
}
