import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import zlib, { type BrotliOptions, type ZlibOptions } from 'node:zlib';
import { qualityList } from './qualityList.js';

/**
 * Compression of text responses (GraphQL JSON, CSV, explorer assets) for clients that accept br or gzip.
 *
 * Brotli at quality 5: answers are made per request, so compressing adds to every response's latency and holds
 * the event loop. 5 is the lowest quality with context modelling, where brotli's output falls clearly below
 * gzip's for CPU close to gzip level 6; qualities up to 4 give about gzip's size, and 6 and above cost far more
 * CPU for little less output. (Brotli's default, 11, is meant for static files compressed once.) Gzip keeps
 * zlib's default level, 6.
 */
export type Encoding = 'br' | 'gzip';

/** Below this, the saving is smaller than the headers and the CPU spent: sent as is. */
export const MIN_COMPRESSED_BYTES = 1024;
/** Above this, compression runs on libuv's thread pool instead of the event loop. */
export const MAX_SYNC_BYTES = 64 * 1024;
export const BROTLI_QUALITY = 5;
export const GZIP_LEVEL = 6;

/**
 * The coding to answer with, from an Accept-Encoding header (RFC 9110 §12.5.3): the highest q-value wins, br
 * before gzip at equal q; `*` stands for any coding not named; q=0 refuses; an `identity` named with a higher q
 * than either coding means the client wants none. No header: no compression (curl without --compressed).
 */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  const named = new Map<string, number>();
  for (const { value, q } of qualityList(acceptEncoding)) {
    const coding = value === 'x-gzip' ? 'gzip' : value;
    // A coding named twice keeps its highest q.
    named.set(coding, Math.max(named.get(coding) ?? 0, q));
  }
  const any = named.get('*');
  const qOf = (coding: string) => named.get(coding) ?? any ?? 0;
  const br = qOf('br');
  const gzip = qOf('gzip');
  const best = Math.max(br, gzip);
  if (best <= 0) return undefined;
  const identity = named.get('identity');
  if (identity !== undefined && identity > best) return undefined;
  return br >= gzip ? 'br' : 'gzip';
}

const brotliOptions = (size: number): BrotliOptions => ({
  params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
    [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
    [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size,
  },
});
const gzipOptions: ZlibOptions = { level: GZIP_LEVEL };

const brotliAsync = promisify(zlib.brotliCompress);
const gzipAsync = promisify(zlib.gzip);

/** The body compressed, synchronously (for bodies up to MAX_SYNC_BYTES); undefined when it is too small to gain. */
export function compressBody(body: string | Buffer, encoding: Encoding): Buffer | undefined {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (bytes.length < MIN_COMPRESSED_BYTES) return undefined;
  return encoding === 'br' ? zlib.brotliCompressSync(bytes, brotliOptions(bytes.length)) : zlib.gzipSync(bytes, gzipOptions);
}

/** The body compressed without holding the event loop for a large one; undefined when it is too small to gain. */
export async function compressed(body: string | Buffer, encoding: Encoding): Promise<Buffer | undefined> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (bytes.length <= MAX_SYNC_BYTES) return compressBody(bytes, encoding);
  return encoding === 'br' ? brotliAsync(bytes, brotliOptions(bytes.length)) : gzipAsync(bytes, gzipOptions);
}

/**
 * A compressing stream for a streamed download. Each write is flushed, so the client receives every page of
 * rows as it is produced rather than when zlib's window fills: write whole pages, not single rows, since each
 * flush ends a block.
 */
export function compressionStream(encoding: Encoding): zlib.BrotliCompress | zlib.Gzip {
  if (encoding === 'br') {
    return zlib.createBrotliCompress({
      flush: zlib.constants.BROTLI_OPERATION_FLUSH,
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT },
    });
  }
  return zlib.createGzip({ ...gzipOptions, flush: zlib.constants.Z_SYNC_FLUSH });
}

/**
 * Ends the response with the body, compressed when the client accepts br or gzip and the body is large enough.
 * `vary: accept-encoding` is added either way, so a shared cache never gives one client's coding to another.
 * A response that already has a content-encoding is sent as it is. HEAD gets the same headers, no body.
 */
export async function applyCompression(request: IncomingMessage, response: ServerResponse, body: string | Buffer): Promise<void> {
  addVary(response, 'accept-encoding');
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const encoding = response.hasHeader('content-encoding') ? undefined : chooseEncoding(headerText(request.headers['accept-encoding']));
  if (request.method === 'HEAD') {
    // The headers a GET would have, without compressing a body nobody receives (so no content-length).
    if (encoding !== undefined && bytes.length >= MIN_COMPRESSED_BYTES) setContentEncoding(response, encoding);
    else response.setHeader('content-length', bytes.length);
    return void response.end();
  }
  const packed = encoding === undefined ? undefined : await compressed(bytes, encoding);
  if (encoding !== undefined && packed !== undefined) {
    setContentEncoding(response, encoding);
    response.setHeader('content-length', packed.length);
    return void response.end(packed);
  }
  response.setHeader('content-length', bytes.length);
  response.end(bytes);
}

/**
 * Marks the response as compressed. A strong ETag names one representation's bytes (RFC 9110 §8.8.3), and the
 * compressed bytes are another representation: the coding is added to it (`"v3-abc"` → `"v3-abc-gzip"`).
 */
export function setContentEncoding(response: ServerResponse, encoding: Encoding): void {
  response.setHeader('content-encoding', encoding);
  const etag = response.getHeader('etag');
  if (typeof etag === 'string' && etag.startsWith('"')) response.setHeader('etag', `${etag.slice(0, -1)}-${encoding}"`);
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Adds a name to Vary unless it (or `*`) is there already. */
function addVary(response: ServerResponse, name: string) {
  const current = response.getHeader('vary');
  const text = Array.isArray(current) ? current.join(',') : String(current ?? '');
  // Most answers have a Vary that names neither: no list to build.
  if (!text.toLowerCase().includes(name) && !text.includes('*')) return void response.appendHeader('vary', name);
  const names = text
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  if (names.includes(name) || names.includes('*')) return;
  response.appendHeader('vary', name);
}
