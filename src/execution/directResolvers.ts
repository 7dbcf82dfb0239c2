import { isAbstractType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema, type GraphQLTypeResolver } from 'graphql';
import { getMetadataStorage, type BuildSchemaOptions } from 'type-graphql';

/**
 * Calls the resolver methods (and type resolvers) directly. type-graphql wraps each one in a handler that, on every call, sorts
 * the parameter list, copies each input object into an instance of its class and "validates" every
 * argument in an async function, so any field with an argument (`name(lang:)`) answers with a promise.
 * Over the 1,500 nodes of a nested page that was a fifth of the CPU time, most of it garbage collection.
 *
 * What the wrapper did that is dropped here is unused in this schema: validation is off (arguments are
 * checked where they are used), there are no middlewares or auth checks, resolvers are plain classes with
 * no container, and no code depends on arguments or roots being class instances. Those conditions are
 * asserted here, against the options the schema was built with: turning any of them on fails the build
 * instead of silently skipping it. Parameters of another kind keep type-graphql's handler.
 */
/** A resolver class, as type-graphql's metadata names it. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's metadata types `target` as Function
type ResolverClass = Function;

export function callResolversDirectly(schema: GraphQLSchema, options: BuildSchemaOptions): void {
  assertNothingIsSkipped(options);
  const storage = getMetadataStorage();
  const typeNameOf = new Map<ResolverClass, string>([...storage.objectTypes, ...storage.interfaceTypes].map((type) => [type.target, type.name]));
  const instances = new Map<ResolverClass, Record<string, (...params: unknown[]) => unknown>>();
  const instanceOf = (target: ResolverClass) => {
    let instance = instances.get(target);
    if (!instance) instances.set(target, (instance = new (target as new () => Record<string, (...params: unknown[]) => unknown>)()));
    return instance;
  };

  const resolvers = [
    ...storage.queries.map((query) => ({ metadata: query, typeName: schema.getQueryType()?.name })),
    ...storage.fieldResolvers
      .filter((field) => field.kind === 'external' && field.getObjectType)
      .map((field) => ({ metadata: field, typeName: typeNameOf.get(field.getObjectType!()) })),
  ];
  for (const { metadata, typeName } of resolvers) {
    const type = typeName ? schema.getType(typeName) : undefined;
    const field = type && isObjectType(type) ? type.getFields()[metadata.schemaName] : undefined;
    if (!field) continue;
    const direct = directResolver(instanceOf(metadata.target), metadata.methodName, metadata.params ?? []);
    if (direct) field.resolve = direct;
  }

  // Interfaces and unions likewise: type-graphql awaits their resolveType, which then answers a promise
  // (and graphql-jit expects a type name). Ours answer names, or classes that type-graphql knows.
  for (const abstract of [...storage.interfaceTypes, ...storage.unions]) {
    const type = schema.getType(abstract.name);
    const resolveType = abstract.resolveType;
    if (!resolveType || !type || !isAbstractType(type)) continue;
    const direct: GraphQLTypeResolver<unknown, unknown> = (value, context, info, abstractType) => {
      const resolved = resolveType(value, context, info, abstractType);
      return typeof resolved === 'function' ? typeNameOf.get(resolved) : (resolved as string | undefined);
    };
    type.resolveType = direct;
  }
}

type Param = NonNullable<ReturnType<typeof getMetadataStorage>['queries'][number]['params']>[number];
type ParamGetter = (root: unknown, args: Record<string, unknown>, context: unknown, info: unknown) => unknown;

function directResolver(
  instance: Record<string, (...params: unknown[]) => unknown>,
  methodName: string,
  params: Param[],
): GraphQLFieldResolver<unknown, unknown> | undefined {
  const getters: ParamGetter[] = [];
  for (const param of [...params].sort((a, b) => a.index - b.index)) {
    const getter = paramGetter(param);
    if (!getter) return undefined;
    getters.push(getter);
  }
  const method = instance[methodName]!;
  return (root, args, context, info) => {
    const values = new Array<unknown>(getters.length);
    for (let i = 0; i < getters.length; i++) values[i] = getters[i]!(root, args, context, info);
    return method.apply(instance, values);
  };
}

function paramGetter(param: Param): ParamGetter | undefined {
  switch (param.kind) {
    case 'arg': {
      const name = param.name;
      return (_root, args) => args[name];
    }
    case 'args':
      return (_root, args) => args;
    case 'context': {
      const property = param.propertyName;
      return property ? (_root, _args, context) => (context as Record<string, unknown>)[property] : (_root, _args, context) => context;
    }
    case 'root': {
      const property = param.propertyName;
      return property ? (root) => (root as Record<string, unknown>)[property] : (root) => root;
    }
    case 'info':
      return (_root, _args, _context, info) => info;
    default:
      return undefined;
  }
}

/** What type-graphql's wrapper would do and a direct call would not: none of it may be asked for. */
function assertNothingIsSkipped(options: BuildSchemaOptions): void {
  const storage = getMetadataStorage();
  const refuse = (what: string) => {
    throw new Error(`Resolvers are called directly (src/execution/directResolvers.ts), which would skip ${what}. Drop it, or stop calling resolvers directly.`);
  };
  if (options.validate !== false) refuse('argument validation (buildSchema `validate` must be false)');
  if (options.globalMiddlewares?.length) refuse('the global middlewares');
  if (options.authChecker) refuse('the auth checker');
  if (options.container) refuse('the dependency-injection container');
  const wrapped = [...storage.queries, ...storage.mutations, ...storage.subscriptions, ...storage.fieldResolvers].find(
    (resolver) => (resolver.middlewares?.length ?? 0) > 0 || (resolver.roles?.length ?? 0) > 0,
  );
  if (wrapped) refuse(`the middlewares or @Authorized roles of ${wrapped.target.name}.${wrapped.methodName}`);
  if (storage.middlewares.length) refuse('the middlewares declared with @UseMiddleware');
  if (storage.authorizedFields.length || storage.authorizedResolver.length) refuse('the @Authorized checks');
}
