/**
 * Rendered charts by code, language, kind and data version, least recently used out first, bounded in
 * entries and bytes. A chart is drawn once per data version; requests for one that is being drawn wait for
 * that drawing instead of starting their own.
 */
export class ChartCache<Entry extends { bytes: number }> {
  private readonly entries = new Map<string, Entry>();
  private readonly drawing = new Map<string, Promise<Entry | null>>();
  private bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get size() {
    return { entries: this.entries.size, bytes: this.bytes, maxBytes: this.maxBytes };
  }

  /** The entry under `key`, drawn by `draw` when missing (null: nothing to draw, not kept). */
  async get(key: string, draw: () => Promise<Entry | null>): Promise<Entry | null> {
    const hit = this.entries.get(key);
    if (hit) {
      // Map order is insertion order: moved to the end, it is the most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const pending = this.drawing.get(key);
    if (pending) return pending;
    const drawn = draw().finally(() => this.drawing.delete(key));
    this.drawing.set(key, drawn);
    const entry = await drawn;
    if (entry) this.keep(key, entry);
    return entry;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private keep(key: string, entry: Entry) {
    if (entry.bytes > this.maxBytes) return;
    const replaced = this.entries.get(key);
    if (replaced) this.bytes -= replaced.bytes;
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [oldest, old] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.bytes;
    }
  }
}
