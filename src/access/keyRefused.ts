/** Why a credential was refused; the message of the error that carries it tells the client what to change. */
export type RefusalReason =
  | 'malformed'
  | 'unknown'
  | 'revoked'
  | 'jwt_not_configured'
  | 'unsupported_algorithm'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'missing_claims'
  | 'unknown_role'
  | 'unknown_organization'
  | 'unknown_domain'
  | 'empty_scope';

/** A credential refused; the endpoint answers 401 with its reason. */
export class KeyRefused extends Error {
  constructor(
    message: string,
    readonly reason: RefusalReason,
  ) {
    super(message);
  }
}

/** The identity provider's key set could not be fetched: not the caller's fault, so not a 401; the endpoint answers 503. */
export class IdentityProviderUnavailable extends Error {}
