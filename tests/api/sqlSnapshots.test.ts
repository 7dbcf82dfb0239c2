import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Cancellation } from '../../src/db/cancellation.js';
import type { Database } from '../../src/db/connection.js';
import { renderSql } from '../../src/db/renderSql.js';
import { startApi, type TestApi } from '../support/api.js';
import { openTestDatabase } from '../support/databases.js';
import { nestedShapes } from '../support/nestedShapes.js';

// The SQL each nested shape sends, as files a reviewer reads in diffs (__snapshots__/sqlSnapshots/*.sql).
// The statement texts are the same on both backends: PGlite writes the files, PostgreSQL must match them.
// A refactor that changes what is sent changes a file; one that does not leaves every file as it was.

interface Sent {
  text: string;
  params: unknown[];
  /** Sent with its values written in as literals, unprepared (src/db/planning.ts). */
  plannedForValues: boolean;
}

const dialect = new PgDialect();

/** The test database, every statement the server sends through it recorded as connection.ts renders it. */
function recording(db: Database, sent: Sent[]): Database {
  return {
    kind: db.kind,
    drizzle: db.drizzle,
    rows(query: SQL, cancellation?: Cancellation) {
      const rendered = renderSql(query) ?? dialect.sqlToQuery(query);
      const plannedForValues = 'withValues' in rendered && rendered.withValues !== undefined;
      sent.push({ text: rendered.sql.replace(/\s+/g, ' ').trim(), params: rendered.params, plannedForValues });
      return db.rows(query, cancellation);
    },
    close: () => db.close(),
  };
}

function snapshotText(name: string, n: number, sent: Sent[]): string {
  const lines = [`-- ${name}, first: ${n}`, `-- ${sent.length} statements, in the order sent; parameters as $1…, their values under each statement.`];
  sent.forEach((statement, i) => {
    lines.push('', `-- ${i + 1}${statement.plannedForValues ? ' (planned for its values: sent with them written in, unprepared)' : ''}`, statement.text);
    statement.params.forEach((value, p) => lines.push(`--   $${p + 1} = ${JSON.stringify(value)}`));
  });
  return lines.join('\n') + '\n';
}

let database: Database;
let api: TestApi;
const sent: Sent[] = [];
beforeAll(async () => {
  database = await openTestDatabase(inject('seeded'));
  // No data version poll while recording: only the requests' own statements are sent.
  api = await startApi({ db: recording(database, sent), settings: { dataVersionPollMs: 1_000_000_000 } });
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

async function statementsOf(query: string): Promise<Sent[]> {
  sent.length = 0;
  const result = await api.query(query);
  expect(result.body.errors).toBeUndefined();
  expect(sent).toHaveLength(result.sqlStatements);
  return [...sent];
}

describe('the SQL each nested shape sends', () => {
  it.each(nestedShapes)('$name', async ({ name, file, query }) => {
    const first = await statementsOf(query(2));
    // The second time the endpoint runs the document itself (provenAnswer.ts): the same statements.
    expect(await statementsOf(query(2))).toEqual(first);
    for (const statement of first) expect(statement.text).not.toMatch(/data_version/);
    await expect(snapshotText(name, 2, first)).toMatchFileSnapshot(`__snapshots__/sqlSnapshots/${file}.sql`);
  });
});
