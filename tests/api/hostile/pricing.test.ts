import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLInterfaceType,
} from 'graphql';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LIST_VALUES } from '../../../src/limits/documentLimits.js';
import { UNINDEXED_SEARCH_COST } from '../../../src/limits/operationShape.js';
import { divisions, facilities, indicators, observations, organizations, programs, sources } from '../../data/dataset.js';
import { generator, type Random } from '../../support/random.js';
import { createApiKey } from '../../../src/access/apiKeys.js';
import { startApi, type TestApi } from '../../support/api.js';

/**
 * The cost a request is charged is estimated before it runs. It must be an upper bound of what it returns
 * (every object in the answer), read variables as the execution does, and price what validation reads.
 */
const schema = buildSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));

/** Values for required arguments, taken from the seeded data. */
const known: Record<string, string[]> = {
  'facility.slug': facilities.map((f) => f.slug),
  'program.slug': programs.map((p) => p.slug),
  'division.code': divisions.map((d) => d.code),
  'organization.slug': organizations.map((o) => o.slug),
  'indicator.code': indicators.map((i) => i.code),
  'observation.key': observations.map((o) => o.key),
  'source.slug': sources.map((s) => s.slug),
  'search.query': ['养老', '学校', '中心', 'school', 'museum', '文化'],
};

/** Arguments for a field: required ones from `known` (else the field is skipped), page sizes and groupings at random. */
function argumentsFor(random: Random, field: GraphQLField<unknown, unknown>, path: string): string | undefined {
  const given: string[] = [];
  for (const argument of field.args) {
    const key = `${field.name}.${argument.name}`;
    if (known[key]) given.push(`${argument.name}: ${JSON.stringify(random.pick(known[key]!))}`);
    else if (argument.name === 'groupBy') {
      const groupKeys = getNamedType(argument.type);
      const keys = isEnumType(groupKeys) ? groupKeys.getValues().map((v) => v.name) : [];
      given.push(`groupBy: [${keys.filter(() => random.next() < 0.4).join(', ')}]`);
    } else if (argument.name === 'first' && random.next() < 0.7) given.push(`first: ${1 + random.int(8)}`);
    else if (argument.name === 'ids') return undefined;
    else if (isNonNullType(argument.type) && argument.defaultValue === undefined) return undefined;
  }
  void path;
  return given.length ? `(${given.join(', ')})` : '';
}

function selection(random: Random, type: GraphQLObjectType | GraphQLInterfaceType, depth: number, path: string): string {
  const fields = Object.values(type.getFields()).filter((f) => !f.name.startsWith('__'));
  // JSON scalars are leaves that hold objects of their own: priced as the one value they are, so not counted here.
  const leaves = fields.filter(
    (f) =>
      isLeafType(getNamedType(f.type)) &&
      getNamedType(f.type).name !== 'JSONObject' &&
      f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined),
  );
  const parts = new Set<string>();
  if (leaves.length) parts.add(random.pick(leaves).name);
  for (let tries = 0; tries < 4 && depth > 0; tries += 1) {
    const field = random.pick(fields);
    const inner = getNamedType(field.type);
    if (!(isObjectType(inner) || isInterfaceType(inner))) continue;
    const args = argumentsFor(random, field, path);
    if (args === undefined) continue;
    const alias = `f${parts.size}`;
    parts.add(`${alias}: ${field.name}${args} { ${selection(random, inner, depth - 1, `${path}.${field.name}`)} }`);
  }
  if (parts.size === 0) parts.add('__typename');
  return [...parts].join(' ');
}

/** Every object in an answer, at any depth (the answer's own `data` object not included). */
function objectsIn(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + objectsIn(item), 0);
  if (typeof value === 'object' && value !== null) return 1 + Object.values(value).reduce((sum: number, item) => sum + objectsIn(item), 0);
  return 0;
}

