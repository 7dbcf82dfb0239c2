import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Viewer } from '../access/viewerResolver.js';
import { organizationById } from '../domains/places/queries.js';
import { Organization, type OrganizationRow } from '../domains/places/types.js';
import type { Context } from '../graphql/context.js';

/**
 * `Viewer.organizations`, here where access meets the places domain: the viewer holds organization ids
 * (which survive a rename), the places domain turns them into organizations.
 */
@Resolver(() => Viewer)
export class ViewerOrganizationsResolver {
  @FieldResolver(() => [Organization], { description: 'The organizations you act for, by slug.' })
  async organizations(@Root() viewer: Viewer, @Ctx() context: Context): Promise<OrganizationRow[]> {
    if (viewer.organizationIds.length === 0) return [];
    const rows = await organizationById(context).loadMany(viewer.organizationIds);
    return rows
      .filter((row): row is OrganizationRow => row != null && !(row instanceof Error))
      .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  }
}
