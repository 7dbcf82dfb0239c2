/**
 * Before timing: one probe request per query and server, one at a time. It checks that both servers
 * answer without errors and return the same items, and counts the SQL statements a request issues
 * (Minsheng's x-sql-statements header; PostGraphile's counter in postgraphileServer.cjs), at the mix's
 * page size and at a smaller one, since the count must not depend on the page size.
 */
import { problemOf, sendGraphQL, type GraphQLReply } from './client.js';
import type { BenchQuery, Operation } from './queries.js';
import type { RunningServer } from './servers.js';

const SMALL_PAGE = 5;

export interface QueryCheck {
  query: string;
  items: { minsheng: number; postgraphile: number };
  same: boolean;
  /** Whether the floor gave Minsheng's items (null: no floor ran). */
  floorSame: boolean | null;
  /** SQL statements per request at the mix's page size and at SMALL_PAGE. */
  statements: {
    /** The target, at most: 1 + one per nested list level. */
    expected: number;
    minsheng: number | null;
    minshengSmallPage: number | null;
    postgraphile: number | null;
    postgraphileSmallPage: number | null;
    /** A repeated request on the cached server: 0 when the response cache answered. */
    minshengCachedRepeat: number | null;
  };
  warnings: string[];
}

function withPage(operation: Operation, variable: string | undefined): Operation {
  return variable ? { ...operation, variables: { ...operation.variables, [variable]: SMALL_PAGE } } : operation;
}

async function minshengProbe(server: RunningServer, operation: Operation): Promise<{ reply: GraphQLReply; statements: number | null }> {
  const reply = await sendGraphQL(server.url, operation);
  const header = reply.headers.get('x-sql-statements');
  return { reply, statements: header === null ? null : Number(header) };
}

async function postgraphileProbe(server: RunningServer, operation: Operation): Promise<{ reply: GraphQLReply; statements: number | null }> {
  const counter = async () => Number(await (await fetch(`${server.url}/__bench/sql-statements`)).text());
  const before = await counter();
  const reply = await sendGraphQL(server.url, operation);
  return { reply, statements: (await counter()) - before };
}

function compare(query: BenchQuery, minsheng: string[], other: string[], otherName = 'PostGraphile'): string | undefined {
  if (minsheng.length !== other.length) return `${minsheng.length} items from Minsheng, ${other.length} from ${otherName}`;
  const [a, b] = query.ordered ? [minsheng, other] : [[...minsheng].sort(), [...other].sort()];
  const at = a.findIndex((item, i) => item !== b[i]);
  return at < 0 ? undefined : `item ${at} differs: Minsheng ${a[at]}, ${otherName} ${b[at]}`;
}

export async function checkQuery(
  query: BenchQuery,
  servers: { minsheng: RunningServer; postgraphile: RunningServer; cached?: RunningServer; floor?: RunningServer },
): Promise<QueryCheck> {
  const warnings: string[] = [];
  const m = await minshengProbe(servers.minsheng, query.minsheng);
  const mSmall = await minshengProbe(servers.minsheng, withPage(query.minsheng, query.pageVariable));
  const p = await postgraphileProbe(servers.postgraphile, query.postgraphile);
  const pSmall = await postgraphileProbe(servers.postgraphile, withPage(query.postgraphile, query.pageVariable));
  let cachedRepeat: number | null = null;
  if (servers.cached) {
    await minshengProbe(servers.cached, query.minsheng);
    const repeat = await minshengProbe(servers.cached, query.minsheng);
    cachedRepeat = repeat.statements;
    const problem = problemOf(repeat.reply);
    if (problem) warnings.push(`Minsheng (cached) answered with an error: ${problem}`);
  }

  const mProblem = problemOf(m.reply);
  const pProblem = problemOf(p.reply);
  if (mProblem) warnings.push(`Minsheng answered with an error: ${mProblem}`);
  if (pProblem) warnings.push(`PostGraphile answered with an error: ${pProblem}`);
  let items = { minsheng: 0, postgraphile: 0 };
  let same = false;
  let floorSame: boolean | null = null;
  if (!mProblem && !pProblem) {
    const mItems = query.items.minsheng(m.reply.data);
    const pItems = query.items.postgraphile(p.reply.data);
    items = { minsheng: mItems.length, postgraphile: pItems.length };
    const difference = compare(query, mItems, pItems);
    if (difference) warnings.push(`not the same rows: ${difference}`);
    if (mItems.length === 0) warnings.push('no items: the query measures an empty page');
    same = !difference;
    if (servers.floor) {
      // The floor answers Minsheng's documents: its items are read as Minsheng's.
      const f = await sendGraphQL(servers.floor.url, query.minsheng);
      const fProblem = problemOf(f);
      const fDifference = fProblem ? `it answered with an error: ${fProblem}` : compare(query, mItems, query.items.minsheng(f.data), 'the floor');
      if (fDifference) warnings.push(`the floor is not the same answer: ${fDifference}`);
      floorSame = !fDifference;
    }
  }
  return {
    query: query.name,
    items,
    same,
    floorSame,
    warnings,
    statements: {
      expected: query.expectedStatements,
      minsheng: m.statements,
      minshengSmallPage: mSmall.statements,
      postgraphile: p.statements,
      postgraphileSmallPage: pSmall.statements,
      minshengCachedRepeat: cachedRepeat,
    },
  };
}
