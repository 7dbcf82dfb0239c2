/**
 * The floor (issue 15): what this machine can do for each query of the mix with no GraphQL at all. Plain
 * node:http and postgres.js; for each query, one hand-written statement builds the whole answer's JSON in
 * PostgreSQL and the server writes it out as it comes. It uses the schema's own indexes, as Minsheng does, and
 * answers exactly the mix's Minsheng documents (queries.ts) with the same `data`, which check.ts compares item by
 * item with Minsheng's; anything else is a 400. Started by servers.ts like the other servers.
 *
 * The floor does none of what a GraphQL server must (parse, validate, limit, price, authorise, resolve) nor what
 * Minsheng adds (extensions, rate-limit headers, honest-statistics checks): the ratio of a server to it is how far
 * that server is from the limit, not a comparison of equals.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import postgres from 'postgres';
import { queryMix } from './queries.js';

const sql = postgres(process.env.DATABASE_URL!, { max: Number(process.env.DB_POOL_SIZE ?? 10), onnotice: () => {} });

type Variables = Record<string, unknown>;
/** A statement's text and how its parameters come from the request's variables. */
interface Answer {
  text: string;
  parameters: (variables: Variables) => (string | number)[];
}

/** The answer's text: `{"data": …}` built from the rows of `from`. */
const data = (inner: string, from = '') => `select json_build_object('data', ${inner})::text as "body" ${from}`;
const nodesOf = (item: string, order: string) => `coalesce(json_agg(${item} order by ${order}), '[]'::json)`;

const pageSize = (variables: Variables) => Number(variables.n);

/**
 * The deep page's cursor is Minsheng's (relay/cursor.ts): base64url JSON of [ordering, period end, id]. The
 * floor reads the two values and writes the next cursor the same way, from the page's last row.
 */
function cursorValues(cursor: unknown): [string, string, string] {
  const decoded = JSON.parse(Buffer.from(String(cursor), 'base64url').toString('utf8')) as unknown;
  if (!Array.isArray(decoded) || decoded.length !== 3 || !decoded.every((value) => typeof value === 'string')) throw new Error('not a cursor of the deep page');
  return decoded as [string, string, string];
}

