import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';

// ajv-formats is CommonJS: its default export is the function under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The spec's JSON Schemas (tests/support/frictionless/README.md), draft-04, compiled with Ajv. */
function profile(name: string): ValidateFunction {
  const schema = JSON.parse(readFileSync(new URL(`../support/frictionless/${name}.json`, import.meta.url), 'utf8'));
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('textarea', true); // a hint for form builders in the profiles, not a constraint
  return ajv.compile(schema);
}
const validPackage = profile('tabular-data-package');
const validTableSchema = profile('table-schema');

interface Field {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  constraints?: { required?: boolean; unique?: boolean; enum?: string[] };
}
interface Resource {
  name: string;
  path: string;
  schema: {
    fields: Field[];
    primaryKey: string[];
    foreignKeys?: { fields: string[]; reference: { resource: string; fields: string[] } }[];
    missingValues: string[];
  };
}

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

async function descriptor(base: string, query = '') {
  const response = await fetch(`${base}/v1/datapackage.json${query}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return (await response.json()) as { profile: string; resources: Resource[]; licenses?: { name?: string; path?: string; title?: string }[] };
}

/** A value is of its Table Schema type (the spec's default formats). */
function ofType(type: Field['type'], value: string): boolean {
  switch (type) {
    case 'integer':
      return /^-?\d+$/.test(value);
    case 'number':
      return /^-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?$/.test(value) && Number.isFinite(Number(value));
    case 'boolean':
      return ['true', 'false'].includes(value);
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
    case 'string':
      return true;
  }
}

describe('the data package', () => {
  it('is a valid Tabular Data Package whose every Table Schema is valid too', async () => {
    const pkg = await descriptor(api.url);
    expect(validPackage(pkg), JSON.stringify(validPackage.errors)).toBe(true);
    expect(pkg.profile).toBe('tabular-data-package');
    expect(pkg.resources.map((resource) => resource.name)).toEqual(['observations', 'facilities', 'programs', 'indicators', 'organizations', 'divisions']);
    for (const resource of pkg.resources) {
      expect(validTableSchema(resource.schema), `${resource.name}: ${JSON.stringify(validTableSchema.errors)}`).toBe(true);
      // Absolute, from the Host the client used (no PUBLIC_BASE_URL here), so the descriptor works once saved.
      expect(resource.path).toBe(`${api.url}/v1/data/${resource.name}.csv`);
    }
  });

  it('describes the foreign keys between the tables, and units and hedges in the fields', async () => {
    const { resources } = await descriptor(api.url);
    const observations = resources.find((resource) => resource.name === 'observations')!;
    expect(observations.schema.primaryKey).toEqual(['key']);
    expect(observations.schema.foreignKeys).toContainEqual({ fields: ['indicator_code'], reference: { resource: 'indicators', fields: ['code'] } });
    const qualifier = observations.schema.fields.find((field) => field.name === 'qualifier')!;
    expect(qualifier.constraints?.enum).toEqual(['exact', 'approximate', 'nearly', 'at_least', 'at_most']);
    const facilities = resources.find((resource) => resource.name === 'facilities')!;
    expect(facilities.schema.foreignKeys).toContainEqual({ fields: ['division_code'], reference: { resource: 'divisions', fields: ['code'] } });
    expect(facilities.schema.fields.find((field) => field.name === 'longitude')).toMatchObject({ type: 'number', unit: 'degree (WGS 84)' });
    // A key to the table itself names the resource "".
    const divisions = resources.find((resource) => resource.name === 'divisions')!;
    expect(divisions.schema.foreignKeys).toEqual([{ fields: ['parent_code'], reference: { resource: '', fields: ['code'] } }]);
  });

  it('every CSV it points to conforms to its Table Schema: header, field count, types, required and enum values, unique keys, foreign keys', async () => {
    const { resources } = await descriptor(api.url);
    const tables = new Map<string, { header: string[]; rows: string[][] }>();
    for (const resource of resources) {
      const response = await fetch(resource.path);
      expect(response.status, resource.path).toBe(200);
      const [header, ...rows] = parse(await response.text(), { relax_column_count: true }) as string[][];
      tables.set(resource.name, { header: header!, rows });
    }
    for (const resource of resources) {
      const { header, rows } = tables.get(resource.name)!;
      const { fields, primaryKey, foreignKeys, missingValues } = resource.schema;
      expect(header, resource.name).toEqual(fields.map((field) => field.name));
      expect(rows.length, resource.name).toBeGreaterThan(0);
      for (const [index, row] of rows.entries()) {
        const where = `${resource.name} row ${index + 2}`;
        expect(row, where).toHaveLength(fields.length);
        fields.forEach((field, column) => {
          const value = row[column]!;
          if (missingValues.includes(value)) {
            expect(field.constraints?.required ?? false, `${where}: ${field.name} is required`).toBe(false);
            return;
          }
          expect(ofType(field.type, value), `${where}: ${field.name} = ${JSON.stringify(value)} is not a ${field.type}`).toBe(true);
          if (field.constraints?.enum) expect(field.constraints.enum, `${where}: ${field.name}`).toContain(value);
        });
      }
      const keyColumn = header.indexOf(primaryKey[0]!);
      const keys = rows.map((row) => row[keyColumn]);
      expect(new Set(keys).size, `${resource.name}: primary key ${primaryKey[0]} is unique`).toBe(rows.length);
      for (const foreignKey of foreignKeys ?? []) {
        const target = tables.get(foreignKey.reference.resource || resource.name)!;
        const targetColumn = target.header.indexOf(foreignKey.reference.fields[0]!);
        const known = new Set(target.rows.map((row) => row[targetColumn]));
        const column = header.indexOf(foreignKey.fields[0]!);
        const used = rows.map((row) => row[column]!).filter((value) => !missingValues.includes(value));
        for (const value of used)
          expect(known.has(value), `${resource.name}.${foreignKey.fields[0]} = ${value} is a row of ${foreignKey.reference.resource}`).toBe(true);
      }
    }
    // The keys are used: figures refer to indicators and divisions, facilities to divisions.
    const observations = tables.get('observations')!;
    expect(observations.rows.filter((row) => row[observations.header.indexOf('division_code')] !== '').length).toBeGreaterThan(0);
  });

  it('?lang=en points to the English downloads', async () => {
    const { resources } = await descriptor(api.url, '?lang=en');
    expect(resources.every((resource) => resource.path.endsWith(`/v1/data/${resource.name}.csv?lang=en`))).toBe(true);
    expect((await fetch(`${api.url}/v1/datapackage.json?lang=fr`)).status).toBe(400);
  });

  it('names the licence, publisher and public URL the deployment states', async () => {
    const published = await startApi({ publication: { license: 'CC-BY-4.0', publisher: 'Dadukou open data desk', baseUrl: 'https://data.example.org' } });
    try {
      const pkg = await descriptor(published.url);
      expect(validPackage(pkg), JSON.stringify(validPackage.errors)).toBe(true);
      expect(pkg.licenses).toEqual([{ name: 'cc-by-4.0', title: 'CC-BY-4.0' }]);
      expect(pkg.resources[0]!.path).toBe('https://data.example.org/v1/data/observations.csv');
    } finally {
      await published.close();
    }
  });
});
