import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { RequestIdentifier } from '../access/identity.js';
import { rateLimitHeaders, type RateLimiter } from '../access/rateLimit.js';
import type { Database } from '../db/connection.js';
import type { KindsByName } from '../db/records/lookups.js';
import { sentRefusal } from '../http/charge.js';
import { sendJson } from '../http/plainAnswers.js';
import type { Logger } from '../logger.js';
import { actorOf } from '../writes/actor.js';
import { EditRefused } from '../writes/edits.js';
import type { FileFormat } from './fileRecords.js';
import { importableKinds, importRecords, importRefusal, kindOfFileName } from './importRecords.js';
import { createJob, finishJob, recordProgress, type ImportJobRow } from './jobs.js';

export interface ImportRouteParts {
  db: Database;
  logger: Logger;
  rateLimiter: RateLimiter;
  identify: RequestIdentifier;
  kinds: KindsByName;
  /** The largest file accepted (bytes). */
  maxBytes?: number;
}

/** 64 MiB: 100,000 observations in CSV are about 45 MB. */
export const DEFAULT_MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** An import checks and writes many records: it costs what 100 GraphQL points do. */
export const IMPORT_COST = 100;
/** Problems a job keeps and `importJob` answers; problemCount counts them all. */
export const JOB_PROBLEMS = 100;
// Progress is written at most this often: each update is a statement of its own.
const PROGRESS_EVERY_MS = 500;
const MAX_WAIT_SECONDS = 60;

const FORMATS: Record<string, FileFormat> = { 'text/csv': 'csv', 'application/json': 'json' };

/**
 * POST /imports: a CSV or JSON file of one kind's records as the body (docs/importing.md). Answers 202 with a
 * job whose progress `importJob(id)` reports; with `Prefer: wait=<seconds>`, the job's end when it comes
 * within that time (200 done, 422 invalid, 403 outside the caller's scope). Refusals come before any work:
 * the caller, its role and budget, the content type and kind, then the size of the body.
 */
export function importRoute(parts: ImportRouteParts) {
  const maxBytes = parts.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES;
  const kindNames = importableKinds(parts.kinds).map((kind) => kind.name);
  return async function handle(request: IncomingMessage, response: ServerResponse, url: URL, requestId: string): Promise<void> {
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return sendJson(response, 405, { error: 'POST a CSV or JSON file of records to /imports (docs/importing.md).' });
    }
    let identity;
    try {
      identity = await parts.identify(parts.db, request);
    } catch (error) {
      if (sentRefusal(response, error)) return;
      throw error;
    }
    const actor = actorOf(identity, requestId);
    const publish = url.searchParams.get('publish') === 'true';
    const dryRun = url.searchParams.get('dryRun') === 'true';
    const fileName = fileNameOf(request.headers['content-disposition']);
    const kindName = url.searchParams.get('kind') ?? (fileName ? kindOfFileName(parts.kinds, fileName)?.name : undefined);
    const refusal = await importRefusal(parts.db, actor, { kind: kindName ?? 'unknown', label: fileName ?? 'POST /imports', publish });
    if (refusal) return sendRefusal(response, refusal);
    try {
      for (const [name, value] of rateLimitHeaders(await parts.rateLimiter.charge(identity, IMPORT_COST))) response.setHeader(name, value);
    } catch (error) {
      if (sentRefusal(response, error, 'An import ')) return;
      throw error;
    }
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const format = FORMATS[mediaType];
    if (!format) return sendJson(response, 415, { error: `Send the file as Content-Type text/csv or application/json, not "${mediaType || 'none'}".` });
    if (!kindName || !kindNames.includes(kindName)) {
      return sendJson(response, 400, {
        error: `${kindName ? `"${kindName}" is no kind of record.` : 'Which kind of record is the file?'} Name it as ?kind=${kindNames.join('|')} (or as the file name in Content-Disposition).`,
      });
    }
    const tooLarge = () => sendJson(response, 413, { error: `The file is larger than the ${maxBytes} bytes an import takes: split it into several files.` });
    if (Number(request.headers['content-length'] ?? 0) > maxBytes) return tooLarge();
    const body = await readBody(request, maxBytes);
    if (!body) return tooLarge();

    const job = await createJob(parts.db, { id: randomUUID(), principal: actor.description, kind: kindName, publish, dryRun });
    const ended = run(parts, job, { actor, format, body, label: fileName ?? `POST /imports ${job.id}` });
    const wait = preferredWait(String(request.headers.prefer ?? ''));
    const result =
      wait > 0 ? await Promise.race([ended, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), wait * 1000).unref())]) : undefined;
    if (!result) return sendJson(response, 202, { id: job.id, state: 'VALIDATING' });
    const status = result.state === 'done' ? 200 : result.state === 'failed' ? 500 : result.forbidden ? 403 : 422;
    return sendJson(response, status, {
      id: job.id,
      state: result.state.toUpperCase(),
      total: result.total,
      problemCount: result.problemCount,
      problems: result.problems,
    });
  };
}

