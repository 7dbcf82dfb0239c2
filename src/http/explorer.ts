import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The explorer at GET /: GraphiQL from the project's own node_modules, no CDN, so it works offline. A
 * Content-Security-Policy of 'self' makes the browser refuse any request that would leave this server.
 */
const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
// The packages' exports maps hide their UMD builds; their package.json is exported, so resolve folders from it.
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

export interface StaticAsset {
  body: Buffer;
  contentType: string;
}

const assetFiles: Record<string, [file: string, contentType: string]> = {
  '/': [path.join(here, 'explorer/index.html'), 'text/html; charset=utf-8'],
  '/explorer/explorer.js': [path.join(here, 'explorer/explorer.js'), 'text/javascript; charset=utf-8'],
  '/explorer/graphiql.min.js': [path.join(packageDir('graphiql'), 'graphiql.min.js'), 'text/javascript; charset=utf-8'],
  '/explorer/graphiql.min.css': [path.join(packageDir('graphiql'), 'graphiql.min.css'), 'text/css; charset=utf-8'],
  '/explorer/react.production.min.js': [path.join(packageDir('react'), 'umd/react.production.min.js'), 'text/javascript; charset=utf-8'],
  '/explorer/react-dom.production.min.js': [path.join(packageDir('react-dom'), 'umd/react-dom.production.min.js'), 'text/javascript; charset=utf-8'],
  // Browsers ask for it on every page without a <link rel="icon">: favicon.svg drawn at 32 px, a PNG inside an ICO.
  '/favicon.ico': [path.join(here, 'explorer/favicon.ico'), 'image/x-icon'],
};

export const explorerContentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const cache = new Map<string, StaticAsset>();

/** The explorer asset at a path, or undefined. Read once, then served from memory. */
export function explorerAsset(pathname: string): StaticAsset | undefined {
  const cached = cache.get(pathname);
  if (cached) return cached;
  const entry = assetFiles[pathname];
  if (!entry) return undefined;
  const asset = { body: readFileSync(entry[0]), contentType: entry[1] };
  cache.set(pathname, asset);
  return asset;
}

/**
 * The explorer page with a JSON-LD block describing the dataset (schema.org), for dataset search engines.
 * A JSON-LD script is a data block: browsers never run it, so the Content-Security-Policy needs no change.
 * Every "<" is escaped, so no text in the data can close the script element.
 */
export function explorerPageWith(structuredData: object): Buffer {
  const page = explorerAsset('/')!.body.toString('utf8');
  const json = JSON.stringify(structuredData).replace(/</g, '\\u003c');
  return Buffer.from(
    page.replace('</head>', () => `  <script type="application/ld+json">${json}</script>\n  </head>`),
    'utf8',
  );
}
