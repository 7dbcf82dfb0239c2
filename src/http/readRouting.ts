import type { IncomingMessage } from 'node:http';
import { callerKeyOf, type Identity } from '../access/identity.js';
import type { DataVersionWatcher } from '../cache/dataVersion.js';
import type { WrittenVersions } from '../cache/writtenVersions.js';
import type { Database } from '../db/connection.js';
import type { ReadReplicas } from '../db/replicas.js';
import { scopedDatabase, type RequestScope } from '../requestScope.js';
import { HttpError } from './httpErrors.js';
import { versionInHeader } from './versionHeader.js';

/**
 * Every GraphQL answer names the data version it was read at in this header; a client that sends it back
 * is never answered from older data (monotonic reads across instances and replicas).
 */
export const DATA_VERSION_HEADER = 'minsheng-data-version';

/** Where a read runs, and the data version it is known to see (at least). */
export interface ReadPlace {
  db: Database;
  version: number | undefined;
}

/**
 * Which database a request reads from. Writes, and reads with drafts, go to the primary. A plain read goes
 * to a read replica that has replayed at least what the client has seen (the version it sends, and the
 * version its own last write produced, through whichever instance), else to the primary. Without replicas
 * the same rule still serves: an instance that has not yet polled a version its client has seen polls at once.
 */
export class ReadRouting {
  constructor(
    private readonly primary: Database,
    private readonly dataVersion: DataVersionWatcher,
    private readonly written: WrittenVersions,
    private readonly replicas: ReadReplicas | undefined,
  ) {}

  /**
   * The least data version this request may be answered at. When this instance has not yet seen it, the
   * primary's version is read at once (and the instance's caches dropped): the answer is never older.
   */
  async leastVersionFor(request: IncomingMessage, identity: Identity): Promise<number> {
    const asked = versionInHeader(request.headers[DATA_VERSION_HEADER], DATA_VERSION_HEADER, 'BAD_REQUEST');
    // Only callers that write have written versions; a store that cannot say sends the read to the primary.
    const ownWrite = writes(identity) ? await this.written.of(callerKeyOf(identity)) : 0;
    const least = Math.max(asked ?? 0, ownWrite ?? Number.MAX_SAFE_INTEGER);
    if (least <= (this.dataVersion.current ?? 0) || least === Number.MAX_SAFE_INTEGER) return least;
    const current = (await this.dataVersion.catchUp()) ?? 0;
    if (asked !== undefined && asked > current) {
      throw new HttpError(
        400,
        `The ${DATA_VERSION_HEADER} header asks for data version ${asked}, but the newest is ${current}. Send a version an answer named, or none.`,
        { code: 'BAD_REQUEST', newestDataVersion: current },
      );
    }
    return least;
  }

  /**
   * Where a plain read of this request runs: a replica that has `least`, else the primary. A replica found
   * unreachable during the read marks the scope (`replicaFailed`): the caller runs the read again on the primary.
   */
  async placeRead(least: number, scope: RequestScope): Promise<ReadPlace> {
    const chosen = await this.replicas?.choose(least);
    if (!chosen) return this.onPrimary(scope);
    const reading = this.replicas!.reading(chosen.replica, () => (scope.replicaFailed = true));
    return { db: scopedDatabase(reading, scope), version: chosen.version };
  }

  /** A read on the primary, which has every version: where a read goes when no replica will do, or one failed it. */
  onPrimary(scope: RequestScope): ReadPlace {
    return { db: scopedDatabase(this.primary, scope), version: this.dataVersion.current };
  }

  /** After a write: the version it produced (the primary's now), kept as the writer's for its next reads. */
  async wrote(identity: Identity): Promise<number | undefined> {
    const version = await this.dataVersion.refresh();
    if (version !== undefined && writes(identity)) await this.written.record(callerKeyOf(identity), version);
    return version;
  }
}

function writes(identity: Identity): boolean {
  return identity.kind !== 'anonymous' && identity.role !== 'reader';
}
