// A process whose new database connection finds the array types locked away (tests/api/droppedTypeQuery.test.ts):
// postgres.js's first statement on it times out, and its failure is dropped unhandled.
import postgres from 'postgres';
import { surviveDroppedTypeQueries } from '../../src/db/droppedTypeQuery.js';
import { createLogger } from '../../src/logger.js';

const [url, mode] = process.argv.slice(2) as [string, 'guarded' | 'unguarded' | 'other'];
if (mode !== 'unguarded') surviveDroppedTypeQueries(createLogger('warn'));
const sql = postgres(url, { max: 1, connection: { statement_timeout: 300 }, onnotice: () => {} });
await sql`select 1`.catch(() => {});
await new Promise((resolve) => setTimeout(resolve, 200));
if (mode === 'other') void Promise.reject(new Error('a rejection nobody handles'));
await new Promise((resolve) => setTimeout(resolve, 200));
await sql.end();
console.log('survived');
