import { sql } from 'drizzle-orm';
import type { Database } from '../../db/connection.js';
import type { Language } from '../../graphql/language.js';
import { rootPageQuery, type ListQuery } from '../../graphql/relay/keyset.js';
import { EVERY_ROW } from './rowBatches.js';
import type { DownloadTable } from './tables.js';

/**
 * A CSV download's records written by PostgreSQL itself (COPY … TO STDOUT), where the database can: no
 * value is parsed into JavaScript and formatted again, which is most of a streamed row's cost. Each column
 * is its reader's SQL form (tables.ts), so the file says what the JavaScript path would: the same header,
 * values and order. Undefined on PGlite, or when the filter's values cannot be written into the statement.
 * `signal` (the client gone) cancels the statement, even while PostgreSQL is still sorting.
 */
export function csvByPostgres(db: Database, table: DownloadTable, list: ListQuery, language: Language, signal: AbortSignal): AsyncIterable<Buffer> | undefined {
  if (!db.copyCsv) return undefined;
  // The list's statement, sorted and limited, is a subquery: selecting from it keeps its order.
  const rows = rootPageQuery({ ...list, cursors: false }, EVERY_ROW);
  const column = (property: string) => sql.raw(`"q"."${property.replace(/"/g, '""')}"`);
  const cells = table.columns.map((entry) => entry.read.inSql(language, column));
  const chunks = db.copyCsv(sql`select ${sql.join(cells, sql`, `)} from (${rows}) as "q"`, signal);
  return chunks && withCrlfRecordEnds(chunks);
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/**
 * RFC 4180 ends records with CRLF; PostgreSQL's CSV with LF. A line break inside a quoted value is part
 * of the value and stays as it is, so the quotes are followed across chunks (a doubled quote leaves and
 * re-enters a quoted value, which comes to the same).
 */
export async function* withCrlfRecordEnds(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let quoted = false;
  for await (const chunk of chunks) {
    const recordEnds: number[] = [];
    let at = 0;
    let nextQuote = -2; // not looked for yet
    let nextLineFeed = -2;
    while (at < chunk.length) {
      if (quoted) {
        const closing = chunk.indexOf(QUOTE, at);
        if (closing < 0) break;
        quoted = false;
        at = closing + 1;
        continue;
      }
      if (nextQuote !== -1 && nextQuote < at) nextQuote = chunk.indexOf(QUOTE, at);
      if (nextLineFeed !== -1 && nextLineFeed < at) nextLineFeed = chunk.indexOf(LF, at);
      if (nextLineFeed >= 0 && (nextQuote < 0 || nextLineFeed < nextQuote)) {
        recordEnds.push(nextLineFeed);
        at = nextLineFeed + 1;
      } else if (nextQuote >= 0) {
        quoted = true;
        at = nextQuote + 1;
      } else break;
    }
    yield insertCarriageReturns(chunk, recordEnds);
  }
}

function insertCarriageReturns(chunk: Buffer, lineFeeds: number[]): Buffer {
  if (lineFeeds.length === 0) return chunk;
  const out = Buffer.allocUnsafe(chunk.length + lineFeeds.length);
  let from = 0;
  let to = 0;
  for (const lineFeed of lineFeeds) {
    to += chunk.copy(out, to, from, lineFeed);
    out[to++] = CR;
    out[to++] = LF;
    from = lineFeed + 1;
  }
  chunk.copy(out, to, from);
  return out;
}