describe('the cost estimate', () => {
  let api: TestApi;
  let admin: Record<string, string>;
  beforeAll(async () => {
    // A budget no run of this file can spend: a refused request (429) would read as a negative charge.
    api = await startApi({ settings: { rateLimits: { anonymous: 2 ** 31 - 1, standard: 2 ** 31 - 1 } } });
    // The drafts and the audit log answer only writers' keys: the random documents are sent with an admin's.
    admin = { authorization: `Bearer ${(await createApiKey(api.db, 'pricing admin', 'standard', { role: 'admin' })).key}` };
  });
  afterAll(async () => {
    await api?.close();
  });

  /** The points a request was charged: the drop in its budget (requests run one at a time). */
  async function charged(query: string, variables?: unknown): Promise<{ cost: number; body: any; status: number }> {
    const post = (text: string, vars?: unknown) =>
      fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: text, variables: vars }),
      });
    const before = Number((await post('{ __typename }')).headers.get('ratelimit-remaining'));
    const response = await post(query, variables);
    const after = Number(response.headers.get('ratelimit-remaining'));
    return { cost: before - after, body: await response.json(), status: response.status };
  }

  it('is an upper bound of the objects returned, for 500 random documents with nested lists, lookups and aggregates', async () => {
    const random = generator(Number(process.env.FUZZ_SEED ?? 20261202));
    const query = schema.getQueryType()!;
    const roots = Object.values(query.getFields()).filter((f) => isObjectType(getNamedType(f.type)) || isInterfaceType(getNamedType(f.type)));
    let checked = 0;
    let largest = 0;
    // One request per document: what it was charged is the drop in the budget since the one before.
    const post = (text: string) =>
      fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...admin },
        body: JSON.stringify({ query: text }),
      });
    let remaining = Number((await post('{ __typename }')).headers.get('ratelimit-remaining'));
    for (let n = 0; n < 500; n += 1) {
      const field = n % 5 === 0 ? query.getFields().observationAggregate! : random.pick(roots);
      const args = argumentsFor(random, field, field.name);
      if (args === undefined) continue;
      const text = `{ ${field.name}${args} { ${selection(random, getNamedType(field.type) as GraphQLObjectType, 3, field.name)} } }`;
      const response = await post(text);
      expect(response.status, text).toBe(200);
      const body = (await response.json()) as { data?: unknown };
      const header = response.headers.get('ratelimit-remaining');
      if (header === null) {
        expect(body.data, text).toBeUndefined(); // refused before it was charged (a limit): nothing ran
        continue;
      }
      const cost = remaining - Number(header);
      remaining -= cost;
      const returned = objectsIn(body.data ?? null) - (body.data ? 1 : 0);
      if (returned > cost) throw new Error(`estimate ${cost} < ${returned} objects returned for ${text}`);
      largest = Math.max(largest, returned);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(400);
    expect(largest).toBeGreaterThan(20); // the documents did return lists
  }, 240_000);

  it('prices the aggregate by its bound of groups, not as one group', async () => {
    const text = '{ observationAggregate(groupBy: [INDICATOR]) { count indicator { code observations(first: 50) { nodes { value } } } } }';
    const { cost, body } = await charged(text);
    expect(body.data.observationAggregate.length).toBeGreaterThan(5);
    expect(cost).toBeGreaterThanOrEqual(1000 * (1 + 1 + 1 + 50));
  });

  it('reads variables as own properties only: a "__proto__" key does not lower the estimate', async () => {
    const text = 'query($n: Int) { facilities(first: $n) { nodes { programs(first: $n) { nodes { facilities(first: $n) { nodes { slug } } } } } } }';
    const honest = await charged(text, {});
    const body = `{"query":${JSON.stringify(text)},"variables":{"__proto__":{"n":1}}}`;
    const post = () => fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
    const before = Number((await fetch(`${api.url}/graphql?query=${encodeURIComponent('{ __typename }')}`)).headers.get('ratelimit-remaining'));
    const sneaky = await post();
    const after = Number(sneaky.headers.get('ratelimit-remaining'));
    expect(sneaky.status).toBe(200);
    expect(honest.cost).toBe(1 + 20 * (1 + (1 + 20 * (1 + (1 + 20))))); // no $n: page size 20 at every level
    expect(before - after).toBe(honest.cost);
    const withOne = await charged(text, { n: 1 });
    expect(withOne.cost).toBeLessThan(honest.cost);
  });

  it(`refuses a list argument of over ${MAX_LIST_VALUES} values before any SQL runs`, async () => {
    const slugs = Array.from({ length: 100_000 }, (_, i) => `s${i}`);
    const response = await api.query('query($s: [String!]) { facilities(filter: { slug: $s }) { totalCount } }', { s: slugs });
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: MAX_LIST_VALUES, actual: 100_000 });
    expect(response.body.errors?.[0]?.message).toContain('Split the list');
    expect(response.sqlStatements).toBe(0);
  });

  it('prices every value of a list argument', async () => {
    const few = await charged('query($s: [String!]) { facilities(filter: { slug: $s }) { totalCount } }', { s: [facilities[0]!.slug] });
    const many = await charged('query($s: [String!]) { facilities(filter: { slug: $s }) { totalCount } }', {
      s: [facilities[0]!.slug, ...Array.from({ length: 499 }, (_, i) => `x${i}`)],
    });
    expect(many.cost - few.cost).toBe(499);
  });

  it('refuses a 64 KB document whose bulk is an unused fragment, before validating it', async () => {
    const fragment = `fragment Unused on Facility { ${'division { name } '.repeat(3500)} }`;
    const text = `{ __typename } ${fragment}`;
    expect(text.length).toBeGreaterThan(60_000);
    const response = await api.query(text);
    expect(response.body.errors?.[0]?.message).toBe('Fragment "Unused" is never used. Remove unused fragments from the document.');
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a selection repeated hundreds of times (quadratic to validate), used or not', async () => {
    const text = `{ facility(slug: "${facilities[0]!.slug}") { ${'division { name } '.repeat(500)} } }`;
    const response = await api.query(text);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_REPEATED_FIELDS', limit: 2000 });
    const fewTimes = await api.query(`{ facility(slug: "${facilities[0]!.slug}") { ${'division { name } '.repeat(5)} } }`);
    expect(fewTimes.body.errors).toBeUndefined();
  });

  it('charges the operations a document holds besides the one that runs', async () => {
    const heavy = 'query Heavy { facilities(first: 100) { nodes { programs(first: 100) { nodes { slug } } } } }';
    const alone = await charged('query Light { __typename }');
    const named = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: `query Light { __typename } ${heavy}`, operationName: 'Light' }),
    });
    expect(named.status).toBe(200);
    const before = Number((await fetch(`${api.url}/graphql?query=${encodeURIComponent('{ __typename }')}`)).headers.get('ratelimit-remaining'));
    const again = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: `query Light { __typename } ${heavy}`, operationName: 'Light' }),
    });
    const after = Number(again.headers.get('ratelimit-remaining'));
    expect(((await again.json()) as { data: unknown }).data).toEqual({ __typename: 'Query' });
    expect(before - after).toBe(alone.cost + 1 + 100 * (1 + 1 + 100));
  });

  it('refuses a search for one letter or digit (it matches nearly everything) and prices one Chinese character as a scan', async () => {
    for (const query of [
      '{ search(query: "a") { totalCount } }',
      '{ facilities(filter: { search: "7" }) { totalCount } }',
      '{ facilities(filter: { search: " e  " }) { totalCount } }',
    ]) {
      const response = await api.query(query);
      expect(response.body.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
      expect(response.body.errors?.[0]?.message, query).toContain('two letters or more');
    }
    const indexed = await charged('{ facilities(filter: { search: "鑫源" }) { totalCount } }');
    const scanned = await charged('{ facilities(filter: { search: "鑫" }) { totalCount } }');
    expect(scanned.body.data.facilities.totalCount).toBeGreaterThan(0);
    expect(scanned.cost - indexed.cost).toBe(UNINDEXED_SEARCH_COST);
    const mixed = await charged('{ facilities(filter: { search: "a school" }) { totalCount } }'); // "school" serves the index
    expect(mixed.cost).toBe(indexed.cost);
  });

  it('refuses variables nested deeper than a filter ever needs, without a stack overflow', async () => {
    const depth = 50_000; // JSON.stringify cannot write it: the body is spelt out
    const filter = `${'{"not":'.repeat(depth)}{"slug":["x"]}${'}'.repeat(depth)}`;
    const body = `{"query":"query($f: FacilityFilter) { facilities(filter: $f) { totalCount } }","variables":{"f":${filter}}}`;
    const response = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
    expect(response.status).toBeLessThan(500);
    const answer = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(answer.errors?.[0]?.extensions?.code).toBe('VARIABLES_TOO_DEEP');
  });
});
