import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { ConfigError, type JwtSettings } from '../config.js';
import type { Database } from '../db/connection.js';
import type { Domain } from '../db/vocabulary.js';
import { IdentityProviderUnavailable, KeyRefused } from './keyRefused.js';
import { isRole, roles, scopeProblem, type Role } from './roles.js';
import { domainsNamed, organizationIdsOf } from './scope.js';

/** What a verified token says of its holder. */
export interface TokenPrincipal {
  subject: string;
  name: string;
  role: Role;
  organizationIds: number[];
  domains: Domain[];
}

/**
 * Only asymmetric signatures: the server holds public keys alone, so it can verify tokens but never make
 * one. HS* would need the identity provider's secret here, and `none` proves nothing.
 */
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** Three base64url segments (the last empty when unsigned): a JWS in compact form. */
const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function looksLikeJwt(credential: string): boolean {
  return JWT_PATTERN.test(credential);
}

/**
 * Verifies bearer tokens from the identity provider (JWT_ISSUER, JWT_AUDIENCE, JWT_JWKS), modelled on
 * Hasura's JWT mode: Minsheng's claims sit in one claim object (JWT_CLAIMS) holding `role`,
 * `organizations` (slugs) and `domains`. A key set file is read once, when the server starts; a remote one
 * is fetched and kept by jose, which fetches it again only when it is old or lacks a token's key id.
 */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey | undefined;

  constructor(private readonly settings: JwtSettings | undefined) {
    this.keys = settings && keySetOf(settings.jwks);
  }

  async verify(db: Database, token: string): Promise<TokenPrincipal> {
    const { settings, keys } = this;
    if (!settings || !keys) {
      throw new KeyRefused(
        'This server accepts no tokens from an identity provider: JWT_ISSUER, JWT_AUDIENCE and JWT_JWKS are not set. Send a Minsheng API key (`ms_…`) instead, or none for the anonymous budget.',
        'jwt_not_configured',
      );
    }
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new KeyRefused(
        'The bearer token is not a JWT: its header is not base64url-encoded JSON. Send the token as the identity provider issued it.',
        'malformed',
      );
    }
    if (!alg || !ASYMMETRIC_ALGORITHMS.includes(alg)) {
      throw new KeyRefused(
        `The token is signed with ${alg ? `\`${alg}\`` : 'no algorithm'}; only asymmetric signatures are accepted (${ASYMMETRIC_ALGORITHMS.join(', ')}), verified with the public keys of JWT_JWKS. Have the identity provider sign with one of them.`,
        'unsupported_algorithm',
      );
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ASYMMETRIC_ALGORITHMS,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      const refusal = refusalOf(error, settings);
      // Anything else from a remote key set (a timeout, a refused connection, a bad answer) is the provider's failure.
      if (refusal === error && settings.jwks.startsWith('https://')) {
        throw new IdentityProviderUnavailable(
          `The identity provider's key set (JWT_JWKS) cannot be fetched right now (${(error as Error).message}); retry in a few seconds.`,
        );
      }
      throw refusal;
    }
    return this.principalOf(db, payload, settings);
  }

  private async principalOf(db: Database, payload: JWTPayload, settings: JwtSettings): Promise<TokenPrincipal> {
    const claims = payload[settings.claims];
    const missing = (what: string) =>
      new KeyRefused(
        `The token's \`${settings.claims}\` claim ${what}. It holds \`role\`, \`organizations\` (slugs) and \`domains\` (JWT_CLAIMS names the claim).`,
        'missing_claims',
      );
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw missing('is missing or not an object');
    const { role = 'reader', organizations = [], domains = [] } = claims as Record<string, unknown>;
    if (typeof role !== 'string' || !isRole(role)) {
      throw new KeyRefused(`The token's role ${JSON.stringify(role)} is not a role: use ${Object.keys(roles).join(', ')}.`, 'unknown_role');
    }
    if (!isStrings(organizations)) throw missing('has `organizations` that is not a list of organization slugs');
    if (!isStrings(domains)) throw missing('has `domains` that is not a list of domain names');
    const scopeDomains = domainsNamed(domains, (message) => new KeyRefused(`The token names an unknown domain: ${message}`, 'unknown_domain'));
    const problem = scopeProblem(role, organizations.length, scopeDomains.length);
    if (problem)
      throw new KeyRefused(
        `The token's role cannot be used as it is: ${problem}. Have the identity provider add \`organizations\` or \`domains\`.`,
        'empty_scope',
      );
    const { ids, unknown } = await organizationIdsOf(db, organizations);
    // Refused, not dropped: a token that names an organization Minsheng does not know is wrong somewhere.
    if (unknown.length > 0) {
      throw new KeyRefused(
        `The token names ${unknown.length === 1 ? 'an organization' : 'organizations'} Minsheng does not know, or no longer lists: ${unknown.map((slug) => JSON.stringify(slug)).join(', ')}. Have the identity provider use the slugs the API lists (\`{ organizations { nodes { slug } } }\`).`,
        'unknown_organization',
      );
    }
    const subject = payload.sub!;
    return { subject, name: typeof payload.name === 'string' && payload.name ? payload.name : subject, role, organizationIds: ids, domains: scopeDomains };
  }
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function keySetOf(jwks: string): JWTVerifyGetKey {
  if (jwks.startsWith('https://')) return createRemoteJWKSet(new URL(jwks));
  let keySet: JSONWebKeySet;
  try {
    keySet = JSON.parse(readFileSync(jwks, 'utf8')) as JSONWebKeySet;
    return createLocalJWKSet(keySet);
  } catch (error) {
    throw new ConfigError(
      `JWT_JWKS=${jwks}: not a readable JSON Web Key Set (${(error as Error).message}). Give the path of a JWKS file, or its https:// URL.`,
    );
  }
}

/** The refusal a failed verification is; errors that are not the token's fault (a JWKS that cannot be fetched) go on as they are. */
function refusalOf(error: unknown, settings: JwtSettings): unknown {
  if (error instanceof errors.JWTExpired) {
    const expiredAt = typeof error.payload.exp === 'number' ? ` at ${new Date(error.payload.exp * 1000).toISOString()}` : '';
    return new KeyRefused(`The token expired${expiredAt}. Get a fresh one from the identity provider.`, 'expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') {
      return new KeyRefused(
        `The token is not meant for this API: its audience (\`aud\`) must include "${settings.audience}" (JWT_AUDIENCE).`,
        'wrong_audience',
      );
    }
    if (error.claim === 'iss') {
      return new KeyRefused(`The token was not issued by "${settings.issuer}" (JWT_ISSUER), the only issuer this server trusts.`, 'wrong_issuer');
    }
    if (error.claim === 'nbf')
      return new KeyRefused('The token is not valid yet (`nbf` is in the future). Check the clock of the identity provider.', 'not_yet_valid');
    if (error.reason === 'missing') {
      return new KeyRefused(`The token has no \`${error.claim}\` claim; tokens must name their subject (\`sub\`) and expire (\`exp\`).`, 'missing_claims');
    }
    return new KeyRefused(`The token's \`${error.claim}\` claim is not valid (${error.reason}).`, 'malformed');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new KeyRefused(
      "The token's signature does not verify with any key of JWT_JWKS: it was signed by another key, or altered. Get a token from the identity provider this server trusts.",
      'bad_signature',
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new KeyRefused(`The token's algorithm is not accepted: only ${ASYMMETRIC_ALGORITHMS.join(', ')}.`, 'unsupported_algorithm');
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return new KeyRefused(`The bearer token is not a valid JWT (${error.message}). Send the token as the identity provider issued it.`, 'malformed');
  }
  return error;
}
