// GraphQL Code Generator configuration for a typed Minsheng client: `npx graphql-codegen --config codegen.ts`.
// Paths are relative to the directory it runs in (here, the repository's root).
// `CodegenConfig` from '@graphql-codegen/cli' is this same type.
import type { Types } from '@graphql-codegen/plugin-helpers';

const config: Types.Config = {
  // The schema file of this repository; or the live endpoint, e.g. 'http://localhost:4000/graphql'.
  schema: 'schema/schema.graphql',
  // Where your operations are written, inside graphql(`…`) calls.
  documents: ['docs/codegen/client.ts'],
  generates: {
    'docs/codegen/gql/': {
      preset: 'client',
      config: {
        // Without these the six custom scalars are typed `unknown`; with strictScalars a new one fails generation.
        strictScalars: true,
        scalars: {
          Date: 'string', // "2023-12-31"
          DateTime: 'string', // "2024-01-01T10:00:00.000Z"
          URL: 'string',
          JSONObject: 'Record<string, unknown>',
          Latitude: 'number',
          Longitude: 'number',
        },
        // Relative imports end in .js, as Node's ES modules (and "moduleResolution": "NodeNext") require.
        importExtension: '.js',
      },
    },
  },
};

export default config;
