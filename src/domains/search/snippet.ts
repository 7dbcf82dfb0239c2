/**
 * The text a hit matched in, cut to the match with some context either side, and the field it is in.
 * Fields are tried in the order given (names first), so the snippet shows the strongest match.
 */
const CONTEXT = 24;

export function snippetOf(fields: [name: string, text: string | null | undefined][], terms: string[]): { snippet: string | null; field: string | null } {
  for (const [name, text] of fields) {
    if (!text) continue;
    const at = text.toLowerCase().indexOf(terms[0]!.toLowerCase());
    if (at < 0) continue;
    const start = Math.max(0, at - CONTEXT);
    const end = Math.min(text.length, at + terms[0]!.length + CONTEXT);
    return { snippet: `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`, field: name };
  }
  return { snippet: null, field: null };
}
