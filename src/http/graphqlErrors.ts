import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger.js';
import { scopeOfError } from '../requestScope.js';
import { causeCodes, isDatabaseUnreachable } from '../db/errorCauses.js';

/** Error codes that describe a client's own mistake: their messages reach the client as they are. */
const clientErrorCodes = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  // A write by someone who may not make it (src/writes): the message names the role or scope it lacks.
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);

/**
 * Client errors keep their specific message; anything else is logged with the request id and answered
 * with a generic message and that id, never a stack trace or SQL. A database that cannot be reached is
 * not a crash: it is reported as DATABASE_UNAVAILABLE and the endpoint answers 503.
 */
export function formatGraphQLError(logger: Logger, onDatabaseUnreachable: (error: unknown, requestStartedAt: number | undefined) => void = () => {}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && clientErrorCodes.has(code)) {
      const { stacktrace: _omit, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const scope = scopeOfError(error);
    const requestId = scope?.requestId ?? 'unknown';
    const base = { locations: formatted.locations, path: formatted.path };
    const codes = causeCodes(error);
    // A read replica away is not the database away: the endpoint reads again from the primary.
    if (codes.includes('REPLICA_UNAVAILABLE')) {
      return {
        ...base,
        message: 'A read replica could not be reached; the read was sent to the primary.',
        extensions: { code: 'REPLICA_UNAVAILABLE', requestId },
      };
    }
    if (isDatabaseUnreachable(error)) {
      if (scope) scope.databaseUnavailable = true;
      onDatabaseUnreachable(error, scope?.startedAt);
      return { ...base, message: 'The database is unreachable right now; retry in a few seconds.', extensions: { code: 'DATABASE_UNAVAILABLE', requestId } };
    }
    // The request's time ran out and its statements were stopped: the client was already answered 503.
    if (codes.includes('REQUEST_STOPPED') || (codes.includes('57014') && scope?.stop?.requested)) {
      return { ...base, message: 'The request ran past its time limit and was stopped.', extensions: { code: 'REQUEST_TIMEOUT', requestId } };
    }
    if (codes.includes('WRITE_BUSY')) {
      const cause = (error as { originalError?: unknown })?.originalError;
      return {
        ...base,
        message: cause instanceof Error ? cause.message : 'Another write is being applied; retry in a few seconds.',
        extensions: { code: 'WRITE_BUSY', requestId },
      };
    }
    if (codes.includes('57014')) {
      return {
        ...base,
        message: 'The database stopped this query for running too long. Ask for smaller pages or fewer nested lists.',
        extensions: { code: 'QUERY_TIMEOUT', requestId },
      };
    }
    // SQLSTATE class 22, data exception: a value the client sent that PostgreSQL cannot take (a NUL character, a number out of range).
    if (codes.some((code) => /^22[0-9A-Z]{3}$/.test(code))) {
      logger.warn('a value was refused by the database', { requestId, path: formatted.path, sqlState: codes.find((code) => code.startsWith('22')) });
      return {
        ...base,
        message: 'A value in this request cannot be used (for example a NUL character or a number out of range). Change it and retry.',
        extensions: { code: 'BAD_USER_INPUT' },
      };
    }
    const cause = (error as { originalError?: unknown })?.originalError ?? error;
    logger.error('request failed', { requestId, path: formatted.path, error: cause instanceof Error ? (cause.stack ?? cause.message) : String(cause) });
    return {
      ...base,
      message: `Internal server error. Quote request id ${requestId} when reporting it.`,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
    };
  };
}
