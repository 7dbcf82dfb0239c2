/**
 * `npm run bench:hit-ratio -- --database-url postgres://…/db`: what share of a realistic mix of public reads
 * a cache keyed like the API's ETags answers (the response cache of one instance here; a CDN honouring the
 * ETags and `Cache-Control: public` keys the same way), between two publishes. The mix is made up, since no
 * real traffic exists yet: GETs whose arguments are drawn with Zipf popularity (exponent --zipf, 1 by
 * default) over the database's own facilities, divisions, indicators and search terms. Every answer's body
 * is checked. Prints the hit ratio after each checkpoint of requests; never part of the test suite.
 */
import postgres from 'postgres';
import { startMinsheng, stopServer, killAllServers } from './servers.js';

const CONCURRENCY = 8;
const CHECKPOINTS = [1000, 5000, 10_000, 20_000, 40_000];

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1]!;
}

/** Draws an index in [0, n) with probability ∝ 1 / (rank + 1)^s. */
function zipf(n: number, s: number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) cumulative[rank] = total += 1 / (rank + 1) ** s;
  return () => {
    const target = Math.random() * total;
    let [low, high] = [0, n - 1];
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

interface Request {
  kind: string;
  query: string;
  variables: Record<string, unknown>;
  check: (data: any) => boolean;
}

async function main() {
  const url = argument('--database-url', process.env.DATABASE_URL ?? '');
  if (!url) throw new Error('Give the database: --database-url postgres://…/db');
  const exponent = Number(argument('--zipf', '1'));
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  // Popularity follows a shuffled order, so popular facilities are not all synthetic neighbours.
  const slugs = (await sql<{ slug: string }[]>`select slug from facilities where retired_at is null order by md5(slug)`).map((row) => row.slug);
  const divisions = (await sql<{ code: string }[]>`select code from divisions order by md5(code)`).map((row) => row.code);
  const indicators = (await sql<{ code: string }[]>`select code from indicators order by md5(code)`).map((row) => row.code);
  const terms = [
    ...new Set((await sql<{ term: string }[]>`select substr(name_zh, 1, 2) as term from facilities order by md5(slug) limit 2000`).map((row) => row.term)),
  ];
  await sql.end();
  const draw = {
    slug: zipf(slugs.length, exponent),
    division: zipf(divisions.length, exponent),
    indicator: zipf(indicators.length, exponent),
    term: zipf(terms.length, exponent),
  };
  const mix: [number, () => Request][] = [
    [
      0.4,
      () => {
        const slug = slugs[draw.slug()]!;
        return {
          kind: 'facility page',
          query: 'query ($slug: String!) { facility(slug: $slug) { slug name(lang: ZH) programs(first: 10) { nodes { slug } } } }',
          variables: { slug },
          check: (d) => d.facility?.slug === slug,
        };
      },
    ],
    [
      0.2,
      () => ({
        kind: 'facilities of a division',
        query:
          'query ($code: String!) { facilities(filter: { divisionCode: [$code] }, orderBy: [{ field: NAME }], first: 20) { totalCount nodes { slug name(lang: ZH) } } }',
        variables: { code: divisions[draw.division()]! },
        check: (d) => Array.isArray(d.facilities?.nodes),
      }),
    ],
    [
      0.2,
      () => ({
        kind: 'time series',
        query: 'query ($code: String!) { indicator(code: $code) { code observations(orderBy: [{ field: PERIOD_END }], first: 100) { nodes { key value } } } }',
        variables: { code: indicators[draw.indicator()]! },
        check: (d) => Array.isArray(d.indicator?.observations?.nodes),
      }),
    ],
    [
      0.2,
      () => ({
        kind: 'search',
        query: 'query ($q: String!) { facilities(filter: { search: $q }, orderBy: [{ field: SLUG }], first: 20) { nodes { slug name(lang: ZH) } } }',
        variables: { q: terms[draw.term()]! },
        check: (d) => Array.isArray(d.facilities?.nodes),
      }),
    ],
  ];
  const next = (): Request => {
    let roll = Math.random();
    for (const [share, make] of mix) if ((roll -= share) < 0) return make();
    return mix[0]![1]();
  };

  const server = await startMinsheng(url, 'minsheng-cached');
  try {
    const counts = new Map<string, { hits: number; all: number }>();
    let [sent, done, hits, failures] = [0, 0, 0, 0];
    const lines: string[] = [];
    const last = CHECKPOINTS.at(-1)!;
    const client = async () => {
      while (sent < last) {
        sent += 1;
        const request = next();
        const target = new URL('/graphql', server.url);
        target.searchParams.set('query', request.query);
        target.searchParams.set('variables', JSON.stringify(request.variables));
        const response = await fetch(target, { headers: { accept: 'application/json' } });
        const body = (await response.json()) as { data?: unknown; errors?: unknown };
        if (response.status !== 200 || body.errors || !request.check(body.data)) {
          failures += 1;
          done += 1;
          continue;
        }
        done += 1;
        const hit = response.headers.get('x-cache') === 'hit';
        hits += hit ? 1 : 0;
        const kind = counts.get(request.kind) ?? { hits: 0, all: 0 };
        counts.set(request.kind, { hits: kind.hits + (hit ? 1 : 0), all: kind.all + 1 });
        if (CHECKPOINTS.includes(done)) lines.push(`| ${done} | ${((hits / done) * 100).toFixed(1)} % |`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, client));
    console.log(
      `Zipf exponent ${exponent}; ${slugs.length} facilities, ${divisions.length} divisions, ${indicators.length} indicators, ${terms.length} search terms; ${failures} failed answers\n`,
    );
    console.log(['| requests since the last publish | hit ratio |', '|---:|---:|', ...lines].join('\n'));
    console.log(['\n| request | share of the mix | hit ratio over all requests |', '|---|---:|---:|'].join('\n'));
    for (const [share, make] of mix) {
      const kind = make().kind;
      const count = counts.get(kind)!;
      console.log(`| ${kind} | ${Math.round(share * 100)} % | ${((count.hits / count.all) * 100).toFixed(1)} % |`);
    }
    if (failures > 0) process.exitCode = 1;
  } finally {
    await stopServer(server);
  }
}

main().catch((error: Error) => {
  killAllServers();
  console.error(error.stack ?? error.message);
  process.exit(1);
});
