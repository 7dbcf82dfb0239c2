/**
 * Arguments of the mix that depend on the data. Cursors are asked from each server's own API (a one-row
 * page filtered to the target row, in the list's order), never built by hand: they are opaque.
 */
import { problemOf, sendGraphQL } from './client.js';
import { observationKeyAt } from './database.js';
import type { Fixture } from './queries.js';

// Every synthetic indicator has a monthly series; this one exists at both scales.
const INDICATOR_CODE = 'syn-i-7';
// The deep page starts at the row 90% of the way down the figures ordered by period end.
const DEEP_SHARE = 0.9;

export async function resolveFixture(databaseUrl: string, urls: { minsheng: string; postgraphile: string }): Promise<Fixture> {
  const key = await observationKeyAt(databaseUrl, DEEP_SHARE);
  const minsheng = await sendGraphQL(urls.minsheng, {
    query: 'query ($key: String!) { observations(filter: { key: [$key] }, first: 1) { edges { cursor } } }',
    variables: { key },
  });
  const postgraphile = await sendGraphQL(urls.postgraphile, {
    query: 'query ($key: String!) { allObservations(condition: { key: $key }, orderBy: [PERIOD_END_ASC, ID_ASC], first: 1) { edges { cursor } } }',
    variables: { key },
  });
  for (const [name, reply] of [
    ['Minsheng', minsheng],
    ['PostGraphile', postgraphile],
  ] as const) {
    const problem = problemOf(reply);
    if (problem) throw new Error(`${name} could not give the cursor of observation ${key}: ${problem}`);
  }
  return {
    indicatorCode: INDICATOR_CODE,
    deepCursor: {
      minsheng: minsheng.data.observations.edges[0].cursor,
      postgraphile: postgraphile.data.allObservations.edges[0].cursor,
    },
  };
}
