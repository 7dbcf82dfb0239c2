import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as clientPreset from '@graphql-codegen/client-preset';
import { codegen } from '@graphql-codegen/core';
import { normalizeImportExtension, type Types } from '@graphql-codegen/plugin-helpers';
import { CodeFileLoader } from '@graphql-tools/code-file-loader';
import { buildSchema, lexicographicSortSchema, parse, printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../../docs/codegen/codegen.js';

/**
 * docs/codegen.md's example, run as the GraphQL Code Generator CLI runs it, without the CLI (some of its
 * dependencies declare Node 22, so npm would warn on Node 20): the schema file, the graphql(`…`) documents
 * plucked from docs/codegen/client.ts, the client preset with the config's scalars; then `tsc` checks the
 * snippet against what was generated.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const snippetDir = path.join(repoRoot, 'docs/codegen');
const run = promisify(execFile);

/** The one output of the example config: its folder and its preset settings. */
function clientOutput(): [folder: string, output: Types.ConfiguredOutput] {
  const entries = Object.entries(config.generates);
  expect(entries).toHaveLength(1);
  const [folder, output] = entries[0]!;
  if (Array.isArray(output) || typeof output !== 'object' || output.preset !== 'client') throw new Error(`${folder} is not a client-preset output`);
  return [folder, output];
}

async function generate(workDir: string): Promise<Map<string, string>> {
  const [folder, output] = clientOutput();
  expect(config.schema).toBe('schema/schema.graphql');
  // Sorted, as the CLI loads a schema by default.
  const schemaAst = lexicographicSortSchema(buildSchema(readFileSync(path.join(repoRoot, 'schema/schema.graphql'), 'utf8')));
  const documentPaths = [config.documents].flat();
  expect(documentPaths).toEqual(['docs/codegen/client.ts']);
  const loader = new CodeFileLoader({ pluckConfig: { skipIndent: true } });
  const documents = (await Promise.all(documentPaths.map((pointer) => loader.load(String(pointer), { cwd: repoRoot })))).flat();
  const merged = { ...config.config, ...output.config };
  const importExtension = normalizeImportExtension({ emitLegacyCommonJSImports: merged.emitLegacyCommonJSImports, importExtension: merged.importExtension });
  const outputs = await clientPreset.preset.buildGeneratesSection({
    baseOutputDir: folder,
    presetConfig: output.presetConfig ?? {},
    plugins: [],
    schema: parse(printSchema(schemaAst)),
    schemaAst,
    documents,
    config: { ...merged, importExtension },
    pluginMap: {},
    pluginContext: {},
    documentTransforms: [],
  });
  const files = new Map<string, string>();
  for (const outputArgs of outputs) {
    const content = await codegen({ ...outputArgs, importExtension, emitLegacyCommonJSImports: merged.emitLegacyCommonJSImports ?? true });
    const relativeToSnippet = path.relative('docs/codegen', outputArgs.filename);
    mkdirSync(path.dirname(path.join(workDir, relativeToSnippet)), { recursive: true });
    writeFileSync(path.join(workDir, relativeToSnippet), content);
    files.set(relativeToSnippet, content);
  }
  return files;
}

describe('docs/codegen.md: typed client from schema/schema.graphql', () => {
  // Inside the repository, so the generated code finds graphql and @graphql-typed-document-node/core.
  let workDir: string;
  let files: Map<string, string>;
  beforeAll(async () => {
    mkdirSync(path.join(repoRoot, 'node_modules/.cache'), { recursive: true });
    workDir = mkdtempSync(path.join(repoRoot, 'node_modules/.cache/codegen-'));
    for (const file of ['client.ts', 'tsconfig.json']) copyFileSync(path.join(snippetDir, file), path.join(workDir, file));
    files = await generate(workDir);
  }, 60_000);
  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('maps every custom scalar of the schema to a TypeScript type, none to unknown', () => {
    const [, output] = clientOutput();
    const customScalars = [...readFileSync(path.join(repoRoot, 'schema/schema.graphql'), 'utf8').matchAll(/^scalar (\w+)/gm)].map((match) => match[1]);
    expect(Object.keys(output.config?.scalars ?? {}).sort()).toEqual(customScalars.sort());
    // The snippet's two operations select each of them; the result types spell the mapped types out.
    const types = files.get('gql/graphql.ts') ?? '';
    expect(types).toContain('period: { start: string | null, end: string }'); // Date
    expect(types).toContain('url: string | null, publishedOn: string | null'); // URL, Date
    expect(types).toContain('resetAt: string'); // DateTime
    expect(types).toContain('geojson: Record<string, unknown>'); // JSONObject
    expect(types).toContain('location: { latitude: number, longitude: number } | null'); // Latitude, Longitude
    expect(types).toContain('endingBefore?: string | null'); // Date as a variable
    expect(types).not.toMatch(/\w\??: (unknown|any)\b/); // a field or variable typed unknown
  });

  it('docs/codegen.md shows the three files as they are', () => {
    const page = readFileSync(path.join(repoRoot, 'docs/codegen.md'), 'utf8');
    for (const [file, language] of [
      ['codegen.ts', 'ts'],
      ['client.ts', 'ts'],
      ['tsconfig.json', 'json'],
    ] as const) {
      const text = readFileSync(path.join(snippetDir, file), 'utf8').trimEnd();
      expect(page.includes(`\`\`\`${language}\n${text}\n\`\`\``), `${file} as shown in docs/codegen.md`).toBe(true);
    }
  });

  it('types the snippet: tsc --noEmit passes on docs/codegen/client.ts against the generated code', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const outcome = await run(process.execPath, [tsc, '--noEmit', '-p', path.join(workDir, 'tsconfig.json')]).then(
      () => ({ exitCode: 0, output: '' }),
      (error: { code: number; stdout: string; stderr: string }) => ({ exitCode: error.code, output: error.stdout + error.stderr }),
    );
    expect(outcome).toEqual({ exitCode: 0, output: '' });
  }, 60_000);
});
