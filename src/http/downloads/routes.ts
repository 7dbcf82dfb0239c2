import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { RateLimitExceeded, rateLimitHeaders } from '../../access/rateLimit.js';
import type { Context } from '../../graphql/context.js';
import { Language } from '../../graphql/language.js';
import { rootCountQuery, type ListQuery } from '../../graphql/relay/keyset.js';
import { publicBaseUrl } from '../catalog/baseUrl.js';
import { DATA_PACKAGE_PATH, dataPackage } from '../catalog/dataPackage.js';
import { applyCompression, chooseEncoding, compressionStream, setContentEncoding, type Encoding } from '../compression.js';
import type { Route, RouteParts } from '../route.js';
import { BadDownloadRequest, downloadFilter } from './filter.js';
import { csvByPostgres } from './csvByPostgres.js';
import { formatOf, type Format } from './formats.js';
import { rowBatches } from './rowBatches.js';
import { DownloadSlots } from './slots.js';
import { downloadTable, type DownloadTable } from './tables.js';
import { chargedCaller, sentRefusal } from '../charge.js';
import { matchingEtag, sendJson } from '../plainAnswers.js';

// Rows fetched and written at a time: large enough that per-batch work is small, small enough to stay light.
const BATCH_ROWS = 1_000;
// A client that reads nothing for this long is cut off: it would hold a connection and a snapshot for nothing.
const STALLED_CLIENT_MS = 60_000;

/**
 * Bulk downloads of each record type: /v1/data/{table}.{csv,json,ndjson} (and facilities.geojson), every
 * live row the filter matches, streamed batch by batch with the client's pace (memory stays flat whatever
 * the size). Charged one rate-limit point per row, counted before the first byte: a download over budget
 * is refused with 429 before it starts, never cut short. And /v1/datapackage.json, which describes the CSVs.
 */
