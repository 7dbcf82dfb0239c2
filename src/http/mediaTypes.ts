import { qualityList } from './qualityList.js';

/**
 * GraphQL over HTTP media types. Under `application/graphql-response+json` a request error (the document
 * does not parse or validate, variables do not coerce, a limit is exceeded) is a 400; under the older
 * `application/json` the spec wants 200 for every well-formed request, the errors saying what went wrong,
 * because intermediaries may replace a 4xx body. Apollo answers 400 to both: we follow the spec.
 */
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';
export const JSON_MEDIA_TYPE = 'application/json; charset=utf-8';

/** The response media type an Accept header prefers (ties go to application/json, as in Apollo); JSON when it names neither. */
export function responseMediaType(accept: string | undefined): string {
  if (!accept) return JSON_MEDIA_TYPE;
  let json = 0;
  let graphqlResponse = 0;
  for (const { value: range, q } of qualityList(accept)) {
    if (range === 'application/json' || range === 'application/*' || range === '*/*') json = Math.max(json, q);
    if (range === 'application/graphql-response+json' || range === 'application/*' || range === '*/*') graphqlResponse = Math.max(graphqlResponse, q);
  }
  return graphqlResponse > json ? GRAPHQL_RESPONSE_JSON : JSON_MEDIA_TYPE;
}

/** Does the Accept header take a GraphQL JSON answer at all? (If not, the answer is a 406, never a cached JSON.) */
export function acceptsGraphQLJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return qualityList(accept).some(
    ({ value: range, q }) => q > 0 && ['application/json', 'application/graphql-response+json', 'application/*', '*/*'].includes(range),
  );
}

/** GraphQL request errors: the request was well-formed but its document or variables cannot run. */
const requestErrorCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'DOCUMENT_TOO_LARGE',
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'TOO_MANY_ROOT_FIELDS',
  'QUERY_TOO_COSTLY',
  'VARIABLES_TOO_DEEP',
  'TOO_MANY_REPEATED_FIELDS',
  'DOCUMENT_TOO_COMPLEX',
]);

export function isRequestErrorCode(code: unknown): boolean {
  return typeof code === 'string' && requestErrorCodes.has(code);
}

/** The status for a response whose only errors are GraphQL request errors. */
export function statusForRequestErrors(mediaType: string): number {
  return mediaType.startsWith('application/json') ? 200 : 400;
}

/** Apollo's 400 for a request error, corrected to 200 when the response is application/json. */
export function correctedStatus(status: number, contentType: string | undefined, body: string): number {
  if (status !== 400 || !contentType?.startsWith('application/json')) return status;
  try {
    const { errors } = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
    return errors?.length && errors.every((error) => isRequestErrorCode(error.extensions?.code)) ? 200 : status;
  } catch {
    return status;
  }
}
