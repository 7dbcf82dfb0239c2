/**
 * npm run bench:soak [-- --seconds 300] [--connections 8]
 *
 * Memory under varied load: Minsheng (as `npm start` runs it) on a synthetic 10k database answers queries
 * whose texts almost never repeat (random page sizes, search words, aliases, field order, literal and
 * variable filters), from several connections, for a few minutes. Every answer is checked (200, data, no
 * errors). Every 10 s the server's RSS and what its per-text caches hold (/healthz) are printed; at the end,
 * the peak RSS and the growth over the second half of the run.
 */
import { createBenchDatabase, dropBenchDatabase } from './database.js';
import { rssMegabytes, startMinsheng, stopServer } from './servers.js';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const SECONDS = argument('seconds', 300);
const CONNECTIONS = argument('connections', 8);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const words = ['养老', '学校', '中心', '文化', '社区', '服务', 'school', 'centre', 'park', '合成'];
const categories = ['SCHOOL', 'MUSEUM', 'ELDERLY_CARE_HOME', 'ELDERLY_CARE_CENTER', 'ELDERLY_CANTEEN', 'LIBRARY'];
const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;
const int = (n: number) => 1 + Math.floor(Math.random() * n);
const shuffled = <T>(items: T[]) =>
  items
    .map((item) => [Math.random(), item] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, item]) => item);

/** A valid query whose text is almost surely new, with its variables. */
function variedQuery(): { query: string; variables?: Record<string, unknown> } {
  const alias = `a${int(1e6)}`;
  switch (int(5)) {
    case 1:
      return {
        query: `{ ${alias}: facilities(first: ${int(20)}, filter: { search: "${pick(words)}" }) { totalCount nodes { ${shuffled(['slug', 'name', 'category', 'status']).join(' ')} division { code } } } }`,
      };
    case 2:
      return {
        query: `query Q${int(1e6)}($f: FacilityFilter, $n: Int) { facilities(filter: $f, first: $n) { nodes { slug programs(first: ${int(5)}) { nodes { ${shuffled(['slug', 'kind', 'name']).join(' ')} } } } } }`,
        variables: { f: { or: [{ category: [pick(categories)] }, { search: pick(words) }] }, n: int(20) },
      };
    case 3:
      return {
        query: `{ ${alias}: observations(first: ${int(30)}, filter: { value: { gte: ${int(1000)} } }) { nodes { ${shuffled(['value', 'unit', 'qualifier', 'label']).join(' ')} period { start end } } } }`,
      };
    case 4:
      return {
        query: `{ search(query: "${pick(words)}", first: ${int(10)}) { totalCount nodes { __typename ... on Facility { slug } ... on Program { slug } } } }`,
      };
    default:
      return {
        query: `{ ${alias}: observationAggregate(groupBy: [${shuffled(['YEAR', 'UNIT', 'DOMAIN']).slice(0, int(3)).join(', ')}]) { count ${pick(['year', 'unit', 'domain'])} } }`,
      };
  }
}

async function main() {
  const database = await createBenchDatabase(serverUrl, { name: 'soak', facilities: 10_000, observations: 10_000 });
  const server = await startMinsheng(database.url, 'minsheng', { TRUST_PROXY: 'false' });
  const samples: { second: number; rss: number; caches: unknown }[] = [];
  let requests = 0;
  let failures = 0;
  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  const sample = async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as {
      caches: Record<string, { entries: number; bytes: number } | undefined>;
      memory: Record<string, number>;
    };
    const caches = Object.fromEntries(
      Object.entries(health.caches).map(([name, size]) => [name, size ? `${size.entries}/${(size.bytes / 2 ** 20).toFixed(1)}MB` : '-']),
    );
    samples.push({ second: Math.round((Date.now() - started) / 1000), rss: rssMegabytes(server), caches });
    const heap = `heap ${(health.memory.heapUsed! / 2 ** 20).toFixed(0)}/${(health.memory.heapTotal! / 2 ** 20).toFixed(0)} MB, external ${(health.memory.external! / 2 ** 20).toFixed(0)} MB`;
    console.log(
      `${String(samples.at(-1)!.second).padStart(4)} s  ${String(requests).padStart(7)} requests  RSS ${samples.at(-1)!.rss} MB  ${heap}  ${JSON.stringify(caches)}`,
    );
  };
  const sampler = setInterval(() => void sample(), 10_000);
  await sample();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < deadline) {
        const body = variedQuery();
        const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const answer = (await response.json()) as { data?: unknown; errors?: unknown };
        requests += 1;
        if (response.status !== 200 || !answer.data || answer.errors) {
          failures += 1;
          if (failures <= 5) console.error(`unexpected answer ${response.status}: ${JSON.stringify(answer).slice(0, 300)} for ${body.query}`);
        }
      }
    }),
  );
  clearInterval(sampler);
  await sample();
  await stopServer(server);
  await dropBenchDatabase(serverUrl, database);
  const half = samples.filter((s) => s.second >= SECONDS / 2);
  const peak = Math.max(...samples.map((s) => s.rss));
  console.log(
    `\n${requests} requests in ${SECONDS} s (${failures} unexpected answers); RSS peak ${peak} MB; second half ${half[0]?.rss} → ${half.at(-1)?.rss} MB`,
  );
  process.exitCode = failures > 0 ? 1 : 0;
}

await main();
