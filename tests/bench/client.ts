/** One GraphQL request over HTTP, as the load generator sends it (POST, JSON), with what the checks need. */
import type { Operation } from './queries.js';

export interface GraphQLReply {
  status: number;
  // GraphQL `data`, shaped by the query sent.
  data: any;
  errors: { message: string }[] | undefined;
  headers: Headers;
}

export async function sendGraphQL(url: string, operation: Operation): Promise<GraphQLReply> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(operation),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { message: string }[] };
  return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
}

/** The first error of a reply, or a bad status, as one line; undefined when the reply is good. */
export function problemOf(reply: Pick<GraphQLReply, 'status' | 'data' | 'errors'>): string | undefined {
  if (reply.errors?.length) return reply.errors[0]!.message.split('\n')[0];
  if (reply.status !== 200) return `HTTP ${reply.status}`;
  if (!reply.data) return 'no data';
  return undefined;
}