const answers: Record<string, Answer> = {
  'filtered list': {
    text: data(
      `json_build_object('facilities', json_build_object('nodes', ${nodesOf(
        `json_build_object('slug', f.slug, 'name', f.name_zh, 'category', upper(f.category), 'status', upper(f.status))`,
        `f.name_zh collate "C", f.id`,
      )}))`,
      `from (select id, slug, name_zh, category, status from facilities
        where category = 'museum' and status = 'open' and retired_at is null order by name_zh collate "C", id limit $1) f`,
    ),
    parameters: (variables) => [pageSize(variables)],
  },
  'nested 3 levels': {
    text: data(
      `json_build_object('programs', json_build_object('nodes', ${nodesOf(
        `json_build_object('slug', p.slug, 'facilities', json_build_object('edges', (
        select ${nodesOf(
          `json_build_object('role', upper(pf.role), 'node', json_build_object('slug', pf.slug, 'programs', json_build_object('nodes', (
            select ${nodesOf(`json_build_object('slug', q.slug)`, `q.slug collate "C", q.id`)}
            from (select q.id, q.slug from program_facilities qf join programs q on q.id = qf.program_id and q.retired_at is null
              where qf.facility_id = pf.id order by q.slug collate "C", q.id limit $1) q))))`,
          `pf.slug collate "C", pf.id`,
        )}
        from (select f.id, f.slug, link.role from program_facilities link join facilities f on f.id = link.facility_id and f.retired_at is null
          where link.program_id = p.id order by f.slug collate "C", f.id limit $1) pf)))`,
        `p.slug collate "C" desc, p.id desc`,
      )}))`,
      `from (select id, slug from programs where retired_at is null order by slug collate "C" desc, id desc limit $1) p`,
    ),
    parameters: (variables) => [pageSize(variables)],
  },
  'time series': {
    text: data(`json_build_object('indicator', (select json_build_object('code', i.code, 'observations', json_build_object('nodes', (
        select ${nodesOf(`json_build_object('key', o.key, 'value', o.value, 'period', json_build_object('start', o.period_start, 'end', o.period_end))`, 'o.period_end, o.id')}
        from (select id, key, value, period_start, period_end from observations where indicator_id = i.id and retired_at is null
          order by period_end, id limit $2) o)))
      from indicators i where i.code = $1 and i.retired_at is null))`),
    parameters: (variables) => [String(variables.code), pageSize(variables)],
  },
  search: {
    // Minsheng's own search (domains/search/match.ts): the bigram index finds candidates, ILIKE confirms them.
    text: data(
      `json_build_object('facilities', json_build_object('nodes', ${nodesOf(`json_build_object('slug', f.slug, 'name', f.name_zh)`, `f.slug collate "C", f.id`)}))`,
      `from (select id, slug, name_zh from facilities where retired_at is null and search_bigrams @> minsheng_bigrams($1)
          and (name_zh ilike $2 or name_en ilike $2 or description_zh ilike $2 or description_en ilike $2)
        order by slug collate "C", id limit $3) f`,
    ),
    parameters: (variables) => [String(variables.q), `%${String(variables.q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`, pageSize(variables)],
  },
  aggregate: {
    // The same rollup Minsheng reads (drizzle/0008–0015), without the checks that keep its sums honest.
    text: data(
      `json_build_object('observationAggregate', ${nodesOf(
        `json_build_object('year', g.year, 'division', case when d.id is null then null else json_build_object('code', d.code) end,
        'count', g.count, 'sum', g.sum, 'avg', g.sum / nullif(g.count, 0), 'min', g.min, 'max', g.max)`,
        'g.year, g.division_id',
      )})`,
      `from (select year, division_id, sum(count)::int as count, sum(sum) as sum, min(min) as min, max(max) as max
        from observation_yearly_totals where indicator_id = (select id from indicators where code = $1) group by year, division_id) g
      left join divisions d on d.id = g.division_id and d.retired_at is null`,
    ),
    parameters: (variables) => [String(variables.code)],
  },
  'deep page': {
    // The end cursor as Minsheng writes it (relay/cursor.ts, opaqueText.ts): base64url, unpadded, of the JSON text.
    text: `with o as (select id, key, value, period_end from observations where retired_at is null and (period_end, id) > ($1::date, $2::int)
        order by period_end, id limit $3)
      ${data(`json_build_object('observations', json_build_object(
        'nodes', (select ${nodesOf(`json_build_object('key', o.key, 'value', o.value, 'period', json_build_object('end', o.period_end))`, 'o.period_end, o.id')} from o),
        'pageInfo', json_build_object('endCursor', (select replace(translate(rtrim(encode(convert_to(
            '["' || $4::text || '","' || o.period_end::text || '","' || o.id::text || '"]', 'UTF8'), 'base64'), '='), '+/', '-_'), E'\n', '')
          from o order by o.period_end desc, o.id desc limit 1))))`)}`,
    parameters: (variables) => {
      const [ordering, periodEnd, id] = cursorValues(variables.after);
      return [periodEnd, Number(id), pageSize(variables), ordering];
    },
  },
};

// The mix's documents by their text; the fixture's values travel as variables, so any fixture gives the same texts.
const byDocument = new Map(
  queryMix({ indicatorCode: '', deepCursor: { minsheng: '', postgraphile: '' } }).map((query) => [query.minsheng.query, answers[query.name]!]),
);

function refuse(response: ServerResponse, message: string): void {
  response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message }] }));
}

async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const { query, variables } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables?: Variables };
  if (query === '{ __typename }') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"__typename":"Query"}}');
    return;
  }
  const found = byDocument.get(query);
  if (!found) return refuse(response, 'The floor answers the documents of the benchmark only.');
  const [row] = await sql.unsafe<{ body: string }[]>(found.text, found.parameters(variables ?? {}));
  response.writeHead(200, { 'content-type': 'application/json' }).end(row!.body);
}

createServer((request, response) => {
  answer(request, response).catch((error: unknown) => refuse(response, error instanceof Error ? error.message : String(error)));
}).listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
