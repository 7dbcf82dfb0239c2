// Lint keeps the layers apart and the imports acyclic; Prettier (npm run format:check) owns the layout.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/** What a layer may not import: each entry is [files of the layer, patterns they must not reach, why]. */
const layers = [
  [
    'src/db/**',
    ['**/graphql/**', '**/domains/**', '**/composition/**', '**/http/**', '**/access/**', '**/limits/**', '**/cache/**', '**/cli/**'],
    'db is the bottom layer: it imports nothing above it',
  ],
  ['src/graphql/**', ['**/domains/**', '**/http/**'], 'shared GraphQL parts know no domain and no HTTP'],
  ['src/domains/**', ['**/http/**', '**/cli/**'], 'domains know nothing of HTTP'],
  ['src/limits/**', ['**/domains/**', '**/http/**'], 'limits read the document and the schema, not the domains'],
  ['src/cache/**', ['**/domains/**', '**/http/**'], 'caches know no domain and no HTTP'],
  ['src/access/**', ['**/domains/**', '**/http/**', '**/writes/**'], 'access knows no domain and no HTTP'],
  ['src/writes/**', ['**/domains/**', '**/http/**', '**/composition/**', '**/cli/**'], 'writes know the seed kinds they are handed, no domain and no HTTP'],
  [
    'src/metrics/**',
    ['**/graphql/**', '**/domains/**', '**/http/**', '**/access/**', '**/writes/**', '**/composition/**', '**/cli/**', '**/limits/**', '**/cache/**'],
    'metrics read the numbers the parts hand them: they import no part of the API',
  ],
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'schema/**', 'drizzle/**', 'src/http/explorer/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    // Relative imports name the .js the compiler emits; the resolver maps them to the .ts beside them.
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests read JSON answers whose shape the assertions check.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', module: 'writable', __dirname: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...layers.map(([files, group, message]) => ({
    files: [files],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] },
  })),
);
