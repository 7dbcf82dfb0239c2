import type { Database } from '../db/connection.js';
import type { Metrics } from './metrics.js';

/** The database with every statement of `rows` timed and counted in flight (metrics.ts); the rest as it is. */
export function measuredDatabase(db: Database, metrics: Metrics): Database {
  return {
    kind: db.kind,
    drizzle: db.drizzle,
    rows: (query, cancellation) => metrics.timeStatement(() => db.rows(query, cancellation)),
    stream: db.stream?.bind(db),
    copyCsv: db.copyCsv?.bind(db),
    listen: db.listen?.bind(db),
    readTransaction: db.readTransaction?.bind(db),
    close: () => db.close(),
  };
}
