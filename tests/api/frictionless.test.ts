import datapackage from 'datapackage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';

/**
 * The data package checked by the Frictionless Data project's own library (datapackage-js, which also
 * reads each CSV with tableschema-js): the descriptor against the spec's profiles, then every row of every
 * CSV cast by its Table Schema (types, formats, required, enum, unique primary key) with its foreign keys
 * resolved. `frictionless validate` (Python) is not installable here: the machine reaches no PyPI.
 */
const { Package } = datapackage;

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

interface Descriptor {
  resources: {
    name: string;
    schema: {
      fields: { name: string; type: string; constraints?: { enum?: string[] } }[];
      primaryKey: string[];
      foreignKeys?: { fields: string[]; reference: { resource: string; fields: string[] } }[];
    };
  }[];
}

async function descriptor(): Promise<Descriptor> {
  const response = await fetch(`${api.url}/v1/datapackage.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as Descriptor;
}

/** Every row of a resource, cast and with its relations resolved, or the library's error. */
async function readAll(source: string | Descriptor, name: string): Promise<number | string> {
  const pkg = await Package.load(source);
  expect(pkg.valid, pkg.errors.map(String).join('; ')).toBe(true);
  try {
    return (await pkg.getResource(name)!.read({ relations: true })).length;
  } catch (error) {
    const { errors } = error as { errors?: unknown[] };
    return [String(error), ...(errors ?? []).map(String)].join(' ');
  }
}

describe('the data package, by the Frictionless tools', () => {
  it('is valid and every row of every CSV casts to its Table Schema with its foreign keys resolved', async () => {
    const pkg = await Package.load(`${api.url}/v1/datapackage.json`);
    expect(pkg.valid, pkg.errors.map(String).join('; ')).toBe(true);
    expect(pkg.resources.map((resource) => resource.name)).toEqual(['observations', 'facilities', 'programs', 'indicators', 'organizations', 'divisions']);
    const rowCounts: Record<string, number | string> = {};
    for (const resource of pkg.resources) rowCounts[resource.name] = await readAll(`${api.url}/v1/datapackage.json`, resource.name);
    // The same counts as GraphQL's totals for the whole tables.
    const totals = await api.data<Record<string, { totalCount: number }>>(
      '{ observations(first: 1) { totalCount } facilities(first: 1) { totalCount } programs(first: 1) { totalCount } indicators(first: 1) { totalCount } organizations(first: 1) { totalCount } divisions(first: 1) { totalCount } }',
    );
    const expected = Object.fromEntries(Object.entries(totals).map(([name, list]) => [name, list.totalCount]));
    expect(rowCounts).toEqual(expected);
  });

  // The same library, handed a descriptor that the data breaks, must say so: the check above can fail.
  it('reports a value outside an enum, a primary key that is not unique and a foreign key that does not resolve', async () => {
    const tooFewQualifiers = await descriptor();
    const qualifier = tooFewQualifiers.resources[0]!.schema.fields.find((field) => field.name === 'qualifier')!;
    qualifier.constraints!.enum = ['exact'];
    expect(await readAll(tooFewQualifiers, 'observations')).toMatch(/does not conform to the "enum" constraint for column "qualifier"/);

    const keyedByDivision = await descriptor();
    keyedByDivision.resources.find((resource) => resource.name === 'facilities')!.schema.primaryKey = ['division_code'];
    expect(await readAll(keyedByDivision, 'facilities')).toMatch(/unique constraint violation in column "division_code"/);

    const wrongReference = await descriptor();
    const facilities = wrongReference.resources.find((resource) => resource.name === 'facilities')!;
    facilities.schema.foreignKeys!.find((key) => key.fields[0] === 'division_code')!.reference = { resource: 'organizations', fields: ['slug'] };
    expect(await readAll(wrongReference, 'facilities')).toMatch(/Foreign key "division_code" violation/);

    const valuesAsDates = await descriptor();
    valuesAsDates.resources[0]!.schema.fields.find((field) => field.name === 'value')!.type = 'date';
    expect(await readAll(valuesAsDates, 'observations')).toMatch(/in column "value" is not type "date"/);
  });
});
