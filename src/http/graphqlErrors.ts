import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger.js';

/** Error codes that describe a client's own mistake: their messages reach the client as they are. */
const clientErrorCodes = new Set([
  'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Client errors keep their specific message; anything else is logged with the request id and answered
 * with a generic message and that id, never a stack trace or SQL.
 */
export function formatGraphQLError(logger: Logger, requestIdOf: () => string) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && clientErrorCodes.has(code)) {
      const { stacktrace: _omit, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const requestId = requestIdOf();
    const cause = (error as { originalError?: unknown })?.originalError ?? error;
    logger.error('request failed', { requestId, path: formatted.path, error: cause instanceof Error ? cause.stack ?? cause.message : String(cause) });
    return {
      message: `Internal server error. Quote request id ${requestId} when reporting it.`,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
    };
  };
}
