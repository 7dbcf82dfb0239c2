import type { DataVersionWatcher } from '../cache/dataVersion.js';
import type { PublicationSettings } from '../config.js';
import type { Logger } from '../logger.js';
import { attributionOf, type Attribution } from './catalog/attribution.js';
import type { Database } from '../db/connection.js';
import { loadSourceReports } from './catalog/catalogFacts.js';

/**
 * What every GraphQL answer's `extensions` carry: the data version it was read at, the licence and one
 * attribution line. The reports it names are read when the server starts and again after each data change
 * (one small statement, whatever the size of the data), never during a request.
 */
export class AnswerExtensions {
  private current: Attribution;
  private answered: { current: Attribution; extensions: Attribution } | undefined;

  constructor(
    private readonly publication: PublicationSettings,
    private readonly db: Database,
    private readonly dataVersion: DataVersionWatcher,
    private readonly logger: Logger,
  ) {
    this.current = attributionOf(publication, dataVersion.current, []);
  }

  /** Reads the reports now, and again whenever the data version changes. */
  async start(): Promise<void> {
    await this.refresh();
    this.dataVersion.onChange(() => void this.refresh());
  }

  /**
   * For an answer read at `readAt` (a replica may be behind), by default the data version current now: one
   * object per version, shared by its answers (never changed).
   */
  forAnswer(readAt: number | undefined = this.dataVersion.current): Attribution {
    const version = readAt ?? null;
    if (this.answered?.current !== this.current || this.answered.extensions.dataVersion !== version) {
      this.answered = { current: this.current, extensions: Object.freeze({ ...this.current, dataVersion: version }) };
    }
    return this.answered.extensions;
  }

  private async refresh(): Promise<void> {
    try {
      const sources = await loadSourceReports(this.db);
      this.current = attributionOf(this.publication, this.dataVersion.current, sources);
    } catch (error) {
      // The answers keep the attribution they had; the database outage is reported where it is met.
      this.logger.warn('could not read the source reports for attribution', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
