import { defineConfig } from 'drizzle-kit';

// drizzle-kit only generates migrations from the table definitions; the app applies them itself at start
// (or with `npm run db:migrate`), on PGlite and PostgreSQL alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/tables/index.ts',
  out: './drizzle',
});
