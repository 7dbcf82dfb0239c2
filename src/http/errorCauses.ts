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
