/**
 * Values kept per text a client sent (a document's syntax tree or compiled query, an Accept header's
 * content type), oldest out first. The bound
 * is on the texts' total length, not their number: a document may be up to MAX_DOCUMENT_BYTES long, and
 * what is kept for it grows with it, so a thousand large texts must not hold a thousand times that.
 */
export class ByText<Value> {
  private readonly values = new Map<string, Value>();
  private characters = 0;

  constructor(private readonly maxCharacters: number) {}

  get(text: string): Value | undefined {
    return this.values.get(text);
  }

  set(text: string, value: Value): void {
    if (this.values.has(text)) this.values.delete(text);
    else this.characters += text.length;
    this.values.set(text, value);
    for (const oldest of this.values.keys()) {
      if (this.characters <= this.maxCharacters || this.values.size === 1) break;
      this.values.delete(oldest);
      this.characters -= oldest.length;
    }
  }
}