export function downloadRoutes(parts: RouteParts): Route[] {
  const lastModified = new LastModified(parts);
  // Each download holds a database connection (PostgreSQL) while it streams: a few at once, so queries keep theirs.
  const slots = new DownloadSlots(parts.settings.downloads);

  async function serveDownload(request: IncomingMessage, response: ServerResponse, url: URL, match: RegExpExecArray): Promise<void> {
    const table = downloadTable(match[1]!);
    const language = languageOf(url);
    const format = table && formatOf(match[2]!, table, language ?? Language.ZH, url.searchParams.get('bom') === '1');
    if (!table || !format) {
      return sendJson(response, 404, {
        error: `No download at ${url.pathname}. Tables: ${tableNames()}, as .csv, .json or .ndjson; facilities also as .geojson.`,
      });
    }
    if (language === undefined) return sendJson(response, 400, { error: '`lang` must be zh or en.' });
    const bom = url.searchParams.get('bom');
    if (bom !== null && bom !== '0' && bom !== '1')
      return sendJson(response, 400, { error: '`bom` must be 1 (start the file with a UTF-8 byte order mark, for Excel) or 0.' });
    const unknown = [...url.searchParams.keys()].filter((key) => !['filter', 'lang', 'bom'].includes(key));
    if (unknown.length) return sendJson(response, 400, { error: `Unknown parameter ${unknown.map((k) => `\`${k}\``).join(', ')}: use filter, lang and bom.` });

    let list: ListQuery;
    try {
      list = table.list(downloadFilter(parts.schema, table.filterType, url.searchParams.get('filter')));
    } catch (error) {
      if (error instanceof BadDownloadRequest || error instanceof GraphQLError) return sendJson(response, 400, { error: error.message });
      throw error;
    }

    const headers: [string, string][] = [];
    try {
      const identity = await parts.identify(parts.db, request);
      const version = await lastModified.current();
      const etag = version
        ? `"${version.version}-${createHash('sha256')
            .update(url.pathname + url.search)
            .digest('base64url')
            .slice(0, 22)}"`
        : undefined;
      if (etag) headers.push(['etag', etag], ['last-modified', version!.modified.toUTCString()]);
      headers.push(['cache-control', `public, max-age=${parts.settings.httpCacheMaxAge}`]);
      if (etag && notModified(request, etag, version!.modified)) {
        // Revalidation costs one point: nothing is read.
        headers.push(...rateLimitHeaders(await parts.rateLimiter.charge(identity, 1)));
        setHeaders(response, headers);
        response.setHeader('etag', matchingEtag(request.headers['if-none-match'], etag) ?? etag);
        response.statusCode = 304;
        return void response.end();
      }
      const clientGone = new AbortController();
      response.once('close', () => clientGone.abort());
      const release = await slots.take(clientGone.signal);
      if (!release) {
        if (clientGone.signal.aborted) return;
        response.setHeader('retry-after', '5');
        const { concurrent } = parts.settings.downloads;
        return sendJson(response, 503, { error: `${concurrent} downloads are running on this server and others are waiting; retry in a few seconds.` });
      }
      try {
        const [counted] = await parts.db.rows<{ count: number }>(rootCountQuery(list));
        const rows = counted?.count ?? 0;
        if (rows === 0 && list.references) await list.references.assertExist({ db: parts.db } as Context);
        // HEAD reads no rows: it costs what a revalidation does.
        const cost = request.method === 'HEAD' ? 1 : Math.max(1, rows);
        headers.push(...rateLimitHeaders(await parts.rateLimiter.charge(identity, cost)), ['x-row-count', String(rows)]);
        setHeaders(response, headers);
        response.statusCode = 200;
        response.setHeader('content-type', format.contentType);
        if (format.attachment) response.setHeader('content-disposition', `attachment; filename="${table.name}.${format.extension}"`);
        if (request.method === 'HEAD') {
          negotiateEncoding(request, response);
          return void response.end();
        }
        await stream(request, response, table, format, bodyOf(table, list, format, language, clientGone.signal));
      } finally {
        release();
      }
    } catch (error) {
      if (response.headersSent) throw error;
      setHeaders(response, headers);
      if (sentRefusal(response, error, error instanceof RateLimitExceeded ? `This download has ${error.wanted} rows, one point each. ` : '')) return;
      if (error instanceof GraphQLError) return sendJson(response, 400, { error: error.message });
      throw error;
    }
  }

  /** The file's records: CSV as PostgreSQL writes it where it can, otherwise rows formatted here batch by batch. */
  function bodyOf(table: DownloadTable, list: ListQuery, format: Format, language: Language, clientGone: AbortSignal): AsyncIterable<string | Buffer> {
    const byPostgres = format.extension === 'csv' ? csvByPostgres(parts.db, table, list, language, clientGone) : undefined;
    return byPostgres ?? formatted(format, rowBatches(parts.db, list, BATCH_ROWS));
  }

  /** The body as it comes from the database, written as fast as the client reads; stops when the client is gone. */
  async function stream(request: IncomingMessage, response: ServerResponse, table: DownloadTable, format: Format, body: AsyncIterable<string | Buffer>) {
    const sink = compressedSink(request, response);
    try {
      if (!(await written(sink, format.start()))) return;
      for await (const chunk of body) {
        // Leaving the loop ends the generator, which closes the cursor (or cancels the COPY) and frees its connection.
        if (!(await written(sink, chunk))) return;
      }
      sink.end(format.end());
    } catch (error) {
      // The status line is gone: the transfer is broken off, so the client sees a failed download, not a short file.
      // A client that left first is not a failure of the server (its statement was cancelled).
      if (!response.destroyed)
        parts.logger.error('download failed while streaming', { table: table.name, error: error instanceof Error ? error.message : String(error) });
      response.destroy();
    }
  }

  async function serveDataPackage(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const language = languageOf(url);
    if (language === undefined) return sendJson(response, 400, { error: '`lang` must be zh or en.' });
    if (!(await chargedCaller(parts, request, response))) return;
    const baseUrl = publicBaseUrl(parts.publication, request.headers, parts.settings.trustProxy);
    const body = JSON.stringify(dataPackage({ baseUrl, publication: parts.publication, lang: language }), null, 2);
    response.statusCode = 200;
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.setHeader('cache-control', `public, max-age=${parts.settings.httpCacheMaxAge}`);
    return applyCompression(request, response, body);
  }

  return [
    { name: 'download', path: /^\/v1\/data\/([a-z]+)\.([a-z]+)$/, handle: (request, response, url, match) => serveDownload(request, response, url, match) },
    {
      name: 'datapackage',
      path: new RegExp(`^${DATA_PACKAGE_PATH.replace(/\./g, '\\.')}$`),
      handle: (request, response, url) => serveDataPackage(request, response, url),
    },
  ];
}

