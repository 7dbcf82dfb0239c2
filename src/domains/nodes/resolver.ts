import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { MaxItems } from '../../graphql/listBound.js';
import type { Context } from '../../graphql/context.js';
import type { Domain } from '../../graphql/domain.js';
import { badUserInput } from '../../graphql/errors.js';
import { fromGlobalId } from '../../graphql/globalId.js';
import { Node } from '../../graphql/node.js';
import { MAX_PAGE_SIZE } from '../../graphql/relay/pageArgs.js';

/** `node(id:)` and `nodes(ids:)` over the node types the domains declare. */
export function nodesDomain(domains: readonly Domain[]): Domain {
  // How to load each node type by the natural key inside its global ID (batched per request).
  const loaderFor = new Map(domains.flatMap((domain) => domain.nodeTypes ?? []).map((type) => [type.typename, type.byKey]));

  async function loadNode(context: Context, id: string) {
    const { type, key } = fromGlobalId(id, (typename) => loaderFor.has(typename));
    const row = await loaderFor.get(type)!(context).load(key);
    return row && { ...row, __typename: type };
  }

  @Resolver()
  class NodeResolver {
    @Query(() => Node, { nullable: true, description: 'Any object by its global ID, or null if it no longer exists.' })
    node(@Arg('id', () => ID, { description: 'A global ID this API returned.' }) id: string, @Ctx() context: Context) {
      return loadNode(context, id);
    }

    @Query(() => [Node], {
      nullable: 'items',
      description: `Objects by their global IDs, in the same order; null where one does not exist. At most ${MAX_PAGE_SIZE} IDs.`,
    })
    @MaxItems(MAX_PAGE_SIZE) // priced by the length of ids where it is known
    nodes(@Arg('ids', () => [ID], { description: 'Global IDs this API returned.' }) ids: string[], @Ctx() context: Context) {
      if (ids.length > MAX_PAGE_SIZE)
        throw badUserInput(`nodes(ids:) takes at most ${MAX_PAGE_SIZE} IDs; got ${ids.length}. Split the list.`, { argument: 'ids', limit: MAX_PAGE_SIZE });
      return Promise.all(ids.map((id) => loadNode(context, id)));
    }
  }

  return { name: 'nodes', resolvers: [NodeResolver] };
}
