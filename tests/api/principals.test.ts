import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/apiKeys.js';
import { startApi, type TestApi } from '../support/api.js';
import { databaseUrl, testBackend } from '../support/databases.js';

// Principals: API keys with a role and a scope, tokens from an identity provider, and `viewer`, which
// tells a caller who it is. The identity provider is played by a key pair made here.
const root = path.resolve(import.meta.dirname, '../..');
const issuer = 'https://id.example.test/';
const audience = 'minsheng-test';
const VIEWER = '{ viewer { kind role name organizations { slug name } domains } }';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

let api: TestApi;
let withoutJwt: TestApi;
let directory: string;
let signingKey: PrivateKey;
let otherKey: PrivateKey;
let offices: { slug: string; name: string }[];

beforeAll(async () => {
  directory = mkdtempSync(path.join(tmpdir(), 'minsheng-principals-'));
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  const jwks = path.join(directory, 'jwks.json');
  writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' }] }));
  api = await startApi({ settings: { jwt: { issuer, audience, jwks, claims: 'minsheng' }, rateLimits: { standard: 1000 } } });
  withoutJwt = await startApi({ db: api.db });
  const data = await api.data<{ organizations: { nodes: { slug: string; name: string }[] } }>('{ organizations(first: 2) { nodes { slug name } } }');
  offices = data.organizations.nodes;
  expect(offices).toHaveLength(2);
});
afterAll(async () => {
  await withoutJwt?.close();
  await api?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

/** A token as the identity provider would sign it; `change` alters what the test is about. */
async function token(
  claims: Record<string, unknown>,
  change: { key?: PrivateKey; issuer?: string; audience?: string; expiresAt?: number; extra?: JWTPayload } = {},
) {
  return new SignJWT({ minsheng: claims, name: 'Education bureau app', ...change.extra })
    .setProtectedHeader({ alg: 'ES256', kid: 'test-key', typ: 'JWT' })
    .setSubject('user-42')
    .setIssuer(change.issuer ?? issuer)
    .setAudience(change.audience ?? audience)
    .setIssuedAt()
    .setExpirationTime(change.expiresAt ?? Math.floor(Date.now() / 1000) + 300)
    .sign(change.key ?? signingKey);
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsNow = () => ({ sub: 'user-42', iss: issuer, aud: audience, exp: Math.floor(Date.now() / 1000) + 300, minsheng: { role: 'admin' } });

describe('viewer', () => {
  it('anonymous: a reader acting for no one, answered without SQL and never cached', async () => {
    const answer = await api.query(VIEWER);
    expect(answer.status).toBe(200);
    expect(answer.body.data.viewer).toEqual({ kind: 'ANONYMOUS', role: 'READER', name: null, organizations: [], domains: [] });
    expect(answer.sqlStatements).toBe(0);
    const viaGet = await fetch(`${api.url}/graphql?query=${encodeURIComponent(VIEWER)}`, { headers: { accept: 'application/json' } });
    expect(viaGet.status).toBe(200);
    expect(viaGet.headers.get('cache-control')).toBe('no-store');
  });

  it('API keys of each role show their role and scope', async () => {
    const [first, second] = offices as [{ slug: string; name: string }, { slug: string; name: string }];
    const reader = await createApiKey(api.db, 'Reader newsroom', 'standard');
    const editor = await createApiKey(api.db, 'Education bureau editor', 'standard', {
      role: 'editor',
      organizations: [second.slug, first.slug],
      domains: ['education'],
    });
    const publisher = await createApiKey(api.db, 'Health publisher', 'partner', { role: 'publisher', domains: ['health', 'elderly_care'] });
    const admin = await createApiKey(api.db, 'Data office', 'partner', { role: 'admin' });
    expect(editor.info).toMatchObject({ role: 'editor', organizations: [first.slug, second.slug].sort(), domains: ['education'] });

    expect((await api.data(VIEWER, undefined, bearer(reader.key))).viewer).toEqual({
      kind: 'API_KEY',
      role: 'READER',
      name: 'Reader newsroom',
      organizations: [],
      domains: [],
    });
    expect((await api.data(VIEWER, undefined, { 'x-api-key': editor.key })).viewer).toEqual({
      kind: 'API_KEY',
      role: 'EDITOR',
      name: 'Education bureau editor',
      organizations: [first, second].sort((a, b) => (a.slug < b.slug ? -1 : 1)),
      domains: ['EDUCATION'],
    });
    expect((await api.data(VIEWER, undefined, bearer(publisher.key))).viewer).toEqual({
      kind: 'API_KEY',
      role: 'PUBLISHER',
      name: 'Health publisher',
      organizations: [],
      domains: ['HEALTH', 'ELDERLY_CARE'],
    });
    expect((await api.data(VIEWER, undefined, bearer(admin.key))).viewer).toEqual({
      kind: 'API_KEY',
      role: 'ADMIN',
      name: 'Data office',
      organizations: [],
      domains: [],
    });
  });

  it('a key is refused at creation for an unknown organization, or an editor or publisher acting for no one', async () => {
    await expect(createApiKey(api.db, 'Nobody', 'standard', { role: 'editor', organizations: ['no-such-office'] })).rejects.toThrow(
      'No live organization has the slug "no-such-office"',
    );
    await expect(createApiKey(api.db, 'Nobody', 'standard', { role: 'editor' })).rejects.toThrow('An editor acts for at least one organization or domain');
    await expect(createApiKey(api.db, 'Nobody', 'standard', { role: 'publisher' })).rejects.toThrow('A publisher acts for at least one organization or domain');
  });
});

describe('tokens from an identity provider', () => {
  it("a valid token shows its subject's role and scope, and spends the standard budget", async () => {
    const [first, second] = offices as [{ slug: string; name: string }, { slug: string; name: string }];
    const jwt = await token({ role: 'editor', organizations: [first.slug, second.slug], domains: ['EDUCATION'] });
    const answer = await api.query(`{ viewer { kind role name organizations { slug name } domains } rateLimit { limit } }`, undefined, bearer(jwt));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.data).toEqual({
      viewer: {
        kind: 'JWT',
        role: 'EDITOR',
        name: 'Education bureau app',
        organizations: [first, second].sort((a, b) => (a.slug < b.slug ? -1 : 1)),
        domains: ['EDUCATION'],
      },
      rateLimit: { limit: 1000 },
    });
    const withoutName = await token({ role: 'admin' }, { extra: { name: undefined } });
    expect((await api.data('{ viewer { kind role name } }', undefined, bearer(withoutName))).viewer).toEqual({ kind: 'JWT', role: 'ADMIN', name: 'user-42' });
  });

  async function refusal(credential: string, server: TestApi = api) {
    const answer = await server.query('{ viewer { kind } }', undefined, bearer(credential));
    expect(answer.status, JSON.stringify(answer.body)).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="minsheng"');
    expect(answer.body.data).toBeUndefined();
    return { extensions: answer.body.errors![0]!.extensions, message: answer.body.errors![0]!.message };
  }

  it('expired, wrongly signed, for another audience or from another issuer: each refused with its reason', async () => {
    const reader = { role: 'reader' };
    const expired = await refusal(await token(reader, { expiresAt: Math.floor(Date.now() / 1000) - 60 }));
    expect(expired.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'expired' });
    expect(expired.message).toMatch(/^The token expired at \d{4}-\d\d-\d\dT.*Get a fresh one from the identity provider\.$/);

    const forged = await refusal(await token(reader, { key: otherKey }));
    expect(forged.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'bad_signature' });
    expect(forged.message).toContain('does not verify with any key of JWT_JWKS');

    const elsewhere = await refusal(await token(reader, { audience: 'another-api' }));
    expect(elsewhere.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'wrong_audience' });
    expect(elsewhere.message).toBe(`The token is not meant for this API: its audience (\`aud\`) must include "${audience}" (JWT_AUDIENCE).`);

    const stranger = await refusal(await token(reader, { issuer: 'https://impostor.example.test/' }));
    expect(stranger.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'wrong_issuer' });
    expect(stranger.message).toBe(`The token was not issued by "${issuer}" (JWT_ISSUER), the only issuer this server trusts.`);
  });

  it('unsigned (alg none) and HS256 tokens are refused: only asymmetric signatures count', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claimsNow())}.`;
    const none = await refusal(unsigned);
    expect(none.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'unsupported_algorithm' });
    expect(none.message).toContain('signed with `none`');

    const secret = new TextEncoder().encode('a shared secret the server must never need, 32 bytes+');
    const hs256 = await new SignJWT(claimsNow()).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
    const symmetric = await refusal(hs256);
    expect(symmetric.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'unsupported_algorithm' });
    expect(symmetric.message).toContain('signed with `HS256`; only asymmetric signatures are accepted (RS256');
  });

  it('a token naming an unknown organization, role or domain is refused, not narrowed', async () => {
    const unknownOrganization = await refusal(await token({ role: 'editor', organizations: [offices[0]!.slug, 'no-such-office'] }));
    expect(unknownOrganization.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'unknown_organization' });
    expect(unknownOrganization.message).toContain('Minsheng does not know, or no longer lists: "no-such-office".');

    const unknownRole = await refusal(await token({ role: 'owner' }));
    expect(unknownRole.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'unknown_role' });
    expect(unknownRole.message).toBe('The token\'s role "owner" is not a role: use reader, editor, publisher, admin.');

    const unknownDomain = await refusal(await token({ role: 'editor', domains: ['SPORTS'] }));
    expect(unknownDomain.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'unknown_domain' });
    expect(unknownDomain.message).toContain('"SPORTS" is not a domain');

    const noScope = await refusal(await token({ role: 'publisher' }));
    expect(noScope.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'empty_scope' });

    const noClaims = await refusal(
      await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
        .setSubject('user-42')
        .setIssuer(issuer)
        .setAudience(audience)
        .setExpirationTime('5m')
        .sign(signingKey),
    );
    expect(noClaims.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'missing_claims' });
  });

  it('a malformed token, and any token where no identity provider is configured, are refused', async () => {
    const malformed = await refusal('abc.def.ghi');
    expect(malformed.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'malformed' });

    const notConfigured = await refusal(await token({ role: 'admin' }), withoutJwt);
    expect(notConfigured.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'jwt_not_configured' });
    expect(notConfigured.message).toContain('JWT_ISSUER, JWT_AUDIENCE and JWT_JWKS are not set');
  });

  it('routes beside /graphql take the same tokens: the catalog charges a valid one to its budget and refuses an expired one', async () => {
    const accepted = await fetch(`${api.url}/v1/catalog`, { headers: bearer(await token({ role: 'admin' })) });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('ratelimit-limit')).toBe('1000');
    const expired = await fetch(`${api.url}/v1/catalog`, {
      headers: bearer(await token({ role: 'admin' }, { expiresAt: Math.floor(Date.now() / 1000) - 60 })),
    });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: string }).error).toMatch(/expired/i);
  });

  it('an identity provider whose key set cannot be fetched is 503 with Retry-After, not 401 nor 500', async () => {
    // Nothing listens on port 1: the key set's fetch is refused at once.
    const unreachable = await startApi({ db: api.db, settings: { jwt: { issuer, audience, jwks: 'https://127.0.0.1:1/jwks.json', claims: 'minsheng' } } });
    try {
      const credential = bearer(await token({ role: 'admin' }));
      const answer = await unreachable.query(VIEWER, undefined, credential);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
      expect(answer.body.errors?.[0]?.message).toMatch(/key set \(JWT_JWKS\) cannot be fetched/);
      const catalog = await fetch(`${unreachable.url}/v1/catalog`, { headers: credential });
      expect(catalog.status).toBe(503);
    } finally {
      await unreachable.close();
    }
  });
});

describe('the keys CLI: --role, --org, --domain', () => {
  /** On PostgreSQL, the test's own database; on PGlite, an empty data directory of its own (no organizations). */
  function keysCli(args: string[]): Promise<{ code: number | null; output: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    if (testBackend() === 'postgres') env.DATABASE_URL = databaseUrl((api.db as unknown as { name: string }).name);
    else env.DATA_DIR = path.join(directory, 'data');
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/keys.ts', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('exit', (code) => resolve({ code, output }));
    });
  }

  it(
    'refuses a role without scope, an unknown role or domain before opening the database, and names an unknown organization',
    { timeout: 60_000 },
    async () => {
      const noScope = await keysCli(['create', '--name', 'Editor of nothing', '--role', 'editor']);
      expect(noScope.code).toBe(2);
      expect(noScope.output).toContain('--role editor: an editor acts for at least one organization or domain; give --org <slug> or --domain <DOMAIN>.');

      const badRole = await keysCli(['create', '--name', 'Owner', '--role', 'owner']);
      expect(badRole.code).toBe(2);
      expect(badRole.output).toContain('--role owner: use reader, editor, publisher, admin.');

      const badDomain = await keysCli(['create', '--name', 'Sports', '--role', 'editor', '--domain', 'SPORTS']);
      expect(badDomain.code).toBe(2);
      expect(badDomain.output).toContain('--domain "SPORTS" is not a domain: use CULTURE, TOURISM, EDUCATION, MINOR_PROTECTION, ELDERLY_CARE, HEALTH.');

      const unknownOrganization = await keysCli(['create', '--name', 'Ghost office', '--role', 'editor', '--org', 'no-such-office']);
      expect(unknownOrganization.code).toBe(1);
      expect(unknownOrganization.output).toContain('No live organization has the slug "no-such-office"');
    },
  );

  it('creates keys with a role and domains, and lists role and scope after the name', { timeout: 60_000 }, async () => {
    const publisher = await keysCli(['create', '--name', 'CLI publisher', '--role', 'publisher', '--domain', 'EDUCATION', '--domain', 'health']);
    expect(publisher.code, publisher.output).toBe(0);
    expect(publisher.output).toMatch(
      /^Created API key \d+ for "CLI publisher" \(tier standard, role publisher for EDUCATION, HEALTH\)\. It is shown this once; store it now:\nms_[A-Za-z0-9_-]{43}\n$/,
    );
    const admin = await keysCli(['create', '--name', 'CLI admin', '--tier', 'partner', '--role', 'admin']);
    expect(admin.code, admin.output).toBe(0);
    expect(admin.output).toContain('(tier partner, role admin for every organization and domain)');

    const listed = await keysCli(['list']);
    expect(listed.code, listed.output).toBe(0);
    const prefixOf = (created: string) => created.trim().split('\n').at(-1)!.slice(0, 10);
    expect(listed.output).toMatch(
      new RegExp(`\\d+\\t${prefixOf(publisher.output)}…\\tstandard\\tactive\\tcreated \\S+\\tCLI publisher\\trole publisher for EDUCATION, HEALTH\\n`),
    );
    expect(listed.output).toMatch(
      new RegExp(`\\d+\\t${prefixOf(admin.output)}…\\tpartner\\tactive\\tcreated \\S+\\tCLI admin\\trole admin for every organization and domain\\n`),
    );
  });

  it.runIf(testBackend() === 'postgres')(
    'a key made for an organization acts for it on the running server (PostgreSQL: the server and the CLI share it)',
    { timeout: 60_000 },
    async () => {
      const [first] = offices as [{ slug: string; name: string }];
      const created = await keysCli(['create', '--name', 'CLI editor', '--role', 'editor', '--org', first.slug, '--domain', 'CULTURE']);
      expect(created.code, created.output).toBe(0);
      expect(created.output).toContain(`(tier standard, role editor for ${first.slug}, CULTURE)`);
      const key = created.output.trim().split('\n').at(-1)!;
      expect((await api.data(VIEWER, undefined, bearer(key))).viewer).toEqual({
        kind: 'API_KEY',
        role: 'EDITOR',
        name: 'CLI editor',
        organizations: [first],
        domains: ['CULTURE'],
      });
      const listed = await keysCli(['list']);
      expect(listed.output).toContain(`\tCLI editor\trole editor for ${first.slug}, CULTURE\n`);
    },
  );
});
