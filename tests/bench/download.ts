/**
 * npx tsx tests/bench/download.ts [--url http://127.0.0.1:4000] [--path /v1/data/observations.csv] [--runs 3]
 *
 * The benchmark's bulk-download measurement (downloadScenario.ts) against a server that is already running:
 * downloads the file --runs times, reading it as fast as the socket allows, and reports rows a second and
 * the server's RSS from /healthz before, at its highest during (sampled every 100 ms) and after each run.
 * Each body is checked against its x-row-count header. Give an API key in MINSHENG_API_KEY when the download
 * is larger than the anonymous budget. Exits 1 when a body does not check out.
 * Targets for 1M observations: at least 100,000 rows/s, RSS growth at most 50 MB (`npm run bench` judges them).
 */
import { describeRun, measureDownload, OBSERVATIONS_CSV, type DownloadRun } from './downloadScenario.js';

const argument = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1]! : fallback;
};
const url = argument('url', 'http://127.0.0.1:4000').replace(/\/$/, '');
const path = argument('path', OBSERVATIONS_CSV);
const runs = Number(argument('runs', '3'));
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number of at least 1; got ${argument('runs', '')}`);
const headers: Record<string, string> = process.env.MINSHENG_API_KEY ? { authorization: `Bearer ${process.env.MINSHENG_API_KEY}` } : {};

// The server may be anywhere (not a child of this process): its own report of its memory.
async function rssMb(): Promise<number> {
  const health = (await (await fetch(`${url}/healthz`)).json()) as { memory: { rss: number } };
  return health.memory.rss / 2 ** 20;
}

const results: DownloadRun[] = [];
for (let i = 1; i <= runs; i++) {
  const run = await measureDownload({ url, path, headers, rssMb });
  console.log(`run ${i}: ${describeRun(run)}`);
  results.push(run);
}
const best = Math.max(...results.map((run) => run.rowsPerSecond));
const growth = Math.max(...results.map((run) => run.rssMb.peak - run.rssMb.before));
console.log(`best ${best.toLocaleString('en')} rows/s; largest RSS growth ${growth.toFixed(1)} MB`);
if (results.some((run) => run.problems.length > 0)) process.exitCode = 1;
