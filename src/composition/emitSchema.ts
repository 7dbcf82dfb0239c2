import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaSdl } from './schema.js';

/** `npm run schema:emit`: writes schema/schema.graphql from the code. */
export const schemaFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema/schema.graphql');

mkdirSync(path.dirname(schemaFile), { recursive: true });
writeFileSync(schemaFile, schemaSdl());
console.log(`Wrote ${path.relative(process.cwd(), schemaFile)}`);
