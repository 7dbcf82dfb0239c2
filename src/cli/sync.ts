import { GraphQLClient } from '../sync/client.js';
import { Mirror } from '../sync/mirror.js';
import type { SyncReport } from '../sync/progress.js';
import { follow, syncOnce } from '../sync/syncer.js';
import { commandLine, usageFailure, type UsageFailure } from './commandLine.js';

/**
 * `npm run sync -- --url http://host:port/graphql --into ./mirror-data [--once | --follow] [--interval 5] [--key <api key>] [--full]`:
 * mirrors the whole dataset into PGlite in a directory, then keeps up from the change feed (docs/sync.md).
 */
const usage = `usage:
  npm run sync -- --url <GraphQL endpoint> --into <directory> [--once | --follow] [--interval <seconds>] [--key <API key>] [--full]
      --once       sync and stop (the default)
      --follow     keep syncing every --interval seconds (default 5) until Ctrl-C
      --full       make the mirror again from the lists (after a refused cursor, or to start over)
      --key        sent as "Authorization: Bearer <key>" (also read from MINSHENG_API_KEY)`;

const fail: UsageFailure = usageFailure(usage);
const parsed = commandLine(fail, {
  options: {
    url: { type: 'string' },
    into: { type: 'string' },
    key: { type: 'string' },
    once: { type: 'boolean', default: false },
    follow: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    interval: { type: 'string', default: '5' },
  },
});
const { url, into, once, full } = parsed.values;
const intervalSeconds = Number(parsed.values.interval);
if (!url) fail('--url is needed: the GraphQL endpoint, e.g. http://localhost:4000/graphql.');
if (!into) fail('--into is needed: the directory the mirror is kept in.');
if (once && parsed.values.follow) fail('--once and --follow: choose one.');
if (!Number.isFinite(intervalSeconds) || intervalSeconds <= 0) fail(`--interval ${parsed.values.interval}: a number of seconds above 0.`);

function describe(report: SyncReport): string {
  const at = `data version ${report.dataVersion}`;
  if (report.mode === 'full') return `full sync at ${at}: ${report.recordsFetched} records, ${report.tombstonesWritten} of them tombstones`;
  if (report.changesRead === 0) return `up to date at ${at}`;
  return `${report.changesRead} changes to ${at}: ${report.recordsFetched} records read again, ${report.tombstonesWritten} of them tombstones`;
}

const client = new GraphQLClient(url, parsed.values.key ?? process.env.MINSHENG_API_KEY);
const mirror = await Mirror.open(into);
try {
  if (!parsed.values.follow) {
    console.log(describe(await syncOnce(client, mirror, { full })));
  } else {
    const stop = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
    await follow(client, mirror, {
      full,
      intervalMs: intervalSeconds * 1000,
      signal: stop.signal,
      onReport: (report) => {
        if (report.mode === 'full' || report.changesRead > 0) console.log(`${new Date().toISOString()} ${describe(report)}`);
      },
      onError: (error) => console.error(`${new Date().toISOString()} sync failed, trying again in ${intervalSeconds} s: ${(error as Error).message}`),
    });
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await mirror.close();
}
