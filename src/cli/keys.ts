import { parseArgs } from 'node:util';
import { apiKeyTiers, createApiKey, listApiKeys, revokeApiKey, type ApiKeyTier } from '../access/apiKeys.js';
import { loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';
import { openDatabaseForCommand } from '../db/open.js';

/**
 * `npm run keys -- create --name "Acme News" --tier partner` | `list` | `revoke <id or prefix>`.
 * Keys are shown once, at creation; the database keeps only their hashes.
 */
const usage = `usage:
  npm run keys -- create --name <who it is for> [--tier ${apiKeyTiers.join('|')}]   (default tier: standard)
  npm run keys -- list
  npm run keys -- revoke <id or key prefix>`;

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { name: { type: 'string' }, tier: { type: 'string' } } });
} catch (error) {
  fail((error as Error).message);
}
const [command, target] = parsed.positionals;
const { name, tier = 'standard' } = parsed.values;
if (command === 'create') {
  if (!name?.trim()) fail('create needs --name.');
  if (!(apiKeyTiers as readonly string[]).includes(tier)) fail(`--tier ${tier}: use ${apiKeyTiers.join(' or ')}.`);
} else if (command === 'revoke') {
  if (!target) fail('revoke needs the id or prefix of a key (see `list`).');
} else if (command !== 'list') fail(command ? `unknown command ${command}.` : 'no command.');

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
    const { key, info } = await createApiKey(database, name!.trim(), tier as ApiKeyTier);
    console.log(`Created API key ${info.id} for "${info.name}" (tier ${info.tier}). It is shown this once; store it now:\n${key}`);
  } else if (command === 'list') {
    const keys = await listApiKeys(database);
    if (keys.length === 0) console.log('No API keys.');
    for (const key of keys) {
      console.log(
        [
          key.id,
          `${key.prefix}…`,
          key.tier,
          key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active',
          `created ${key.createdAt.toISOString()}`,
          key.name,
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
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
