import { ApiKeyRefused, apiKeyTiers, createApiKey, listApiKeys, revokeApiKey, type ApiKeyInfo, type ApiKeyTier } from '../access/apiKeys.js';
import { isRole, roles, scopeProblem, type Role } from '../access/roles.js';
import { domainsNamed } from '../access/scope.js';
import { loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';
import { openDatabaseForCommand } from '../db/open.js';
import { commandLine, usageFailure, type UsageFailure } from './commandLine.js';

/**
 * `npm run keys -- create --name "Acme News" --tier partner [--role editor --org <slug>… --domain EDUCATION…]`
 * | `list` | `revoke <id or prefix>`. Keys are shown once, at creation; the database keeps only their hashes.
 */
const usage = `usage:
  npm run keys -- create --name <who it is for> [--tier ${apiKeyTiers.join('|')}] [--role ${Object.keys(roles).join('|')}] [--org <organization slug>]… [--domain <DOMAIN>]…
      (default tier: standard; default role: reader; an editor or publisher acts for at least one --org or --domain, an admin for all)
  npm run keys -- list
  npm run keys -- revoke <id or key prefix>`;

const fail: UsageFailure = usageFailure(usage);
const parsed = commandLine(fail, {
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    tier: { type: 'string' },
    role: { type: 'string' },
    org: { type: 'string', multiple: true },
    domain: { type: 'string', multiple: true },
  },
});
const [command, target] = parsed.positionals;
const { name, tier = 'standard', role = 'reader', org: organizations = [], domain: domainNames = [] } = parsed.values;
let domains: ReturnType<typeof domainsNamed> = [];
if (command === 'create') {
  if (!name?.trim()) fail('create needs --name.');
  if (!(apiKeyTiers as readonly string[]).includes(tier)) fail(`--tier ${tier}: use ${apiKeyTiers.join(' or ')}.`);
  if (!isRole(role)) fail(`--role ${role}: use ${Object.keys(roles).join(', ')}.`);
  try {
    domains = domainsNamed(domainNames, (message) => new Error(`--domain ${message}`));
  } catch (error) {
    fail((error as Error).message);
  }
  const problem = scopeProblem(role, organizations.length, domains.length);
  if (problem) fail(`--role ${role}: ${problem}; give --org <slug> or --domain <DOMAIN>.`);
} else if (command === 'revoke') {
  if (!target) fail('revoke needs the id or prefix of a key (see `list`).');
} else if (command !== 'list') fail(command ? `unknown command ${command}.` : 'no command.');

/** Role and whom the key acts for, as `list` and `create` show them. */
function describeAccess(key: ApiKeyInfo): string {
  const scope = [...key.organizations, ...key.domains.map((domain) => domain.toUpperCase())];
  if (key.role === 'admin') return 'role admin for every organization and domain';
  return `role ${key.role}${scope.length ? ` for ${scope.join(', ')}` : ''}`;
}

// PGlite is one process's database: a key changed beside a running server would be lost when it stops.
const database = await openDatabaseForCommand(
  loadConfig(),
  (inUse) =>
    `Keys cannot be read or changed while process ${inUse.holderPid} (a running server, or another command) holds the embedded database in ${inUse.dataDir}: ` +
    `stop the server, run this command, then start the server again; or set DATABASE_URL to PostgreSQL, where keys can be managed while the server runs.`,
);
try {
  await migrate(database);
  if (command === 'create') {
    const { key, info } = await createApiKey(database, name!.trim(), tier as ApiKeyTier, { role: role as Role, organizations, domains });
    // A reader acting for no one is what every key was before roles: said as it always was.
    const access = info.role === 'reader' && info.organizations.length + info.domains.length === 0 ? '' : `, ${describeAccess(info)}`;
    console.log(`Created API key ${info.id} for "${info.name}" (tier ${info.tier}${access}). It is shown this once; store it now:\n${key}`);
  } else if (command === 'list') {
    const keys = await listApiKeys(database);
    if (keys.length === 0) console.log('No API keys.');
    for (const key of keys) {
      // Role and scope come last, after the name, so that the columns before them read as they always did.
      console.log(
        [
          key.id,
          `${key.prefix}…`,
          key.tier,
          key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active',
          `created ${key.createdAt.toISOString()}`,
          key.name,
          describeAccess(key),
        ].join('\t'),
      );
    }
  } else {
    const revoked = await revokeApiKey(database, target!);
    if (revoked.length === 0) {
      console.error(`No active key has id or prefix ${target}.`);
      process.exitCode = 1;
    }
    for (const key of revoked) console.log(`Revoked API key ${key.id} (${key.prefix}…, "${key.name}").`);
  }
} catch (error) {
  // A refused key (an unknown organization) says what to change; any other failure says what went wrong.
  console.error(error instanceof ApiKeyRefused ? `${error.message}\n${usage}` : (error as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
