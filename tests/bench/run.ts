/**
 * npm run bench [-- --quick] [--scales 10k,1m] [--seconds 10] [--warmup 2] [--rounds 3] [--connections 10] [--downloads-only | --writes-only | --as-of-only] [--built]
 *                [--cached-env NAME=VALUE ...] [--uncached-env NAME=VALUE ...] [--database-url postgres://…/postgres]
 *
 * Minsheng against PostGraphile 4.14.1 on one PostgreSQL database per scale, query by query, alternating
 * which server goes first; then the bulk-download scenario on the uncached Minsheng server (downloadScenario.ts), then
 * the write scenario: publishes one after another, then the query mix again with 20 publishes a second (writeScenario.ts).
 * With --built, Minsheng runs as production does (`npm run build`, then `npm run serve`: node dist/main.js).
 * Also measured: start-up on an empty embedded database (startup.ts), and /metrics after each scale.
 * Prints markdown tables and which targets of the issue are met; writes JSON to bench-results/. Exits 0 even
 * when targets are missed: the numbers are the result.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkQuery, type QueryCheck } from './check.js';
import { createBenchDatabase, dropBenchDatabase, postgresVersion, type Scale } from './database.js';
import { downloadTables, runDownloadScenario, type DownloadScenarioResult } from './downloadScenario.js';
import { runWriteScenario, writeTable, type WriteScenarioResult } from './writeScenario.js';
import { asOfTable, runAsOfScenario, type AsOfScenarioResult } from './asOfScenario.js';
import { metricsTable, scrapeMetrics, type MetricsScrape } from './metricsScrape.js';
import { measureStartup, startupTable, type StartupTimes } from './startup.js';
import { resolveFixture } from './fixtures.js';
import { measure, medianOfRuns, type LoadResult, type LoadSettings } from './load.js';
import { describeMachine, readCpu, waitForQuietMachine } from './machine.js';
import { queryMix } from './queries.js';
import { growthTable, judgeTargets, scaleTable, targetList, writeJson, type BenchResult, type Measurement, type ScaleResult } from './report.js';
import {
  killAllServers,
  responseCacheEnvironments,
  runMinshengAs,
  rssMegabytes,
  type CacheEnvironments,
  startMinsheng,
  startFloor,
  startPostgraphile,
  stopServer,
  type RunningServer,
} from './servers.js';

const SCALES: Record<string, Scale> = {
  '10k': { name: '10k', facilities: 10_000, observations: 10_000 },
  '1m': { name: '1m', facilities: 100_000, observations: 1_000_000 },
};

// Before each run, wait (at most this long) until other processes use under this share of the CPU.
const QUIET_CPU_PERCENT = 15;
const QUIET_WAIT_SECONDS = 5;

// The light request timed while bulk downloads run (downloadScenario.ts).
const PROBE_QUERY = 'filtered list';

const POSTGRAPHILE_SETTINGS =
  'library on node:http, schema public, pg pool of 10, NODE_ENV=production, appendPlugins: [postgraphile-plugin-connection-filter], ' +
  'dynamicJson: true, setofFunctionsContainNulls: false, ignoreRBAC: false, disableQueryLog: true, watchPg: false, graphiql: false, enableQueryBatching: false';

function parseArguments(argv: string[]) {
  const value = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at < 0 ? undefined : argv[at + 1];
  };
  const quick = argv.includes('--quick');
  const scales = (value('scales') ?? (quick ? '10k' : '10k,1m')).split(',').map((name) => {
    const scale = SCALES[name.trim()];
    if (!scale) throw new Error(`--scales takes ${Object.keys(SCALES).join(', ')}; got ${name}`);
    return scale;
  });
  const load: LoadSettings = {
    connections: Number(value('connections') ?? 10),
    seconds: Number(value('seconds') ?? (quick ? 5 : 10)),
    warmupSeconds: Number(value('warmup') ?? (quick ? 1 : 2)),
    rounds: Number(value('rounds') ?? (quick ? 1 : 3)),
  };
  if (!Number.isInteger(load.rounds) || load.rounds < 1) throw new Error(`--rounds takes a whole number of at least 1; got ${value('rounds')}`);
  const repeated = (name: string) => argv.flatMap((arg, i) => (arg === `--${name}` && argv[i + 1] ? [argv[i + 1]!] : []));
  const cacheFlags = { on: repeated('cached-env'), off: repeated('uncached-env') };
  const serverUrl = value('database-url') ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  // Only the download scenario (after a change to the downloads): no query mix, no PostGraphile.
  const downloadsOnly = argv.includes('--downloads-only');
  // Only the write scenario (after a change to the write path): no query mix, no downloads.
  const writesOnly = argv.includes('--writes-only');
  const asOfOnly = argv.includes('--as-of-only');
  if ([downloadsOnly, writesOnly, asOfOnly].filter(Boolean).length > 1) throw new Error('--downloads-only, --writes-only and --as-of-only exclude each other');
  const built = argv.includes('--built');
  return {
    scales,
    load,
    cacheFlags,
    serverUrl,
    built,
    only: downloadsOnly ? ('downloads' as const) : writesOnly ? ('writes' as const) : asOfOnly ? ('as-of' as const) : undefined,
  };
}

const say = (line: string) => process.stderr.write(`${line}\n`);

async function benchScale(
  scale: Scale,
  serverUrl: string,
  load: LoadSettings,
  cache: CacheEnvironments | undefined,
  only: 'downloads' | 'writes' | 'as-of' | undefined,
): Promise<ScaleResult> {
  say(`\n[${scale.name}] creating and filling the database (${scale.facilities} facilities, ${scale.observations} observations)…`);
  const database = await createBenchDatabase(serverUrl, scale);
  say(`[${scale.name}] filled in ${database.fillSeconds.toFixed(0)} s`);
  const servers: RunningServer[] = [];
  try {
    const minsheng = await startMinsheng(database.url, 'minsheng', cache?.off);
    servers.push(minsheng);
    const postgraphile = await startPostgraphile(database.url);
    servers.push(postgraphile);
    const cached = cache ? await startMinsheng(database.url, 'minsheng-cached', cache.on) : undefined;
    if (cached) servers.push(cached);
    const floor = only ? undefined : await startFloor(database.url);
    if (floor) servers.push(floor);

    const mix = queryMix(await resolveFixture(database.url, { minsheng: minsheng.url, postgraphile: postgraphile.url }));
    const checks: QueryCheck[] = [];
    for (const query of only ? [] : mix) {
      const check = await checkQuery(query, { minsheng, postgraphile, cached, floor });
      checks.push(check);
      for (const warning of check.warnings) say(`WARNING [${scale.name}] ${query.name}: ${warning}`);
    }

    const measurements: Measurement[] = [];
    for (const [index, query] of only ? [] : mix.entries()) {
      const runs = new Map<RunningServer, { loads: LoadResult[]; backgroundCpu: number }>();
      for (let round = 0; round < load.rounds; round++) {
        // Alternate who goes first, so neither server always runs on a warmer (or more fragmented) PostgreSQL.
        const order = (index + round) % 2 === 0 ? [minsheng, postgraphile, cached, floor] : [postgraphile, minsheng, cached, floor];
        for (const server of order) {
          if (!server) continue;
          const operation = server.name === 'postgraphile' ? query.postgraphile : query.minsheng;
          const backgroundCpu = await waitForQuietMachine(QUIET_CPU_PERCENT, QUIET_WAIT_SECONDS);
          const result = await measure(server.url, operation, load, () => readCpu(server.pid));
          const seen = runs.get(server) ?? { loads: [], backgroundCpu: 0 };
          runs.set(server, { loads: [...seen.loads, result], backgroundCpu: Math.max(seen.backgroundCpu, backgroundCpu) });
          say(
            `[${scale.name}] ${query.name} · ${server.name}${load.rounds > 1 ? ` (round ${round + 1})` : ''}: ${result.requestsPerSecond} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
              `${result.errors} errors, ${result.non2xx} non-2xx, CPU ms/request ${result.cpuMsPerRequest.server} + PostgreSQL ${result.cpuMsPerRequest.postgres} (other processes used ${backgroundCpu}% CPU before)`,
          );
        }
      }
      for (const [server, { loads, backgroundCpu }] of runs) {
        measurements.push({ query: query.name, server: server.name, load: medianOfRuns(loads), rounds: loads, rssMb: rssMegabytes(server), backgroundCpu });
      }
    }

    // Last, so its downloads leave no trace (a grown heap, a warmer PostgreSQL cache) in the query mix's numbers.
    const probe = mix.find((query) => query.name === PROBE_QUERY);
    if (!probe) throw new Error(`The query mix has no "${PROBE_QUERY}" query for the download scenario's probe`);
    let download: DownloadScenarioResult | undefined;
    if (only === undefined || only === 'downloads')
      try {
        download = await runDownloadScenario(minsheng, {
          runs: load.rounds,
          probe: { name: probe.name, operation: probe.minsheng },
          syntheticObservations: scale.observations,
          say: (line) => say(`[${scale.name}] ${line}`),
        });
      } catch (error) {
        say(`WARNING [${scale.name}] the download scenario failed: ${error instanceof Error ? error.stack : error}`);
      }
    // After the downloads, which count the figures: the writes change labels, never how many figures there are.
    let write: WriteScenarioResult | undefined;
    if (only === undefined || only === 'writes') {
      try {
        write = await runWriteScenario(minsheng, postgraphile, database.url, {
          mix: mix.map((query) => ({ name: query.name, minsheng: query.minsheng, postgraphile: query.postgraphile })),
          load,
          say: (line) => say(`[${scale.name}] ${line}`),
        });
      } catch (error) {
        say(`WARNING [${scale.name}] the write scenario failed: ${error instanceof Error ? error.stack : error}`);
      }
    }
    // Last of all: its revisions change a tenth of the figures' values, which every scenario above reads.
    let asOf: AsOfScenarioResult | undefined;
    if (only === undefined || only === 'as-of') {
      try {
        asOf = await runAsOfScenario(minsheng, database.url, { mix, load, say: (line) => say(`[${scale.name}] ${line}`) });
      } catch (error) {
        say(`WARNING [${scale.name}] the as-of scenario failed: ${error instanceof Error ? error.stack : error}`);
      }
    }
    let metrics: MetricsScrape | undefined;
    try {
      metrics = await scrapeMetrics(minsheng);
    } catch (error) {
      say(`WARNING [${scale.name}] /metrics could not be scraped: ${error instanceof Error ? error.message : error}`);
    }
    return { scale, fillSeconds: database.fillSeconds, checks, measurements, download, write, asOf, metrics };
  } finally {
    for (const server of servers) await stopServer(server);
    await dropBenchDatabase(serverUrl, database);
  }
}

async function main() {
  const { scales, load, cacheFlags, serverUrl, only, built } = parseArguments(process.argv.slice(2));
  if (built) {
    say('Building: npm run build…');
    const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error(`npm run build exited with ${build.status}`);
    runMinshengAs('serve');
  }
  const startup: StartupTimes[] = [];
  for (const script of built ? (['start', 'serve'] as const) : (['start'] as const)) {
    await waitForQuietMachine(QUIET_CPU_PERCENT, QUIET_WAIT_SECONDS);
    const times = await measureStartup(script);
    say(`start-up, npm ${script === 'start' ? 'start' : 'run serve'}: ${times.emptyMs} ms on an empty data directory, ${times.restartMs} ms again`);
    startup.push(times);
  }
  const cache = responseCacheEnvironments(cacheFlags.on, cacheFlags.off);
  const show = (env: Record<string, string>) =>
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || '(defaults)';
  say(
    cache
      ? `Response cache: uncached server with ${show(cache.off)}, cached server with ${show(cache.on)}`
      : 'Response cache: src/config.ts has no RESPONSE_CACHE* variable and no --cached-env was given: no cached rows.',
  );
  const startedAt = new Date().toISOString();
  const results: ScaleResult[] = [];
  for (const scale of scales) results.push(await benchScale(scale, serverUrl, load, cache, only));

  const result: BenchResult = {
    startedAt,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: { ...describeMachine(), postgres: await postgresVersion(serverUrl) },
    settings: load,
    cacheEnvironments: cache ?? null,
    postgraphileSettings: POSTGRAPHILE_SETTINGS,
    scales: results,
    startup,
    targets: judgeTargets(results, cache !== undefined),
  };
  const downloads = downloadTables(results);
  const sections = [
    `## Minsheng vs PostGraphile 4.14.1 — ${startedAt}`,
    `${result.machine.cpus} × ${result.machine.cpuModel}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}, PostgreSQL ${result.machine.postgres}; ` +
      `${load.connections} connections, ${load.seconds} s per query and server after ${load.warmupSeconds} s of warm-up` +
      `${load.rounds > 1 ? `, ${load.rounds} rounds (each figure the median of the rounds)` : ''}.`,
    ...results.map(scaleTable),
    ...(results.length >= 2 ? [growthTable(results[0]!, results[results.length - 1]!)] : []),
    ...(downloads ? [downloads] : []),
    ...results.flatMap((scale) => (scale.write ? [writeTable(scale.scale.name, scale.write)] : [])),
    ...results.flatMap((scale) => (scale.asOf ? [asOfTable(scale.scale.name, scale.asOf)] : [])),
    startupTable(startup),
    ...results.flatMap((scale) => (scale.metrics ? [metricsTable(scale.scale.name, scale.metrics)] : [])),
    targetList(result.targets),
  ];
  console.log(sections.join('\n\n'));
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  say(`\nJSON: ${writeJson(path.join(root, 'bench-results'), result)}`);
}

// Interrupted: stop the servers at once; the next run drops the half-used database (drop … if exists).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllServers();
    process.exit(130);
  });
}

main().catch((error) => {
  say(`The benchmark failed: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
});