/** `?lang=`: zh (default) or en; undefined when it is neither. Accept-Language is not read, so the URL alone names the file. */
function languageOf(url: URL): Language | undefined {
  const lang = url.searchParams.get('lang');
  if (lang === null || lang === 'zh') return Language.ZH;
  return lang === 'en' ? Language.EN : undefined;
}

const tableNames = () => ['observations', 'facilities', 'programs', 'indicators', 'organizations', 'divisions'].join(', ');

function notModified(request: IncomingMessage, etag: string, modified: Date): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return matchingEtag(ifNoneMatch, etag) !== undefined;
  const since = Date.parse(request.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(modified.getTime() / 1000) * 1000 <= since;
}

/**
 * Where the file is written: the response, or a br/gzip stream into it when the client accepts one (each
 * batch is flushed through as it is written). A client gone ends the compressor too.
 */
function compressedSink(request: IncomingMessage, response: ServerResponse): Writable {
  const encoding = negotiateEncoding(request, response);
  if (!encoding) return response;
  const compressor = compressionStream(encoding);
  compressor.pipe(response);
  response.once('close', () => compressor.destroy());
  return compressor;
}

/** The coding the file is sent in, marked on the response (a HEAD gets the headers its GET would). */
function negotiateEncoding(request: IncomingMessage, response: ServerResponse): Encoding | undefined {
  response.appendHeader('vary', 'accept-encoding');
  const accepted = request.headers['accept-encoding'];
  const encoding = chooseEncoding(Array.isArray(accepted) ? accepted.join(', ') : accepted);
  if (encoding) setContentEncoding(response, encoding);
  return encoding;
}

async function* formatted(format: Format, batches: AsyncIterable<Record<string, unknown>[]>): AsyncGenerator<string> {
  let first = true;
  for await (const rows of batches) {
    yield format.batch(rows, first);
    first = false;
  }
}

/** Writes a chunk; false once the client is gone (or has read nothing for STALLED_CLIENT_MS). Waits for `drain` when the buffer is full. */
function written(response: Writable, chunk: string | Buffer): Promise<boolean> {
  if (response.destroyed || response.writableEnded) return Promise.resolve(false);
  if (chunk.length === 0 || response.write(chunk)) return Promise.resolve(!response.destroyed);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      response.off('drain', onDrain);
      response.off('close', onClose);
      if (!ok) response.destroy();
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), STALLED_CLIENT_MS);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

function setHeaders(response: ServerResponse, headers: [string, string][]) {
  for (const [name, value] of headers) response.setHeader(name, value);
}
/** The data version and when it was set (dataset_state.changed_at), read again only when the version changes. */
class LastModified {
  private known: { version: number; modified: Date } | undefined;

  constructor(private readonly parts: RouteParts) {}

  async current(): Promise<{ version: number; modified: Date } | undefined> {
    const version = this.parts.dataVersion.current;
    if (version === undefined) return undefined;
    if (this.known?.version !== version) {
      const [row] = await this.parts.db.rows<{ version: number; changedAt: number }>(
        sql`select data_version::int as "version", extract(epoch from changed_at)::float8 as "changedAt" from dataset_state`,
      );
      // Without a row the data were never written through the seed: the process start stands in for it.
      this.known = { version, modified: row ? new Date(Math.floor(row.changedAt) * 1000) : PROCESS_STARTED };
    }
    return this.known;
  }
}

const PROCESS_STARTED = new Date(Math.floor(Date.now() / 1000) * 1000);
