import { PGlite, type Transaction } from '@electric-sql/pglite';
import { lockDataDir, type DataDirLock } from '../db/dataDirLock.js';
import { kindOfTypename, mirrored, recordKinds, type MirroredRecord, type RecordKind, type RecordRead } from './records.js';

/** Where the mirror stands: the server it mirrors, the feed cursor it resumes after, the data version it holds. */
export interface SyncState {
  serverUrl: string;
  /** Null only for a feed that had no change at all when the mirror was made. */
  cursor: string | null;
  /** Every change up to this data version is in the mirror. */
  dataVersion: number;
}

/*
 * One table per kind, named after its list. `fields` is the GraphQL answer as read (jsonb): the mirror keeps
 * exactly what the API said, a comparison with the server is exact, and reading more fields needs no
 * migration; the columns beside it are what a sync looks records up by. `read_at` is the data version the
 * row was read at.
 */
const SCHEMA = [
  ...recordKinds.map(
    (kind) => `create table if not exists ${kind.list} (
      id text primary key,
      key text not null unique,
      revision integer not null,
      retired boolean not null,
      fields jsonb not null,
      read_at bigint not null
    )`,
  ),
  `create table if not exists sync_state (
    only_row boolean primary key default true check (only_row),
    server_url text not null,
    cursor text,
    data_version bigint not null,
    synced_at timestamptz not null default now()
  )`,
].join(';\n');

/** What a sync writes inside one local transaction. */
export class MirrorWrite {
  constructor(private readonly tx: Transaction) {}

  /** Inserts or replaces records of one kind, read at `readAt`; one statement for the whole batch. */
  async upsert(kind: RecordKind, records: readonly MirroredRecord[], readAt: number): Promise<void> {
    if (records.length === 0) return;
    await this.tx.query(
      `insert into ${kind.list} (id, key, revision, retired, fields, read_at)
       select r->>'id', r->>'key', (r->>'revision')::integer, (r->>'retired')::boolean, r->'fields', $2
       from jsonb_array_elements($1::jsonb) as r
       on conflict (id) do update set key = excluded.key, revision = excluded.revision, retired = excluded.retired,
         fields = excluded.fields, read_at = excluded.read_at`,
      [JSON.stringify(records), readAt],
    );
  }

  /** Upserts records of any kinds, as `nodes(ids:)` answers them (with __typename). */
  async upsertReads(reads: readonly RecordRead[], readAt: number): Promise<void> {
    for (const kind of recordKinds) {
      const ofKind = reads.filter((read) => kindOfTypename.get(String(read.__typename)) === kind);
      await this.upsert(
        kind,
        ofKind.map((read) => mirrored(kind, read)),
        readAt,
      );
    }
    const unknown = reads.find((read) => !kindOfTypename.has(String(read.__typename)));
    if (unknown) throw new Error(`${unknown.id} is a ${String(unknown.__typename)}, which the mirror does not keep`);
  }

  async saveState(state: SyncState): Promise<void> {
    await this.tx.query(
      `insert into sync_state (only_row, server_url, cursor, data_version, synced_at) values (true, $1, $2, $3, now())
       on conflict (only_row) do update set server_url = excluded.server_url, cursor = excluded.cursor,
         data_version = excluded.data_version, synced_at = excluded.synced_at`,
      [state.serverUrl, state.cursor, state.dataVersion],
    );
  }
}

/** The local copy: PGlite in a directory, so that a mirror needs nothing installed. One process at a time. */
export class Mirror {
  private constructor(
    private readonly db: PGlite,
    private readonly lock: DataDirLock | undefined,
  ) {}

  /** Opens (or makes) the mirror in `dir`; in memory when no directory is given. */
  static async open(dir?: string): Promise<Mirror> {
    // Two processes on one PGlite directory overwrite each other's pages: refuse the second.
    const lock = dir ? lockDataDir(dir) : undefined;
    try {
      const db = await PGlite.create(dir ? { dataDir: dir } : {});
      await db.exec(SCHEMA);
      return new Mirror(db, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  async state(): Promise<SyncState | undefined> {
    const { rows } = await this.db.query<{ server_url: string; cursor: string | null; data_version: number | string }>(
      'select server_url, cursor, data_version from sync_state',
    );
    const row = rows[0];
    return row && { serverUrl: row.server_url, cursor: row.cursor, dataVersion: Number(row.data_version) };
  }

  /** Empties the mirror for a full sync: until it saves a state, a sync starts over. */
  async clear(): Promise<void> {
    await this.db.exec(`truncate ${recordKinds.map((kind) => kind.list).join(', ')}, sync_state`);
  }

  /** Runs `work` in one local transaction: all of it is kept, or none (a throw rolls it back). */
  async write<T>(work: (write: MirrorWrite) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new MirrorWrite(tx)));
  }

  /** Which of these IDs the mirror holds (live or tombstone). */
  async holds(kind: RecordKind, ids: readonly string[]): Promise<Set<string>> {
    const { rows } = await this.db.query<{ id: string }>(`select id from ${kind.list} where id = any($1::text[])`, [ids]);
    return new Set(rows.map((row) => row.id));
  }

  /** Every record of one kind, by ID. */
  async records(kind: RecordKind): Promise<MirroredRecord[]> {
    const { rows } = await this.db.query<MirroredRecord>(`select id, key, revision, retired, fields from ${kind.list} order by id`);
    return rows;
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}
