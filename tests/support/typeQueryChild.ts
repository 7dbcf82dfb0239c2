// A process whose new database connection cannot read the array types (tests/api/droppedTypeQuery.test.ts):
// postgres.js's first statement on it fails, and its failure is dropped unhandled. Either the types are
// locked away and the statement times out, or (`reset`) the connection is reset as that statement passes
// through a proxy, as when a server stops.
import { createServer, connect, type AddressInfo } from 'node:net';
import postgres from 'postgres';
import { surviveDroppedTypeQueries } from '../../src/db/droppedTypeQuery.js';
import { createLogger } from '../../src/logger.js';

const [url, mode] = process.argv.slice(2) as [string, 'guarded' | 'unguarded' | 'other' | 'reset'];
if (mode !== 'unguarded') surviveDroppedTypeQueries(createLogger('warn'));
const sql = postgres(mode === 'reset' ? await throughResettingProxy(url) : url, {
  max: 1,
  connection: { statement_timeout: 300 },
  onnotice: () => {},
});
await sql`select 1`.catch(() => {});
await new Promise((resolve) => setTimeout(resolve, 200));
if (mode === 'other') void Promise.reject(new Error('a rejection nobody handles'));
await new Promise((resolve) => setTimeout(resolve, 200));
await sql.end({ timeout: 1 });
console.log('survived');

/** A proxy to the database that resets the client's connection when the array-types statement is sent. */
async function throughResettingProxy(target: string): Promise<string> {
  const server = new URL(target);
  const proxy = createServer((client) => {
    const upstream = connect(Number(server.port || 5432), server.hostname);
    client.on('data', (chunk) => {
      if (chunk.includes('pg_catalog.pg_type')) {
        upstream.destroy();
        client.resetAndDestroy();
      } else upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxy.unref();
  const proxied = new URL(target);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((proxy.address() as AddressInfo).port);
  return proxied.toString();
}
