import type postgres from 'postgres';
import type { PopularStatements } from './planning.js';

type Work = (sql: postgres.Sql) => unknown;

/**
 * A postgres.js client whose statements with parameters are prepared (parsed and planned once per connection)
 * once they are popular, in transactions too. Drizzle sends every statement through `unsafe` unprepared (unless
 * named), and postgres.js describes such a statement in a round trip of its own before running it, and pipelines
 * none of them: each of a write's statements cost two round trips while the other writes waited their turn.
 * Only what `popular` admits is prepared, so that statements whose text varies (a bulk import's multi-row
 * inserts of any length) cannot fill the connections with prepared statements.
 */
export function preparingPopular(client: postgres.Sql, popular: PopularStatements): postgres.Sql {
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key === 'unsafe') {
        return (query: string, parameters?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, parameters, parameters?.length && !options?.prepare && popular.admit(query) ? { ...options, prepare: true } : options);
      }
      if (key === 'begin' || key === 'savepoint') {
        const open = Reflect.get(target, key, receiver) as (...args: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => {
          const work = args[args.length - 1] as Work;
          return open(...args.slice(0, -1), (sql: postgres.Sql) => work(preparingPopular(sql, popular)));
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
}
