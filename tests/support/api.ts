import { inject } from 'vitest';
import type { Database } from '../../src/db/connection.js';
import { createHttpServer, type MinshengServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { openTestDatabase } from './databases.js';

export interface GraphQLResponse<Data = any> {
  status: number;
  headers: Headers;
  body: { data?: Data; errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[] };
  /** SQL statements the server issued for this request. */
  sqlStatements: number;
}

/** A Minsheng server on its own copy of the seeded database, reached over HTTP like any client. */
export interface TestApi {
  url: string;
  db: Database;
  query<Data = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<Data>>;
  /** Like query, but fails the test on any GraphQL error, and returns data. */
  data<Data = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Data>;
  close(): Promise<void>;
}

export async function startApi(): Promise<TestApi> {
  const db = await openTestDatabase(inject('seeded'));
  const http: MinshengServer = await createHttpServer({ db, logger: createLogger('silent'), sqlCountHeader: true });
  const { url } = await http.listen(0, '127.0.0.1');
  async function query<Data>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse<Data>> {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as GraphQLResponse<Data>['body'],
      sqlStatements: Number(response.headers.get('x-sql-statements')),
    };
  }
  return {
    url,
    db,
    query,
    async data<Data>(text: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
      const result = await query<Data>(text, variables, headers);
      if (result.body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(result.body.errors)}`);
      return result.body.data as Data;
    },
    async close() {
      await http.close();
      await db.close();
    },
  };
}
