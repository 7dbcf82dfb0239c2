import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  applyCompression,
  chooseEncoding,
  compressBody,
  compressed,
  compressionStream,
  MAX_SYNC_BYTES,
  MIN_COMPRESSED_BYTES,
  type Encoding,
} from '../../src/http/compression.js';

const decompress = (bytes: Buffer, encoding: Encoding) => (encoding === 'br' ? zlib.brotliDecompressSync(bytes) : zlib.gunzipSync(bytes));

/** Text like an answer: repeated structure, Chinese and ASCII. */
function answerText(bytes: number): string {
  const row = (i: number) => `{"slug":"facility-${i}","name":"大渡口区第${i}社区养老服务站","value":${(i * 1.37).toFixed(2)}},`;
  const rows = ['{"data":{"facilities":{"nodes":['];
  for (let i = 0, length = 0; length < bytes; i++) {
    rows.push(row(i));
    length += Buffer.byteLength(rows.at(-1)!) + (i === 0 ? Buffer.byteLength(rows[0]!) : 0);
  }
  return rows.join('');
}

describe('chooseEncoding', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br', 'br'],
    ['deflate', undefined],
    ['identity', undefined],
    ['*', 'br'],
    ['*;q=0', undefined],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['gzip;q=0.5, br;q=0.5', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['*, br;q=0', 'gzip'],
    ['*;q=0.3, gzip;q=0.2', 'br'],
    ['identity;q=1, gzip;q=0.5', undefined],
    ['identity;q=0.5, gzip', 'gzip'],
    ['identity, gzip', 'gzip'],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
    [' br ; q=0.9 ,gzip;q=0.8', 'br'],
    ['br;q=abc, gzip', 'gzip'],
    ['br;q=1.5, gzip;q=0.1', 'gzip'],
    ['br;q=0.001', 'br'],
    ['br;q=0.000', undefined],
    [',,;', undefined],
  ])('%j → %j', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});

describe('compressBody and compressed', () => {
  it.each(['br', 'gzip'] as const)('%s round-trips text with Chinese, from a string or a Buffer, sync and async', async (encoding) => {
    for (const size of [MIN_COMPRESSED_BYTES, 20_000, MAX_SYNC_BYTES + 1, 300_000]) {
      const text = answerText(size);
      const sync = compressBody(text, encoding)!;
      expect(decompress(sync, encoding).toString('utf8')).toBe(text);
      expect(sync.length).toBeLessThan(Buffer.byteLength(text));
      const fromBuffer = (await compressed(Buffer.from(text), encoding))!;
      expect(decompress(fromBuffer, encoding).toString('utf8')).toBe(text);
    }
  });

  it('leaves bodies under the threshold alone', async () => {
    const small = answerText(100).slice(0, 200);
    expect(Buffer.byteLength(small)).toBeLessThan(MIN_COMPRESSED_BYTES);
    for (const encoding of ['br', 'gzip'] as const) {
      expect(compressBody(small, encoding)).toBeUndefined();
      expect(await compressed(small, encoding)).toBeUndefined();
    }
    // The threshold counts bytes, not characters: 400 Chinese characters are 1,200 bytes.
    expect(compressBody('大'.repeat(400), 'gzip')).toBeDefined();
  });
});

describe('compressionStream', () => {
  it.each(['br', 'gzip'] as const)('%s: a streamed body decompresses to what was written', async (encoding) => {
    const pages = Array.from({ length: 20 }, (_, i) => answerText(5_000).replace(/facility-/g, `page-${i}-`));
    const out = await buffer(Readable.from(pages).pipe(compressionStream(encoding)));
    expect(decompress(out, encoding).toString('utf8')).toBe(pages.join(''));
  });

  it.each(['br', 'gzip'] as const)('%s: each write is flushed, so the reader can decode it before the stream ends', async (encoding) => {
    const stream = compressionStream(encoding);
    const decoder = encoding === 'br' ? zlib.createBrotliDecompress() : zlib.createGunzip();
    const decoded: Buffer[] = [];
    decoder.on('data', (chunk: Buffer) => decoded.push(chunk));
    stream.pipe(decoder);
    const page = answerText(3_000);
    stream.write(page);
    // Without the flush zlib would keep the page until more input or the end.
    while (Buffer.concat(decoded).toString('utf8') !== page) await once(decoder, 'data');
    stream.end();
    await once(decoder, 'end');
    expect(Buffer.concat(decoded).toString('utf8')).toBe(page);
  });
});

describe('applyCompression', () => {
  /** A real server whose one handler calls applyCompression on the given body. */
  async function roundTrip(body: string, headers: Record<string, string>, before?: (response: import('node:http').ServerResponse) => void) {
    const server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.setHeader('vary', 'accept');
      before?.(response);
      void applyCompression(request, response, body);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      // node:http rather than fetch: fetch would decode the body and hide what was sent.
      const response = await new Promise<IncomingMessage>((resolve, reject) =>
        httpRequest({ port, host: '127.0.0.1', headers }, resolve).on('error', reject).end(),
      );
      return { headers: response.headers, bytes: await buffer(response) };
    } finally {
      server.close();
    }
  }

  it.each(['br', 'gzip'] as const)('%s: sets content-encoding, content-length and vary; the body decodes to the original', async (encoding) => {
    const text = answerText(50_000);
    const { headers, bytes } = await roundTrip(text, { 'accept-encoding': encoding });
    expect(headers['content-encoding']).toBe(encoding);
    expect(Number(headers['content-length'])).toBe(bytes.length);
    expect(bytes.length).toBeLessThan(Buffer.byteLength(text));
    expect(headers.vary).toBe('accept, accept-encoding');
    expect(decompress(bytes, encoding).toString('utf8')).toBe(text);
  });

  it('sends a small body, or one to a client that accepts no coding, as it is, still with vary', async () => {
    for (const [text, acceptEncoding] of [
      ['{"data":{"division":{"name":"大渡口区"}}}', 'br, gzip'],
      [answerText(50_000), 'identity'],
    ] as const) {
      const { headers, bytes } = await roundTrip(text, { 'accept-encoding': acceptEncoding });
      expect(headers['content-encoding']).toBeUndefined();
      expect(Number(headers['content-length'])).toBe(Buffer.byteLength(text));
      expect(bytes.toString('utf8')).toBe(text);
      expect(headers.vary).toBe('accept, accept-encoding');
    }
  });

  it('does not encode twice, nor repeat accept-encoding in vary', async () => {
    const text = answerText(5_000);
    const { headers, bytes } = await roundTrip(text, { 'accept-encoding': 'gzip' }, (response) => {
      response.setHeader('vary', 'Accept-Encoding');
      response.setHeader('content-encoding', 'identity');
    });
    expect(headers.vary).toBe('Accept-Encoding');
    expect(bytes.toString('utf8')).toBe(text);
  });
});
