/**
 * npx tsx tests/bench/download.ts [--url http://127.0.0.1:4000] [--path /v1/data/observations.csv] [--runs 3]
 *
 * How fast a bulk download streams, and whether the server's memory stays flat while it does: downloads the
 * file --runs times from a running server, reading it as fast as the socket allows, and reports rows a
 * second (rows from the x-row-count header, checked against the records counted in the body) and the
 * server's RSS from /healthz before, at its highest during (sampled every 100 ms) and after each run. Give
 * an API key in MINSHENG_API_KEY when the download is larger than the anonymous budget.
 * Targets for 1M observations: at least 100,000 rows/s, RSS growth at most 50 MB.
 */
import { Parser } from 'csv-parse';

const argument = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1]! : fallback;
};
const BASE = argument('url', 'http://127.0.0.1:4000').replace(/\/$/, '');
const PATH = argument('path', '/v1/data/observations.csv');
const RUNS = Number(argument('runs', '3'));
const headers: Record<string, string> = process.env.MINSHENG_API_KEY ? { authorization: `Bearer ${process.env.MINSHENG_API_KEY}` } : {};

async function rssMegabytes(): Promise<number> {
  const health = (await (await fetch(`${BASE}/healthz`)).json()) as { memory: { rss: number } };
  return health.memory.rss / 2 ** 20;
}

async function run(index: number) {
  const before = await rssMegabytes();
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await rssMegabytes());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const started = performance.now();
  const response = await fetch(`${BASE}${PATH}`, { headers });
  if (response.status !== 200) throw new Error(`${PATH}: ${response.status} ${await response.text()}`);
  const announced = Number(response.headers.get('x-row-count'));
  // Records are counted by a real CSV parser (quoted line breaks are not records), header excluded.
  let records = -1;
  let bytes = 0;
  const parser = new Parser({ bom: true });
  parser.on('readable', () => {
    while (parser.read() !== null) records += 1;
  });
  const parsed = new Promise((resolve, reject) => parser.on('end', resolve).on('error', reject));
  for await (const chunk of response.body!) {
    bytes += chunk.byteLength;
    if (!parser.write(chunk)) await new Promise((resolve) => parser.once('drain', resolve));
  }
  parser.end();
  await parsed;
  const seconds = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;
  const after = await rssMegabytes();
  if (records !== announced) throw new Error(`x-row-count says ${announced} rows, the body holds ${records}`);
  console.log(
    `run ${index}: ${records.toLocaleString('en')} rows, ${(bytes / 2 ** 20).toFixed(1)} MB in ${seconds.toFixed(2)} s = ` +
      `${Math.round(records / seconds).toLocaleString('en')} rows/s; server RSS ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB at most ` +
      `(+${(peak - before).toFixed(0)} MB), ${after.toFixed(0)} MB after`,
  );
  return { rowsPerSecond: records / seconds, growth: peak - before };
}

const results = [];
for (let i = 1; i <= RUNS; i++) results.push(await run(i));
const best = Math.max(...results.map((r) => r.rowsPerSecond));
const growth = Math.max(...results.map((r) => r.growth));
console.log(`best ${Math.round(best).toLocaleString('en')} rows/s; largest RSS growth ${growth.toFixed(0)} MB`);
