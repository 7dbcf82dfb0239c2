import { and, eq, inArray, sql } from 'drizzle-orm';
import { publishedRecords } from '../tables/index.js';
import type { Transaction } from '../write.js';

/** A record as published, with its source text when it is a source. */
export interface PublishedRecord {
  key: string;
  record: unknown;
  text: string | null;
}

/**
 * Makes the published records of a kind the ones given (seeding): inserts new ones, updates those that differ.
 * Records no longer given stay, as their rows do when they are retired. Returns how many changed.
 */
export async function keepPublishedRecords(tx: Transaction, kind: string, records: PublishedRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const written = await tx
    .insert(publishedRecords)
    .values(records.map(({ key, record, text }) => ({ kind, key, record, text })))
    .onConflictDoUpdate({
      target: [publishedRecords.kind, publishedRecords.key],
      set: { record: sql`excluded."record"`, text: sql`excluded."text"`, retiredReason: sql`null` },
      // A record given is live: one retired before (through the API) loses its retirement reason even when unchanged.
      setWhere: sql`(${publishedRecords.record}, ${publishedRecords.text}) is distinct from (excluded."record", excluded."text") or ${publishedRecords.retiredReason} is not null`,
    })
    .returning({ key: publishedRecords.key });
  return written.length;
}

/** What reads published records: a transaction, or the database outside one. */
type Reader = Pick<Transaction, 'select'>;

/** One record as published, or undefined when there is none. */
export async function publishedRecord(tx: Reader, kind: string, key: string): Promise<PublishedRecord | undefined> {
  const [found] = await publishedRecordsOf(tx, kind, [key]);
  return found;
}

/** The published records of a kind with these keys (those there are). */
export async function publishedRecordsOf(tx: Reader, kind: string, keys: readonly string[]): Promise<PublishedRecord[]> {
  if (keys.length === 0) return [];
  return tx
    .select({ key: publishedRecords.key, record: publishedRecords.record, text: publishedRecords.text })
    .from(publishedRecords)
    .where(and(eq(publishedRecords.kind, kind), inArray(publishedRecords.key, [...keys])));
}

/** Writes one record as published (an edit through the API), or marks it retired with the reason given. */
export async function publishRecord(tx: Transaction, kind: string, entry: PublishedRecord): Promise<void> {
  await keepPublishedRecords(tx, kind, [entry]);
}

export async function retirePublishedRecord(tx: Transaction, kind: string, key: string, reason: string): Promise<void> {
  await tx
    .update(publishedRecords)
    .set({ retiredReason: reason })
    .where(and(eq(publishedRecords.kind, kind), eq(publishedRecords.key, key)));
}