type Ended = Pick<ImportJobRow, 'total' | 'problemCount'> & { state: 'done' | 'invalid' | 'failed'; forbidden: boolean; problems: unknown[] };

/** Runs the import after the answer; its progress and end go to the job's row. Never rejects. */
async function run(
  parts: ImportRouteParts,
  job: ImportJobRow,
  file: { actor: ReturnType<typeof actorOf>; format: FileFormat; body: Buffer; label: string },
): Promise<Ended> {
  // Progress is written beside the import's transaction, in order, never awaited by it: on the embedded
  // database (one connection) it waits for the transaction to end.
  let progressWritten: Promise<void> = Promise.resolve();
  let lastWritten = 0;
  try {
    const report = await importRecords(parts.db, parts.kinds, file.actor, {
      kind: parts.kinds.get(job.kind)!,
      format: file.format,
      open: () => Readable.from([file.body]),
      label: file.label,
      dryRun: job.dryRun,
      publish: job.publish,
      maxProblems: JOB_PROBLEMS,
      onProgress: (progress) => {
        if (Date.now() - lastWritten < PROGRESS_EVERY_MS) return;
        lastWritten = Date.now();
        progressWritten = progressWritten.then(() => recordProgress(parts.db, job.id, progress)).catch(() => {});
      },
    });
    await progressWritten;
    await finishJob(parts.db, job.id, { report });
    const state = report.outcome === 'invalid' ? 'invalid' : 'done';
    return { state, total: report.total, problemCount: report.problemCount, forbidden: report.forbidden, problems: report.problems };
  } catch (error) {
    parts.logger.error('import failed', { job: job.id, error: error instanceof Error ? error.stack : String(error) });
    const failure = `The import failed and wrote nothing: ${error instanceof Error ? error.message : String(error)}`;
    await progressWritten;
    await finishJob(parts.db, job.id, { failure }).catch(() => {});
    return { state: 'failed', total: null, problemCount: 1, forbidden: false, problems: [{ line: 0, column: null, message: failure }] };
  }
}

function sendRefusal(response: ServerResponse, refusal: EditRefused) {
  if (refusal.status === 401) response.setHeader('www-authenticate', 'Bearer realm="minsheng"');
  sendJson(response, refusal.status, { error: refusal.message });
}

/** The body, or undefined once it grows past the limit (the rest is not read). */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      request.resume();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function fileNameOf(disposition: string | undefined): string | undefined {
  return disposition ? /filename="?([^";]+)"?/i.exec(disposition)?.[1] : undefined;
}

/** RFC 7240 `Prefer: wait=<seconds>`, at most a minute; 0 when not asked. */
function preferredWait(prefer: string | undefined): number {
  const seconds = Number(/\bwait=(\d+)/i.exec(prefer ?? '')?.[1] ?? 0);
  return Math.min(seconds, MAX_WAIT_SECONDS);
}
