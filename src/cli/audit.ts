import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import type { Database } from '../db/connection.js';
import { migrate } from '../db/migrate.js';
import { openDatabaseForCommand } from '../db/open.js';
import { auditOperations, auditOutcomeDescriptions, MAX_AUDIT_PAGE, readAuditLog, type AuditLogEntry, type AuditLogFilter } from '../writes/auditLog.js';

/**
 * `npm run audit -- --since 2026-01-01 [--until 2026-01-31] [--kind facilities] [--key <key>] [--operation publish]
 * [--outcome refused] [--limit 100]`: the audit log's entries in a range, oldest first, one aligned line each.
 */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 100_000;

const usage = `usage:
  npm run audit -- [--since <time>] [--until <time>] [--kind <seed kind>] [--key <natural key>]
                   [--operation ${Object.keys(auditOperations).join('|')}] [--outcome ${Object.keys(auditOutcomeDescriptions).join('|')}] [--limit <n>]
      A time is a day (2026-01-01, UTC; --until includes that day) or an instant with its zone (2026-01-01T08:00+08:00).
      Entries are printed oldest first, at most --limit of them (default ${DEFAULT_LIMIT}).`;

export interface AuditOutput {
  /** One line of the listing. */
  out(line: string): void;
  /** Mistakes, usage and notes about the listing (that more entries follow). */
  err(line: string): void;
}

interface AuditOptions {
  filter: AuditLogFilter;
  limit: number;
}

/** Runs the command: the exit code (0, 1 when the database fails, 2 for a mistake in the arguments). */
export async function auditCommand(args: readonly string[], open: () => Promise<Database>, output: AuditOutput): Promise<number> {
  const options = parseOptions(args);
  if (typeof options === 'string') {
    output.err(`${options}\n${usage}`);
    return 2;
  }
  let db: Database | undefined;
  try {
    db = await open();
    const { entries, more } = await readRange(db, options);
    if (entries.length === 0) output.err('No audit log entries match.');
    for (const line of alignedLines(entries)) output.out(line);
    if (more) output.err(`Only the first ${options.limit} entries are shown: narrow the range, or raise --limit.`);
    return 0;
  } catch (error) {
    output.err((error as Error).message);
    return 1;
  } finally {
    await db?.close();
  }
}

/** The options, or what is wrong with them. */
function parseOptions(args: readonly string[]): AuditOptions | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        kind: { type: 'string' },
        key: { type: 'string' },
        operation: { type: 'string' },
        outcome: { type: 'string' },
        limit: { type: 'string' },
      },
    }));
  } catch (error) {
    return (error as Error).message;
  }
  const since = values.since === undefined ? undefined : timeOf('--since', values.since, 'start');
  if (typeof since === 'string') return since;
  const until = values.until === undefined ? undefined : timeOf('--until', values.until, 'end');
  if (typeof until === 'string') return until;
  if (since && until && since > until) return `--since ${values.since} is after --until ${values.until}: give the earlier time as --since.`;
  const { operation, outcome } = values;
  if (operation !== undefined && !Object.hasOwn(auditOperations, operation)) return `--operation ${operation}: use ${Object.keys(auditOperations).join(', ')}.`;
  if (outcome !== undefined && !Object.hasOwn(auditOutcomeDescriptions, outcome)) {
    return `--outcome ${outcome}: use ${Object.keys(auditOutcomeDescriptions).join(', ')}.`;
  }
  const limit = values.limit === undefined ? DEFAULT_LIMIT : Number(values.limit);
  if (!/^\d+$/.test(values.limit ?? '1') || limit < 1 || limit > MAX_LIMIT) return `--limit ${values.limit}: give a whole number from 1 to ${MAX_LIMIT}.`;
  return {
    filter: {
      since,
      until,
      kind: values.kind,
      key: values.key,
      operation: operation as AuditLogFilter['operation'],
      outcome: outcome as AuditLogFilter['outcome'],
    },
    limit,
  };
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A day (UTC; as an --until, the whole day is included) or an instant with its zone; else what is wrong.
 * JavaScript's Date would take 2026-02-30 as 2 March, so the day is checked to exist.
 */
function timeOf(option: string, text: string, edge: 'start' | 'end'): Date | string {
  const wrong = `${option} ${text} is not a time: give a day (2026-01-01) or an instant with its zone (2026-01-01T08:00:00+08:00).`;
  const match = DAY.exec(text) ?? INSTANT.exec(text);
  if (!match) return wrong;
  const [year, month, day] = match.slice(1, 4).map(Number) as [number, number, number];
  const dayStart = new Date(Date.UTC(year, month - 1, day));
  if (dayStart.getUTCFullYear() !== year || dayStart.getUTCMonth() !== month - 1 || dayStart.getUTCDate() !== day) return wrong;
  if (DAY.test(text)) return edge === 'start' ? dayStart : new Date(dayStart.getTime() + 24 * 60 * 60 * 1000);
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? wrong : instant;
}

/** The first `limit` entries of the range, oldest first, read in pages; whether more follow. */
async function readRange(db: Database, { filter, limit }: AuditOptions): Promise<{ entries: AuditLogEntry[]; more: boolean }> {
  const entries: AuditLogEntry[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await readAuditLog(db, filter, { size: Math.min(MAX_AUDIT_PAGE, limit - entries.length), after, order: 'oldest' });
    entries.push(...page.entries);
    if (!page.hasNextPage) return { entries, more: false };
    if (entries.length >= limit) return { entries, more: true };
    after = page.endCursor;
  }
}

/** One line per entry, its columns padded to the widest (a CJK character is two columns wide in a terminal). */
function alignedLines(entries: readonly AuditLogEntry[]): string[] {
  const rows = entries.map((entry) => [
    entry.at.toISOString(),
    entry.principal,
    entry.operation,
    entry.outcome,
    entry.kind === null ? '-' : `${entry.kind}/${entry.key ?? '-'}`,
    entry.revision === null ? '-' : `r${entry.revision}`,
    entry.detail?.replace(/\s+/g, ' ') ?? '',
  ]);
  const widths = rows.reduce<number[]>((widest, row) => row.map((cell, at) => Math.max(widest[at] ?? 0, displayWidth(cell))), []);
  return rows.map((row) =>
    row
      .map((cell, at) => (at === row.length - 1 ? cell : cell + ' '.repeat(widths[at]! - displayWidth(cell))))
      .join('  ')
      .trimEnd(),
  );
}

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/gu;

function displayWidth(text: string): number {
  return [...text].length + (text.match(WIDE)?.length ?? 0);
}

/** Run as a command (not imported by a test). */
function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  process.exitCode = await auditCommand(
    process.argv.slice(2),
    async () => {
      // PGlite is one process's database: the log of a running server is read through its API instead.
      const database = await openDatabaseForCommand(
        loadConfig(),
        (inUse) =>
          `The audit log cannot be read here while process ${inUse.holderPid} (a running server, or another command) holds the embedded database in ${inUse.dataDir}: ` +
          `ask the server (\`{ auditLog { entries { at principal operation outcome } } }\` with an admin key), or stop it and run this again; on PostgreSQL (DATABASE_URL) this command runs beside the server.`,
      );
      try {
        await migrate(database);
      } catch (error) {
        await database.close();
        throw error;
      }
      return database;
    },
    { out: (line) => console.log(line), err: (line) => console.error(line) },
  );
}
