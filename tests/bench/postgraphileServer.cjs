/**
 * PostGraphile 4.14.1 as a library on plain node:http, the way servers.ts starts it:
 *   node tests/bench/postgraphileServer.cjs   (DATABASE_URL, PORT, HOST, DB_POOL_SIZE)
 * CommonJS on purpose: it has to hook require() before PostGraphile loads (see below).
 */
'use strict';
const http = require('node:http');
const Module = require('node:module');
const path = require('node:path');

// The project runs graphql 16; PostGraphile 4 needs 15, so npm nests two copies of graphql 15 (under
// postgraphile/ and graphile-build-pg/), and two copies means "Cannot use GraphQLScalarType from another
// module or realm". This process runs PostGraphile only, so every require('graphql…') goes to one copy.
const postgraphileDir = path.dirname(require.resolve('postgraphile/package.json'));
const graphqlDir = path.dirname(require.resolve('graphql/package.json', { paths: [postgraphileDir] }));
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === 'graphql' || request.startsWith('graphql/')) request = graphqlDir + request.slice('graphql'.length);
  return resolveFilename.call(this, request, parent, ...rest);
};

const { postgraphile } = require('postgraphile');
const ConnectionFilterPlugin = require('postgraphile-plugin-connection-filter');
// PostGraphile's own pg, so the statement counter below patches the client it really uses.
const pg = require(require.resolve('pg', { paths: [postgraphileDir] }));

// Counts statements like Minsheng's x-sql-statements header; read by the benchmark's probe, one request
// at a time, via GET /__bench/sql-statements. An integer increment: no cost under load.
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (...args) {
  statements += 1;
  return query.apply(this, args);
};

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE || 10) });

// Settings a user tuning for speed would pick (the PostGraphile docs' production advice).
const middleware = postgraphile(pool, 'public', {
  appendPlugins: [ConnectionFilterPlugin],
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
  disableQueryLog: true,
  watchPg: false,
  graphiql: false,
  enableQueryBatching: false,
  retryOnInitFail: false,
  // PostGraphile caches parsed and validated documents; the default is 50 MB.
  queryCacheMaxSize: 50 * 1024 * 1024,
});

const server = http.createServer((req, res) => {
  if (req.url === '/__bench/sql-statements') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(String(statements));
    return;
  }
  middleware(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT || 5000), process.env.HOST || '127.0.0.1', () => {
  process.stderr.write(`PostGraphile listening on ${process.env.HOST || '127.0.0.1'}:${process.env.PORT || 5000}\n`);
});
const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
