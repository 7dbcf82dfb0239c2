import {
  buildSchema,
  getNamedType,
  isInputObjectType,
  isNonNullType,
  isObjectType,
  isListType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
} from 'graphql';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/access/apiKeys.js';
import { startApi, type TestApi } from '../../support/api.js';

/**
 * Every list filter is a recursive input type (and/or/not). Declaring a variable of such a type once made
 * the compiler of variable parsers loop forever, synchronously: the process stopped answering anything.
 * Each root field argument of an input object type is sent as a variable, with and without a value, over
 * POST (first on Apollo's path, then replayed) and GET, while /healthz must keep answering.
 */
const schema = buildSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));
const ANSWER_WITHIN_MS = 30_000; // a hang bound, not a speed: the fault never answered at all

interface Case {
  type: string;
  query: string;
  value: unknown;
}

const typeText = (type: GraphQLInputType): string => String(type);

/** A small valid value for an input object type: its first list field given one leaf, nested under `and`/`not`. */
function sampleValue(typeName: string): unknown {
  const samples: Record<string, unknown> = {
    DivisionFilter: { and: [{ level: ['DISTRICT', 'SUBDISTRICT'] }], not: { level: ['COMMUNITY'] } },
    FacilityFilter: { or: [{ category: ['SCHOOL'] }, { not: { status: ['PLANNED'] } }] },
    ProgramFilter: { and: [{ not: { kind: ['EVENT'] } }] },
    ObservationFilter: { and: [{ domain: ['ELDERLY_CARE'] }], not: { conflicting: true } },
    OrganizationFilter: { not: { kind: ['ENTERPRISE'] } },
    IndicatorFilter: { or: [{ domain: ['EDUCATION'] }] },
  };
  return samples[typeName];
}

/** Root fields whose only required arguments are the one under test, with a selection that is always valid. */
function cases(): Case[] {
  const query = schema.getQueryType()!;
  const found: Case[] = [];
  for (const field of Object.values(query.getFields()) as GraphQLField<unknown, unknown>[]) {
    for (const argument of field.args) {
      const named = getNamedType(argument.type) as GraphQLNamedType;
      if (!isInputObjectType(named)) continue;
      if (field.args.some((other) => other !== argument && isNonNullType(other.type) && other.defaultValue === undefined)) continue;
      const returned = getNamedType(field.type);
      const selection = isObjectType(returned) ? (isListType(field.type) ? '{ __typename }' : '{ __typename }') : '';
      const text = `query($v: ${typeText(argument.type)}) { ${field.name}(${argument.name}: $v) ${selection} }`;
      const value = sampleValue(named.name);
      if (!isNonNullType(argument.type)) found.push({ type: named.name, query: text, value: undefined });
      if (value !== undefined) found.push({ type: named.name, query: text, value: isListType(argument.type) ? [value] : value });
    }
  }
  return found;
}

describe('variables of recursive filter types', () => {
  let api: TestApi;
  let admin: Record<string, string>;
  beforeAll(async () => {
    api = await startApi();
    // Some fields (the audit log's filter) answer only writers' keys: every case is sent with an admin's.
    admin = { authorization: `Bearer ${(await createApiKey(api.db, 'filter variables admin', 'standard', { role: 'admin' })).key}` };
  });
  afterAll(async () => {
    await api?.close();
  });

  it('covers every recursive filter type the schema has', () => {
    const recursive = Object.values(schema.getTypeMap())
      .filter(isInputObjectType)
      .filter((type) => Object.values(type.getFields()).some((field) => getNamedType(field.type) === type))
      .map((type) => type.name)
      .sort();
    expect(recursive.length).toBeGreaterThanOrEqual(6);
    expect(
      [
        ...new Set(
          cases()
            .filter((c) => c.value !== undefined)
            .map((c) => c.type),
        ),
      ].sort(),
    ).toEqual(recursive);
  });

  const timed = (path: string, init?: RequestInit) => fetch(`${api.url}${path}`, { ...init, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });

  it.each(cases().map((c) => [`${c.query} with ${c.value === undefined ? 'no value' : 'a value'}`, c] as const))('%s', async (_name, testCase) => {
    const body = JSON.stringify({ query: testCase.query, variables: testCase.value === undefined ? {} : { v: testCase.value } });
    const post = () => timed('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...admin }, body });
    const [first, health] = await Promise.all([post(), timed('/healthz')]);
    expect(health.status).toBe(200);
    expect(first.status).toBe(200);
    const answer = (await first.json()) as { data?: Record<string, unknown>; errors?: unknown };
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toBeDefined();
    // Again: now answered by the compiled, replayed path; the same bytes.
    const second = await post();
    expect(second.headers.get('x-ran-by')).toBe('proven');
    expect(await second.json()).toEqual(answer);
    const search = new URLSearchParams({ query: testCase.query, variables: JSON.stringify(testCase.value === undefined ? {} : { v: testCase.value }) });
    const viaGet = await timed(`/graphql?${search}`, { headers: { accept: 'application/json', ...admin } });
    expect(viaGet.status).toBe(200);
    expect(await viaGet.json()).toEqual(answer);
  });

  it('a filter variable filters exactly as the same filter written inline', async () => {
    const filter = { or: [{ category: ['SCHOOL'] }, { category: ['MUSEUM'] }], not: { status: ['PLANNED'] } };
    const viaVariable = await api.data('query($f: FacilityFilter) { facilities(filter: $f, first: 50) { totalCount nodes { slug category } } }', { f: filter });
    const inline = await api.data(
      '{ facilities(filter: { or: [{ category: [SCHOOL] }, { category: [MUSEUM] }], not: { status: [PLANNED] } }, first: 50) { totalCount nodes { slug category } } }',
    );
    expect(viaVariable).toEqual(inline);
    expect(viaVariable.facilities.totalCount).toBeGreaterThan(0);
    expect(new Set(viaVariable.facilities.nodes.map((n: { category: string }) => n.category))).toEqual(new Set(['SCHOOL', 'MUSEUM']));
    const again = await api.data('query($f: FacilityFilter) { facilities(filter: $f, first: 50) { totalCount nodes { slug category } } }', {
      f: { category: ['MUSEUM'] },
    });
    expect(again.facilities.nodes.every((n: { category: string }) => n.category === 'MUSEUM')).toBe(true);
  });
});
