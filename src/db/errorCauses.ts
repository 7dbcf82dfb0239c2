/**
 * The `code`s along an error's chain of causes: GraphQLError → Drizzle's query error → the driver's
 * error, whose code is a socket error (ECONNREFUSED), a postgres.js one (CONNECT_TIMEOUT) or a SQLSTATE.
 */
export function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let cause = error, hops = 0; cause && typeof cause === 'object' && hops < 8; hops += 1) {
    const { code, originalError, cause: next } = cause as { code?: unknown; originalError?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    cause = originalError ?? next;
  }
  return codes;
}

// Node socket errors and postgres.js connection errors, and PostgreSQL's own "cannot serve now" codes.
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  // PgBouncer's code for its own refusals: the server behind it is away (server_login_retry) or no server
  // connection came free in time (query_wait_timeout).
  '08P01',
]);

/** Is this error (or what it wraps: GraphQL → Drizzle → driver) the database being unreachable? */
export function isDatabaseUnreachable(error: unknown): boolean {
  return causeCodes(error).some((code) => unreachableCodes.has(code));
}
